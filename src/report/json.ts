// The JSON face of a report: the ScanReport itself, in a stable key order, plus the published JSON Schema.
import * as z from 'zod/v4';
import type { ScanReport } from '../engine/types.js';
import { ScanReportSchema } from './schema.js';

/** Where the generated JSON Schema is published in the package (relative to the package root). */
export const SCAN_REPORT_SCHEMA_PATH = 'schemas/scan-report.schema.json';

/**
 * The ScanReport as JSON: 2-space indented, newline-terminated, keys in the schema's declared order (the order of
 * src/engine/types.ts), record keys (headers, timings) sorted, so the same report always yields the same bytes,
 * however the engine happened to build the objects. Keys the schema does not know are kept, sorted, after the known ones.
 */
export function toJson(report: ScanReport): string {
  return `${JSON.stringify(canonicalize(report, ScanReportSchema), null, 2)}\n`;
}

/** Validates untrusted JSON (a report file, another process's output) as a ScanReport; throws a ZodError when it is not one. */
export function parseScanReport(value: unknown): ScanReport {
  return ScanReportSchema.parse(typeof value === 'string' ? JSON.parse(value) : value);
}

/** The JSON Schema (draft 2020-12) of a ScanReport, generated from the zod schema; what schemas/scan-report.schema.json holds. */
export function scanReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScanReportSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'throw' }) as Record<string, unknown>;
}

/** The published file's exact text. */
export function scanReportJsonSchemaText(): string {
  return `${JSON.stringify(scanReportJsonSchema(), null, 2)}\n`;
}

function sortedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  // Optional and nullable wrappers carry the real shape inside.
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  return s;
}

function canonicalize(value: unknown, schema: z.ZodType | undefined): unknown {
  if (value === null || typeof value !== 'object') return value;
  const s = schema ? unwrap(schema) : undefined;
  if (Array.isArray(value)) {
    const element = s instanceof z.ZodArray ? (s.element as z.ZodType) : undefined;
    return value.map((v) => canonicalize(v, element));
  }
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodType>;
    for (const key of Object.keys(shape)) {
      if (Object.hasOwn(obj, key) && obj[key] !== undefined) out[key] = canonicalize(obj[key], shape[key]);
    }
    for (const key of sortedKeys(obj)) {
      if (!Object.hasOwn(shape, key) && obj[key] !== undefined) out[key] = canonicalize(obj[key], undefined);
    }
    return out;
  }
  const valueSchema = s instanceof z.ZodRecord ? (s.valueType as z.ZodType) : undefined;
  for (const key of sortedKeys(obj)) out[key] = canonicalize(obj[key], valueSchema);
  return out;
}
