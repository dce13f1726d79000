// The renderers over real engine output (not only hand-built fixtures): scans of the FastAPI wrapper emulator, open and
// keyed, validate against the zod schema, the published JSON Schema and the official SARIF schema; fingerprints are
// identical across two scans; the user's key appears in no output at all.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { SCAN_REPORT_SCHEMA_PATH, toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toPretty } from '../../src/report/pretty.js';
import { FINGERPRINT_KEY, toSarif, toSarifJson } from '../../src/report/sarif.js';
import { ScanReportSchema } from '../../src/report/schema.js';
import { KEYED, OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { compileReportJsonSchema, repoRoot, validateSarif } from './helpers.js';

const KEY = 'sk-report-live-0123456789abcdef';

describe('renderers over live scans of the FastAPI wrapper emulator', () => {
  let open: RunningTarget;
  let keyed: RunningTarget;
  let openReports: [ScanReport, ScanReport];
  let keyedReport: ScanReport;

  beforeAll(async () => {
    [open, keyed] = await Promise.all([startFastapiWrapper(OPEN), startFastapiWrapper({ ...KEYED, auth: { ...KEYED.auth!, key: KEY } })]);
    const [a, b, k] = await Promise.all([
      scan({ url: `${open.url}/generate` }),
      scan({ url: `${open.url}/generate` }),
      scan({ url: `${keyed.url}/generate`, headers: { 'X-API-Key': KEY } }),
    ]);
    openReports = [a, b];
    keyedReport = k;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([open?.close(), keyed?.close()]);
  });

  test('reports satisfy the zod schema and the published JSON Schema', () => {
    const validate = compileReportJsonSchema(JSON.parse(readFileSync(path.join(repoRoot, SCAN_REPORT_SCHEMA_PATH), 'utf8')) as object);
    for (const r of [...openReports, keyedReport]) {
      const parsed = ScanReportSchema.safeParse(r);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      const data = JSON.parse(toJson(r)) as unknown;
      expect(validate(data) ? [] : validate.errors).toEqual([]);
    }
  });

  test('SARIF validates, alone and as a batch', () => {
    for (const input of [openReports[0], keyedReport, [...openReports, keyedReport]]) {
      const { valid, errors } = validateSarif(toSarif(input));
      expect(errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    expect(toSarif(openReports[0]).runs[0]!.results.some((r) => r.ruleId === 'auth.missing' && r.level === 'error')).toBe(true);
  });

  test('fingerprints are identical across two scans of the same target', () => {
    const fps = (r: ScanReport) =>
      toSarif(r)
        .runs[0]!.results.map((x) => `${x.ruleId} ${x.partialFingerprints[FINGERPRINT_KEY]}`)
        .sort();
    expect(fps(openReports[0]).length).toBeGreaterThan(0);
    expect(fps(openReports[1])).toEqual(fps(openReports[0]));
  });

  test('the user’s key appears in no output', () => {
    // Where a finding's evidence carries a request the key went out with, the evidence must show where it was redacted.
    // (Rules may send the key without a finding, e.g. exposure.verbose-errors' malformed body behind auth answered tersely:
    // then no request with the key is in the report at all.)
    const keyedEvidence = keyedReport.findings.flatMap((f) => [
      f.evidence.request,
      ...(f.evidence.extra ?? []).map((m) => m.request),
      ...(f.evidence.baseline ? [f.evidence.baseline.request] : []),
    ]);
    const sentWithKey = (req: { method: string; url: string; body?: string }) =>
      keyed.requests.some(
        (r) =>
          r.headers['x-api-key'] === KEY &&
          r.method === req.method &&
          r.url === new URL(req.url).pathname + new URL(req.url).search &&
          r.body === (req.body ?? ''),
      );
    if (keyedEvidence.some(sentWithKey)) expect(toJson(keyedReport)).toContain('[REDACTED]');
    for (const r of [keyedReport, ...openReports]) {
      for (const text of [toJson(r), toSarifJson(r), toMarkdown(r), toPretty(r, { color: false, verbose: true }), toPretty(r, { color: true })]) {
        expect(text).not.toContain(KEY);
      }
    }
    expect(toSarifJson([...openReports, keyedReport])).not.toContain(KEY);
  });

  test('Markdown and terminal renderings carry the grade and the finding', () => {
    const r = openReports[0];
    expect(toMarkdown(r)).toContain(`**Grade ${r.grade}** · score ${r.score}/100`);
    expect(toMarkdown(r)).toContain('`auth.missing`');
    expect(toPretty(r, { color: false })).toContain(`Grade ${r.grade}`);
  });
});
