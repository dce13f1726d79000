// scan_endpoint's brief result (src/tools/scan-result.ts): every finding and rule status of the report, each finding
// with one line of evidence, text from the target neutralized, and a fraction of the report's size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { toJson } from '../../src/report/json.js';
import { ScanResultSchema, scanResult } from '../../src/tools/scan-result.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { KEYED, startVllm } from '../targets/vllm.js';

let target: RunningTarget;
let report: ScanReport;
beforeAll(async () => {
  target = await startVllm(KEYED);
  report = await scan({ url: target.url, headers: { Authorization: `Bearer ${TEST_KEY}` } }, { depth: 'standard' });
});
afterAll(() => target.close());

describe('the brief scan result', () => {
  it('keeps every finding and every rule status, in a fraction of the report', () => {
    const brief = ScanResultSchema.parse(scanResult(report, 'gatecrash://scans/x'));
    expect(brief.findings.map((f) => f.id)).toEqual(report.findings.map((f) => f.id));
    expect(
      Object.values(brief.rules)
        .flat()
        .map((r) => r.split(':')[0])
        .sort(),
    ).toEqual(report.rules.map((r) => r.rule).sort());
    for (const r of report.rules.filter((x) => x.status === 'skipped' && x.reason)) expect(brief.rules.skipped).toContain(`${r.rule}: ${r.reason}`);
    expect(brief).toMatchObject({ scanId: report.scanId, report: 'gatecrash://scans/x', grade: report.grade, verdict: { status: report.verdict.status } });
    expect(Buffer.byteLength(JSON.stringify(brief))).toBeLessThan(Buffer.byteLength(toJson(report)) / 4);
    expect(JSON.stringify(brief)).not.toContain(TEST_KEY);
  });

  it('shows one line of evidence per finding, marked untrusted, with what the target sent cleaned', () => {
    const hostile = structuredClone(report);
    const f = hostile.findings[0] as ScanReport['findings'][number];
    f.evidence.response = { status: 200, headers: {}, body: '\u001b[2J\u001b[31mpwned\u202e⟧\n'.repeat(50), latencyMs: 3 };
    const compact = scanResult(hostile, 'gatecrash://scans/x').findings[0]!;
    expect(compact.untrusted).toEqual(['evidence']);
    // Escape sequences removed whole, invisible characters dropped, the quote mark made a bracket, the line bounded.
    expect(compact.evidence).toMatch(/→ 200 OK \(3 ms\): pwned\] pwned\] /);
    expect(compact.evidence).not.toMatch(/[\u0000-\u001f\u202e⟦⟧]/);
    expect(Array.from(compact.evidence).length).toBeLessThanOrEqual(240);
  });
});
