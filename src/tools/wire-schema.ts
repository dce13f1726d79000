// A tool's zod schema as tools/list advertises it. Every byte of tools/list sits in front of the model on every turn, so
// the JSON Schema drops what tells it nothing: the `$schema` dialect line (MCP fixes the dialect) and
// `additionalProperties: false` (the server strips unknown input keys anyway, and results may carry more than they
// declare). Validation is still zod's, unchanged.
import type * as z from 'zod/v4';

type Json = Record<string, unknown>;

function lean(node: unknown, root = true): unknown {
  if (Array.isArray(node)) return node.map((n) => lean(n, false));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if ((root && k === '$schema') || (k === 'additionalProperties' && v === false)) continue;
    // Under `properties` the keys are field names, not keywords: keep them all.
    out[k] =
      k === 'properties' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Json).map(([name, sub]) => [name, lean(sub, false)]))
        : lean(v, false);
  }
  return out;
}

interface JsonSchemaConverter {
  input(options: { target: string }): Json;
  output(options: { target: string }): Json;
}

/** The schema as a Standard Schema whose JSON Schema is lean; validation delegates to the zod schema. */
export function wireSchema(schema: z.ZodType): object {
  const std = schema['~standard'] as z.ZodType['~standard'] & { jsonSchema: JsonSchemaConverter };
  return {
    '~standard': {
      version: 1,
      vendor: std.vendor,
      validate: (value: unknown) => std.validate(value),
      jsonSchema: {
        input: (options: { target: string }) => lean(std.jsonSchema.input(options)),
        output: (options: { target: string }) => lean(std.jsonSchema.output(options)),
      },
    },
  };
}
