// What each grade means in practice (README "Scoring"), one target per letter: the grade is what a security engineer
// would call it. A keyed gateway that throttles wrong keys is A; the same with metrics open to anyone is B; a keyed wrapper
// that never throttles wrong keys is C; the tutorial-shaped open POST /generate is D (a stranger can use the model); Ollama with
// its management routes open is F (a stranger can manage the server); a scan cut short has no grade.
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanOptions, ScanReport, Severity } from '../../src/engine/types.js';
import { gateCode } from '../../src/report/gate.js';
import { startFastapiWrapper, KEYED as WRAPPER_KEYED, OPEN as WRAPPER_OPEN } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { OPEN as OLLAMA_OPEN, startOllama } from '../targets/ollama.js';
import { startThrottleGateway, THROTTLES_AFTER_FIVE } from '../targets/throttle.js';

interface Row {
  grade: ScanReport['grade'];
  target: string;
  start: () => Promise<RunningTarget>;
  path: string;
  options?: Partial<ScanOptions>;
  /** The worst proven finding's severity (null: none). */
  worst: Severity | null;
  /** The default gate's exit code (--fail-on high). */
  gate: 0 | 1 | 2;
}

const ROWS: Row[] = [
  {
    grade: 'A',
    target: 'keyed gateway, wrong keys throttled',
    start: () => startThrottleGateway(THROTTLES_AFTER_FIVE),
    path: '/v1/chat/completions',
    worst: null,
    gate: 0,
  },
  {
    grade: 'B',
    target: 'the same, /metrics open',
    start: () => startThrottleGateway({ ...THROTTLES_AFTER_FIVE, openMetrics: true }),
    path: '/v1/chat/completions',
    worst: 'low',
    gate: 0,
  },
  {
    grade: 'C',
    target: 'keyed FastAPI wrapper, wrong keys never throttled',
    start: () => startFastapiWrapper(WRAPPER_KEYED),
    path: '/generate',
    worst: 'medium',
    gate: 0,
  },
  { grade: 'D', target: "the tutorial's open POST /generate", start: () => startFastapiWrapper(WRAPPER_OPEN), path: '/generate', worst: 'high', gate: 1 },
  { grade: 'F', target: 'Ollama, management routes open', start: () => startOllama(OLLAMA_OPEN), path: '/api/generate', worst: 'critical', gate: 1 },
  {
    grade: null,
    target: "the tutorial's open POST /generate, --budget 3",
    start: () => startFastapiWrapper(WRAPPER_OPEN),
    path: '/generate',
    options: { budget: 3 },
    worst: null,
    gate: 2,
  },
];

const ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const printed: string[] = [];
afterAll(() => console.log(`\nWhat each grade means (target → grade · score · worst proven finding):\n${printed.join('\n')}`));

describe('what each grade means, one target per letter', () => {
  it.each(ROWS)(
    '$target → $grade',
    async (row) => {
      const target = await row.start();
      try {
        const report = await scan({ url: `${target.url}${row.path}` }, row.options ?? {});
        const proven = report.findings.filter((f) => f.confidence !== 'tentative' && f.severity !== 'info');
        const worst = ORDER.find((s) => proven.some((f) => f.severity === s)) ?? null;
        printed.push(`  ${row.target.padEnd(48)} ${String(report.grade ?? 'no grade').padEnd(8)} ${String(report.score ?? '–').padStart(3)}  ${worst ?? '–'}`);
        expect(report.grade, JSON.stringify(proven.map((f) => [f.rule, f.severity, f.confidence]))).toBe(row.grade);
        if (row.grade !== null) expect(worst).toBe(row.worst);
        expect(gateCode(report, 'high')).toBe(row.gate);
        if (row.grade === 'D') expect(proven.find((f) => f.severity === 'high')?.rule).toBe('auth.missing');
        if (row.grade === 'F') expect(proven.find((f) => f.severity === 'critical')?.rule).toBe('auth.admin-exposed');
      } finally {
        await target.close();
      }
    },
    60_000,
  );
});
