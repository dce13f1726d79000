// Shared by the read-only rule tests: scan one emulator, keep the report and the emulator's own request log.
import { type ScanHooks, scan } from '../../../src/engine/scan.js';
import type { Finding, RuleId, ScanOptions, ScanReport } from '../../../src/engine/types.js';
import type { RunningTarget } from '../../targets/harness.js';

export interface ScanOutcome {
  report: ScanReport;
  /** Requests the emulator received (the recorder's count, independent of the engine's own accounting). */
  received: number;
  inference: number;
  management: number;
}

export async function scanEmulator(
  start: () => Promise<RunningTarget>,
  opts: { path?: string; headers?: Record<string, string>; options?: Partial<ScanOptions>; url?: (t: RunningTarget) => string; hooks?: ScanHooks } = {},
): Promise<ScanOutcome> {
  const target = await start();
  try {
    const url = opts.url ? opts.url(target) : target.url + (opts.path ?? '/');
    const report = await scan({ url, ...(opts.headers ? { headers: opts.headers } : {}) }, { depth: 'standard', ...opts.options }, opts.hooks ?? {});
    return { report, received: target.requests.length, inference: target.inferenceCount(), management: target.managementCount() };
  } finally {
    await target.close();
  }
}

export function findingsOf(report: ScanReport, rule: RuleId): Finding[] {
  return report.findings.filter((f) => f.rule === rule);
}

/** One line of the emulator × rule table printed at the end of each rule test file. */
export interface TableRow {
  emulator: string;
  rule: RuleId;
  form: 'flawed' | 'fixed';
  result: string;
  requests: number;
}

export function printTable(title: string, rows: TableRow[]): void {
  const lines = rows.map((r) => `| ${r.emulator} | ${r.rule} | ${r.form} | ${r.result} | ${r.requests} |`);
  console.log(`\n${title}\n| emulator | rule | form | result | requests |\n|---|---|---|---|---|\n${lines.join('\n')}\n`);
}

export function describeResult(findings: Finding[]): string {
  if (findings.length === 0) return 'no finding';
  return findings.map((f) => `${f.severity}/${f.confidence}${f.advisory ? ` ${f.advisory}` : ''} ${new URL(f.endpoint.url).pathname}`).join(', ');
}
