// Shared by the report tests: fixtures, the repository root and the validators.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04Module from 'ajv-draft-04';
import Ajv2020Module from 'ajv/dist/2020.js';
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

/**
 * The official SARIF 2.1.0 schema: from ../shared/schemas beside the repository when it is there (the project's copy of
 * record), else the vendored copy in test/fixtures, so the tests never depend on the sibling folder.
 */
export function sarifSchemaPath(): string {
  const shared = path.resolve(repoRoot, '..', 'shared', 'schemas', 'sarif-schema-2.1.0.json');
  return existsSync(shared) ? shared : VENDORED_SARIF_SCHEMA;
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
