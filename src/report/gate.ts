// The CI gate, one definition for the CLI, batch scans, the Action and verify: only proven (confirmed or firm) findings at or
// above --fail-on fail it, and a scan that cannot vouch for its target (unreached, or incomplete) never passes it.
// Exit codes: 0 passes; 1 a proven finding at or above the threshold; 2 the gate cannot vouch (any --fail-on but `none`).
import { severityAtLeast } from '../engine/findings.js';
import type { Finding, ScanReport, Severity } from '../engine/types.js';
import { gradeHeadline } from './format.js';

export type FailOn = Severity | 'none';
export type GateCode = 0 | 1 | 2;

/** The proven findings at or above the threshold. */
export function gatingFindings(report: Pick<ScanReport, 'findings'>, failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  return report.findings.filter((f) => f.confidence !== 'tentative' && severityAtLeast(f.severity, failOn));
}

export function gateCode(report: Pick<ScanReport, 'findings' | 'verdict'>, failOn: FailOn): GateCode {
  if (report.verdict.status === 'unreached') return 2;
  if (report.verdict.status === 'incomplete' && failOn !== 'none') return 2;
  return gatingFindings(report, failOn).length > 0 ? 1 : 0;
}

/** The gate's answer in one sentence: passed, failed and on what, or why it cannot vouch. */
export function gateSentence(report: Pick<ScanReport, 'findings' | 'verdict'>, failOn: FailOn): string {
  const code = gateCode(report, failOn);
  if (code === 2) return `the gate cannot vouch for this target: ${report.verdict.reasons[0] ?? report.verdict.status}`;
  const gating = gatingFindings(report, failOn);
  if (code === 1) {
    const first = gating[0]!;
    return `the gate failed: ${gating.length} proven finding(s) at or above --fail-on ${failOn}, e.g. ${first.rule} (${first.severity}, ${first.confidence})`;
  }
  return failOn === 'none' ? 'the gate is off (--fail-on none)' : `the gate passed: no proven finding at or above --fail-on ${failOn}`;
}

/** One line for stderr when the report went to a file: where, the grade, the counts, the gate. */
export function gateLine(report: ScanReport, failOn: FailOn, written?: string): string {
  const n = report.findings.length;
  const where = written ? `wrote ${written} · ` : '';
  return `${where}${gradeHeadline(report)} · ${n} finding${n === 1 ? '' : 's'} · ${gateSentence(report, failOn)}`;
}

/** The batch's line for stderr: where it went, the targets and the worst grade, the findings, and the gate's answer. */
export function batchGateLine(batch: { reports: readonly ScanReport[]; errors: readonly { url: string }[] }, failOn: FailOn, written?: string): string {
  const where = written ? `wrote ${written} · ` : '';
  const graded = batch.reports.filter((r) => r.grade !== null).map((r) => r.grade!);
  const worst = graded.sort().at(-1);
  const n = batch.reports.reduce((sum, r) => sum + r.findings.length, 0);
  const scanned = `${batch.reports.length} of ${batch.reports.length + batch.errors.length} target(s) scanned${worst ? `, worst grade ${worst}` : ''}`;
  const code = batchGateCode(batch.reports, batch.errors.length, failOn);
  const why =
    code === 2
      ? batch.errors.length
        ? `the gate cannot vouch: ${batch.errors.length} target(s) could not be scanned (e.g. ${batch.errors[0]!.url})`
        : `the gate cannot vouch: ` +
          `${gateSentence(batch.reports.find((r) => gateCode(r, failOn) === 2)!, failOn).replace(/^the gate cannot vouch for this target: /, '')}`
      : code === 1
        ? gateSentence(batch.reports.find((r) => gateCode(r, failOn) === 1)!, failOn)
        : failOn === 'none'
          ? 'the gate is off (--fail-on none)'
          : `the gate passed: no proven finding at or above --fail-on ${failOn}`;
  return `${where}${scanned} · ${n} finding${n === 1 ? '' : 's'} · ${why}`;
}

/** A batch: 2 when any target could not be scanned or vouched for, else 1 when any report fails, else 0. */
export function batchGateCode(reports: readonly Pick<ScanReport, 'findings' | 'verdict'>[], notScanned: number, failOn: FailOn): GateCode {
  const codes = reports.map((r) => gateCode(r, failOn));
  if (notScanned > 0 || codes.includes(2)) return 2;
  return codes.includes(1) ? 1 : 0;
}
