import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import * as z from 'zod/v4';
import { parseScanReport, SCAN_REPORT_SCHEMA_PATH, scanReportJsonSchema, scanReportJsonSchemaText, toJson } from '../../src/report/json.js';
import { ScanReportSchema } from '../../src/report/schema.js';
import { compileReportJsonSchema, FIXTURES, loadFixture, loadFixtureRaw, repoRoot } from './helpers.js';

/** The same data with every object's keys in reverse order (what a different code path in the engine might build). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

const published = JSON.parse(readFileSync(path.join(repoRoot, SCAN_REPORT_SCHEMA_PATH), 'utf8')) as object;

describe('toJson', () => {
  for (const name of FIXTURES) {
    test(`${name}: round-trips, 2-space, newline-terminated, schema key order`, () => {
      const r = loadFixture(name);
      const text = toJson(r);
      expect(JSON.parse(text)).toEqual(loadFixtureRaw(name));
      expect(text.endsWith('}\n')).toBe(true);
      expect(text.split('\n')[1]).toBe('  "schemaVersion": 1,');
      const keys = Object.keys(JSON.parse(text));
      expect(keys).toEqual(Object.keys(ScanReportSchema.shape).filter((k) => keys.includes(k)));
    });
    test(`${name}: the same bytes whatever the key order of the input`, () => {
      const r = loadFixture(name);
      expect(toJson(reverseKeys(r) as typeof r)).toBe(toJson(r));
    });
  }
  test('finding keys follow the Finding type; headers are sorted', () => {
    const r = loadFixture('many-rules');
    const out = JSON.parse(toJson(reverseKeys(r) as typeof r));
    expect(Object.keys(out.findings[0]).slice(0, 4)).toEqual(['id', 'rule', 'check', 'title']);
    const headers = Object.keys(out.findings[0].evidence.response.headers);
    expect(headers).toEqual([...headers].sort());
  });
  test('unknown keys are kept, after the known ones', () => {
    const r = { ...loadFixture('clean'), zz: 1, aa: 2 } as unknown as Parameters<typeof toJson>[0];
    expect(Object.keys(JSON.parse(toJson(r))).slice(-2)).toEqual(['aa', 'zz']);
  });
});

describe('the published JSON Schema', () => {
  test(`${SCAN_REPORT_SCHEMA_PATH} is up to date (regenerate: npm run build && node scripts/gen-report-schema.mjs)`, () => {
    expect(readFileSync(path.join(repoRoot, SCAN_REPORT_SCHEMA_PATH), 'utf8')).toBe(scanReportJsonSchemaText());
  });
  test('is an inline object schema (usable as an MCP outputSchema)', () => {
    const s = scanReportJsonSchema();
    expect(s.type).toBe('object');
    expect(s.$ref).toBeUndefined();
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(ScanReportSchema).toBeInstanceOf(z.ZodObject);
  });
  const validate = compileReportJsonSchema(published);
  for (const name of FIXTURES) {
    test(`validates ${name}`, () => {
      const ok = validate(loadFixtureRaw(name));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });
  }
  test('rejects what the types forbid', () => {
    const base = loadFixtureRaw('auth-missing') as Record<string, unknown> & { findings: Record<string, unknown>[] };
    const bad = [
      { ...base, schemaVersion: 2 },
      { ...base, grade: 'E' },
      { ...base, findings: [{ ...base.findings[0], rule: 'auth.nope' }] },
      { ...base, findings: [{ ...base.findings[0], severity: 'severe' }] },
      { ...base, unexpected: true },
      Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'rules')),
    ];
    for (const b of bad) {
      expect(validate(b)).toBe(false);
      expect(ScanReportSchema.safeParse(b).success).toBe(b === bad[4]); // zod strips unknown keys on parse
    }
  });
});

describe('parseScanReport', () => {
  test('accepts a report file’s text and rejects another schema version', () => {
    const text = readFileSync(path.join(repoRoot, 'test/fixtures/reports/clean.json'), 'utf8');
    expect(parseScanReport(text).grade).toBe('A');
    expect(() => parseScanReport({ ...(JSON.parse(text) as object), schemaVersion: 2 })).toThrow();
  });
});
