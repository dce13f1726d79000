// A scan with a credential that is no real secret (`--header 'X-API-Key: key'`, then `wrong`) against a keyed FastAPI
// wrapper that refuses it with {"detail":"Invalid API key"}: every word of the report survives — the header name, the
// server's sentence, the rule titles — the credential is hidden where it was sent, and the report says the key is too weak
// to redact safely. A normal key gets no such notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/engine/rules/index.js';
import { scan } from '../../src/engine/scan.js';
import type { Exchange, ScanReport } from '../../src/engine/types.js';
import { toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toPretty } from '../../src/report/pretty.js';
import { toSarifJson } from '../../src/report/sarif.js';
import { KEYED, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';

const faces = (r: ScanReport) => ({ json: toJson(r), sarif: toSarifJson(r), markdown: toMarkdown(r), pretty: toPretty(r, { color: false }) });

describe('a weak credential: whole values redacted where they stand, words kept, and a notice', () => {
  let target: RunningTarget;
  const runs: Record<string, { report: ScanReport; exchanges: Exchange[] }> = {};

  beforeAll(async () => {
    target = await startFastapiWrapper(KEYED);
    for (const key of ['key', 'wrong', TEST_KEY]) {
      const exchanges: Exchange[] = [];
      const report = await scan({ url: `${target.url}/generate`, headers: { 'X-API-Key': key } }, {}, { onExchange: (ex) => exchanges.push(ex) });
      runs[key] = { report, exchanges };
    }
  }, 90_000);
  afterAll(async () => {
    await target?.close();
  });

  it.each(['key', 'wrong'])("the key '%s' is hidden in every request that carried it, and nowhere else", (key) => {
    const { exchanges } = runs[key]!;
    const keyed = exchanges.filter((ex) => ex.probe.credentials === 'user');
    expect(keyed.length).toBeGreaterThan(0);
    for (const ex of keyed) expect(ex.request.headers['x-api-key']).toBe('[REDACTED]');
    // The server's refusal is ordinary text: it keeps its words.
    const refusals = exchanges.filter((ex) => ex.response?.status === 401).map((ex) => ex.response!.body);
    expect(refusals).toContain('{"detail":"Invalid API key"}');
  });

  it.each(['key', 'wrong'])("the key '%s' leaves every face readable and says it is too weak", (key) => {
    const { report } = runs[key]!;
    expect(report.notices).toEqual([expect.stringMatching(/^The credential in X-API-Key is \d characters long, too short to be a real secret/)]);
    for (const [face, text] of Object.entries(faces(report))) {
      expect(text, face).not.toMatch(/X-API-\[REDACTED\]|API \[REDACTED\]|\[REDACTED\] keys|\[REDACTED\]s\b/i);
      expect(text, face).toContain('too short to be a real secret');
    }
    for (const f of report.findings) expect(f.title).not.toContain('[REDACTED]');
    for (const r of report.rules) expect(r.reason ?? '').not.toMatch(/[A-Za-z]\[REDACTED\]|\[REDACTED\][A-Za-z]/);
    expect(JSON.stringify(report)).toContain(RULES['auth.brute-force'].title.split(' ')[0]!);
  });

  it('a normal key: no notice, and the key appears nowhere', () => {
    const { report, exchanges } = runs[TEST_KEY]!;
    expect(report.notices).toBeUndefined();
    for (const text of Object.values(faces(report))) expect(text).not.toContain(TEST_KEY);
    expect(JSON.stringify(exchanges.map((ex) => [ex.request, ex.response, ex.error]))).not.toContain(TEST_KEY);
  });
});
