// Shared by the report tests: fixtures, the repository root and the validators.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import AjvDraft04Module from 'ajv-draft-04';
import type { ScanReport } from '../../src/engine/types.js';
import { parseScanReport } from '../../src/report/json.js';

// CommonJS classes: under NodeNext the default import is module.exports, whose `.default` is the class (in Node and in vitest alike).
const AjvDraft04 = AjvDraft04Module.default;
const Ajv2020 = Ajv2020Module.default;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const FIXTURES = ['auth-missing', 'many-rules', 'clean'] as const;
export type FixtureName = (typeof FIXTURES)[number];

export function fixturePath(name: FixtureName): string {
  return path.join(repoRoot, 'test', 'fixtures', 'reports', `${name}.json`);
}

export function loadFixtureRaw(name: FixtureName): unknown {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8'));
}

/** The fixture, validated by the zod schema (so a fixture that drifts from the types fails loudly). */
export function loadFixture(name: FixtureName): ScanReport {
  return parseScanReport(loadFixtureRaw(name));
}

/** The official SARIF 2.1.0 schema, vendored in test/fixtures so the tests need nothing outside the repository. */
export function sarifSchemaPath(): string {
  return VENDORED_SARIF_SCHEMA;
}

// ajv ships no format validators; these are the three the schemas use, written strictly enough to catch real mistakes.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const formats = {
  'date-time': (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)),
  uri: (s: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s) && URL.canParse(s),
  'uri-reference': (s: string) => !/\s/.test(s),
};

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

export const VENDORED_SARIF_SCHEMA = path.join(repoRoot, 'test', 'fixtures', 'sarif-schema-2.1.0.json');

export function compileSarifSchema(schemaPath: string): Validate {
  const ajv = new AjvDraft04({ allErrors: true, strict: false, formats });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8'))) as Validate;
}

let sarifValidator: Validate | undefined;
export function validateSarif(log: unknown): { valid: boolean; errors: unknown } {
  sarifValidator ??= compileSarifSchema(sarifSchemaPath());
  const valid = sarifValidator(log);
  return { valid, errors: sarifValidator.errors };
}

export function compileReportJsonSchema(schema: object): Validate {
  const ajv = new Ajv2020({ allErrors: true, strict: true, formats });
  return ajv.compile(schema) as Validate;
}

/**
 * Every artifact URI of a SARIF log, wherever the format allows an artifactLocation (results' locations and related
 * locations, run.originalUriBaseIds, artifacts, notifications, …), with where it was found.
 */
export function artifactUris(log: unknown): { where: string; uri: string }[] {
  const out: { where: string; uri: string }[] = [];
  const walk = (value: unknown, where: string, inLocation: boolean): void => {
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${where}[${i}]`, inLocation);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (inLocation && typeof obj.uri === 'string') out.push({ where, uri: obj.uri });
    for (const [k, v] of Object.entries(obj)) {
      // artifactLocation objects, and the values of originalUriBaseIds, which are artifactLocations too.
      const location = k === 'artifactLocation' || (where.endsWith('.originalUriBaseIds') && typeof v === 'object');
      walk(v, `${where}.${k}`, location);
    }
  };
  walk(log, '$', false);
  return out;
}

/** The artifact URIs GitHub code scanning would refuse the whole upload for: any scheme but `file`, or a colon where a parser reads a scheme. */
export function uploadBlockers(log: unknown): { where: string; uri: string }[] {
  return artifactUris(log).filter(({ uri }) => {
    const scheme = /^([^/?#]*?):/.exec(uri)?.[1];
    return scheme !== undefined && scheme.toLowerCase() !== 'file';
  });
}
