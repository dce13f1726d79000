// The terminal face, for the CLI's default `--format pretty`. Pure: the caller decides about color (TTY, NO_COLOR, --color)
// and passes it in. Every string that came from the scanned server goes through neutralizeControls, so a hostile server
// cannot send escape sequences to the user's terminal; the only escape sequences in the output are ours.
import type { EvidenceMessage, Finding, RuleStatus, ScanReport, Severity } from '../engine/types.js';
import { quote } from '../engine/untrusted.js';
import {
  countBySeverity,
  countByStatus,
  exchangeOneLiner,
  formatDuration,
  gradeHeadline,
  neutralizeControls,
  plural,
  RULE_STATUSES,
  SEVERITIES,
  serverLabel,
  sortFindings,
  verdictReasons,
} from './format.js';

export interface PrettyOptions {
  color: boolean;
  /** Show the evidence bodies (a short preview of the response) and every rule, not only the ones that did not pass. */
  verbose?: boolean;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'inverse' | 'bgRed' | 'white';
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  inverse: [7, 27],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  white: [37, 39],
  gray: [90, 39],
  bgRed: [41, 49],
};

type Paint = (text: string, ...styles: Style[]) => string;

function painter(color: boolean): Paint {
  if (!color) return (text) => text;
  return (text, ...styles) => styles.reduceRight((t, s) => `\u001b[${SGR[s][0]}m${t}\u001b[${SGR[s][1]}m`, text);
}

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['bgRed', 'white', 'bold'],
  high: ['red', 'bold'],
  medium: ['yellow', 'bold'],
  low: ['cyan'],
  info: ['gray'],
};

const STATUS_STYLE: Record<RuleStatus, Style[]> = {
  fail: ['red', 'bold'],
  pass: ['green'],
  inconclusive: ['yellow'],
  skipped: ['gray'],
  error: ['magenta', 'bold'],
};

function gradeStyle(grade: NonNullable<ScanReport['grade']>): Style[] {
  return grade === 'A' || grade === 'B' ? ['green', 'bold'] : grade === 'C' ? ['yellow', 'bold'] : ['red', 'bold'];
}

/** Untrusted text on one line. */
const safe = (text: string): string => neutralizeControls(text.replace(/\r?\n|\r/g, ' '));

function badge(severity: Severity, paint: Paint): string {
  return paint(` ${severity.toUpperCase().padEnd(8)} `, ...SEVERITY_STYLE[severity]);
}

function evidenceLine(label: string, msg: EvidenceMessage, verbose: boolean): string {
  let line = `${label} ${safe(exchangeOneLiner(msg))}`;
  // The body is the server's words: quoted, like every value it wrote.
  if (verbose && msg.response?.body) line += `  ${quote(msg.response.body, 100)}`;
  return line;
}

function findingBlock(f: Finding, paint: Paint, verbose: boolean): string[] {
  const indent = '    ';
  const lines = [
    `${badge(f.severity, paint)} ${paint(safe(f.title), 'bold')} ${paint(`[${f.confidence}]`, 'dim')}`,
    `${indent}${paint(f.rule, 'blue')} · ${safe(f.endpoint.method)} ${safe(f.endpoint.url)}`,
    `${indent}${safe(f.description)}`,
    `${indent}${paint('evidence', 'dim')} ${evidenceLine('', f.evidence, verbose).trimStart()}`,
  ];
  if (f.evidence.baseline) lines.push(`${indent}${paint('baseline', 'dim')} ${evidenceLine('', f.evidence.baseline, verbose).trimStart()}`);
  for (const note of f.evidence.notes ?? []) lines.push(`${indent}${paint('note', 'dim')} ${safe(note)}`);
  // The fix for the identified stack when the report carries one; the rule's general advice otherwise.
  if (f.fix?.name) {
    lines.push(`${indent}${paint('fix', 'green')} ${paint(`(${safe(f.fix.name)})`, 'bold')} ${safe(f.fix.summary)}`);
    lines.push(`${indent}${paint('  →', 'dim')} ${safe(f.fix.command)}`);
  } else {
    lines.push(`${indent}${paint('fix', 'green')} ${safe(f.remediation)}`);
    if (f.fix) lines.push(`${indent}${paint('  →', 'dim')} ${safe(f.fix.summary)}`);
  }
  return lines;
}

/** The report for a terminal: header, findings with evidence one-liners and fixes, rule statuses, errors. Newline-terminated. */
export function toPretty(report: ScanReport, options: PrettyOptions): string {
  const paint = painter(options.color);
  const verbose = options.verbose ?? false;
  const out: string[] = [];

  out.push(`${paint('Gatecrash', 'bold')} ${safe(report.tool.version)} · ${safe(report.target.url)}`);
  const head = [
    report.grade === null
      ? paint(gradeHeadline(report), 'red', 'bold')
      : `${paint(`Grade ${report.grade}`, ...gradeStyle(report.grade))} · score ${paint(String(report.score), 'bold')}/100`,
    `${report.depth}`,
    formatDuration(report.durationMs),
    `${plural(report.requests.sent, 'request')}${report.requests.overBudget ? ` (${report.requests.overBudget} over budget)` : ''}`,
  ];
  out.push(head.join(' · '));
  if (report.partial) out.push(paint('Partial scan: the deadline, the budget or a cancellation cut it short.', 'yellow'));
  for (const reason of verdictReasons(report)) out.push(paint(`No grade: ${safe(reason)}`, 'red'));
  if (report.verdict.gradeCap) out.push(paint(`The grade is ${safe(report.verdict.gradeCap)}.`, 'dim'));
  for (const notice of report.notices ?? []) out.push(paint(`Note: ${safe(notice)}`, 'yellow'));

  const fp = report.fingerprint;
  const server = [`Server: ${safe(serverLabel(report))}${fp.product !== 'unknown' ? ` (${Math.round(fp.confidence * 100)}%)` : ''}`];
  if (fp.models.length) server.push(`models: ${fp.models.map((m) => quote(m, 80)).join(', ')}`);
  else if (fp.modelFamily) server.push(`family: ${safe(fp.modelFamily)}`);
  out.push(paint(server.join(' · '), 'dim'));
  out.push('');

  const findings = sortFindings(report.findings);
  if (findings.length === 0) {
    out.push(paint('No findings.', 'green', 'bold'));
  } else {
    const counts = countBySeverity(findings);
    const summary = SEVERITIES.filter((s) => counts[s] > 0).map((s) =>
      paint(`${counts[s]} ${s}`, ...(s === 'critical' ? (['red', 'bold'] as Style[]) : SEVERITY_STYLE[s])),
    );
    out.push(`${paint(plural(findings.length, 'finding'), 'bold')}: ${summary.join(', ')}`);
    for (const f of findings) {
      out.push('');
      out.push(...findingBlock(f, paint, verbose));
    }
  }
  out.push('');

  const counts = countByStatus(report);
  out.push(`Rules: ${RULE_STATUSES.map((s) => paint(`${counts[s]} ${s}`, ...(counts[s] ? STATUS_STYLE[s] : ['dim' as const]))).join(' · ')}`);
  const ruleLine = (status: RuleStatus, text: string, reason?: string) =>
    `  ${paint(status.padEnd(12), ...STATUS_STYLE[status])} ${text}${reason ? paint(` ${safe(reason)}`, 'dim') : ''}`;
  if (verbose) {
    for (const r of report.rules) out.push(ruleLine(r.status, r.rule, r.reason));
  } else {
    // Inconclusive and errored rules one by one (they say something about this target); skipped ones grouped by reason.
    for (const r of report.rules) if (r.status === 'inconclusive' || r.status === 'error') out.push(ruleLine(r.status, r.rule, r.reason));
    const skipped = new Map<string, string[]>();
    for (const r of report.rules) {
      if (r.status !== 'skipped') continue;
      const reason = r.reason ?? '';
      skipped.set(reason, [...(skipped.get(reason) ?? []), r.rule]);
    }
    for (const [reason, rules] of skipped) out.push(ruleLine('skipped', `${rules.join(', ')}${reason ? ':' : ''}`, reason || undefined));
  }

  if (report.errors.length) {
    out.push('');
    out.push(paint(plural(report.errors.length, 'error'), 'magenta', 'bold'));
    for (const e of report.errors) out.push(`  ${safe(e.phase)}: ${safe(e.message)}`);
  }
  return `${out.join('\n')}\n`;
}
