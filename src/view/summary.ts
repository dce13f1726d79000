// The top of a report: what was scanned, the grade (or why there is none), the counts, and the facts of the scan.
import type { ScanReport } from '../engine/types.js';
import { countBySeverity, formatDuration, gradeHeadline, SEVERITIES, serverLabel, verdictReasons } from '../report/format.js';
import { h, heading, untrusted } from './dom.js';

function fact(term: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function gradeBlock(report: ScanReport): HTMLElement {
  const graded = report.verdict.status === 'complete' && report.grade !== null;
  const mark = graded ? report.grade! : report.verdict.status === 'unreached' ? '–' : '?';
  const block = h(
    'div',
    { class: 'grade', 'data-grade': graded ? report.grade! : report.verdict.status },
    h('span', { class: 'grade-letter', 'aria-hidden': 'true' }, mark),
    h('p', { class: 'grade-headline' }, gradeHeadline(report)),
  );
  const reasons = verdictReasons(report);
  if (reasons.length) {
    block.append(
      h('p', { class: 'grade-why' }, 'Gatecrash cannot vouch for this target, so there is no grade:'),
      h('ul', { class: 'reasons' }, ...reasons.map((r) => h('li', {}, untrusted(r)))),
    );
  }
  if (report.verdict.gradeCap) block.append(h('p', { class: 'grade-cap' }, `The grade is ${untrusted(report.verdict.gradeCap)}.`));
  if (report.partial) block.append(h('p', { class: 'partial' }, 'Partial scan: the deadline, the budget or a cancellation cut it short.'));
  return block;
}

function severityCounts(report: ScanReport): HTMLElement {
  const counts = countBySeverity(report.findings);
  const n = report.findings.length;
  return h(
    'p',
    { class: 'counts' },
    `${n} finding${n === 1 ? '' : 's'}: `,
    ...SEVERITIES.flatMap((s, i) => [i ? ' · ' : '', h('span', { class: 'count', 'data-severity': s }, `${counts[s]} ${s}`)]),
  );
}

export function renderSummary(report: ScanReport, level: number): HTMLElement {
  const fp = report.fingerprint;
  const r = report.requests;
  const ch = report.surface.credentialHeader;
  const facts = [
    ...fact('Server', untrusted(serverLabel(report)) + (fp.product !== 'unknown' ? ` (confidence ${Math.round(fp.confidence * 100)}%)` : '')),
    ...(fp.models.length
      ? fact('Models', untrusted(fp.models.slice(0, 10).join(', ') + (fp.models.length > 10 ? `, and ${fp.models.length - 10} more` : '')))
      : []),
    ...(fp.modelFamily ? fact('Model family', untrusted(fp.modelFamily)) : []),
    ...fact('Credential header', `${untrusted(ch.name)}${ch.scheme ? ` (${ch.scheme})` : ''}, from ${untrusted(ch.source)}`),
    ...fact(
      'Requests',
      `${r.sent} sent (${r.inference} inference, ${r.deduplicated} deduplicated, budget ${r.budget}${r.overBudget ? `, ${r.overBudget} over budget` : ''})`,
    ),
    ...fact('Duration', `${formatDuration(report.durationMs)} at ${report.depth} depth`),
    ...fact('Scan', `${untrusted(report.scanId)} · ${untrusted(report.startedAt)} · Gatecrash ${untrusted(report.tool.version)}`),
  ];
  return h(
    'header',
    { class: 'summary' },
    heading(level, { class: 'title' }, 'Gatecrash scan of ', h('span', { class: 'target' }, untrusted(report.target.url))),
    gradeBlock(report),
    severityCounts(report),
    // How the scan was asked for, when the reader should know (a key too short or too common to redact everywhere).
    ...(report.notices ?? []).map((n) => h('p', { class: 'notice' }, `Note: ${untrusted(n)}`)),
    h('dl', { class: 'facts' }, ...facts),
  );
}
