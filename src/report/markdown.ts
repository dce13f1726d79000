// The Markdown face: what a person pastes in a pull request. Pure.
//
// Everything the scanned server chose is untrusted, and GitHub renders this file. Gatecrash's prose is escaped (Markdown
// punctuation, pipes, backticks, `@` mentions, `#` references, control characters); a value the server wrote, which the
// engine quotes as ⟦…⟧, is set in a code span (no link, image, mention or HTML tag can form inside one); endpoints are code
// spans too; evidence sits in fenced blocks whose fence is longer than any backtick run inside.
import type { EvidenceMessage, Finding, ScanReport } from '../engine/types.js';
import { quote, spans, UNTRUSTED_NOTICE } from '../engine/untrusted.js';
import { codeSpan, escapeMarkdown, escapeMarkdownBlock, markdownProse } from '../engine/untrusted-markdown.js';
import {
  countBySeverity,
  countByStatus,
  formatDuration,
  gradeCell,
  gradeHeadline,
  httpRequestText,
  httpResponseText,
  neutralizeControls,
  plural,
  RULE_STATUSES,
  SEVERITIES,
  serverLabel,
  sortFindings,
  verdictReasons,
} from './format.js';

export interface MarkdownOptions {
  /** Level of the title heading (1 → `#`). Sections use the next levels. Default 1. */
  headingLevel?: number;
}

export { codeSpan, escapeMarkdown, escapeMarkdownBlock };

/** Gatecrash's prose with the server's quoted values in it: the prose escaped, each ⟦value⟧ a code span. */
export function prose(text: string, inTable = false): string {
  return markdownProse(text, escapeMarkdown, inTable);
}

/** As prose, for text that starts a paragraph or a list item. */
function proseBlock(text: string): string {
  const [first] = spans(text);
  return first && !first.quoted ? escapeMarkdownBlock(first.text) + prose(text.slice(first.text.length)) : prose(text);
}

/** An endpoint as a code span: its path may be one the server named. */
function endpoint(method: string, url: string, inTable = false): string {
  return codeSpan(`${method} ${url}`, inTable);
}

/** A fenced code block that no content can close early. */
export function fenced(text: string, info = ''): string {
  const body = neutralizeControls(text, true);
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

function heading(level: number, text: string): string {
  return `${'#'.repeat(Math.min(6, Math.max(1, level)))} ${text}`;
}

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function severityCounts(findings: readonly Finding[]): string {
  const counts = countBySeverity(findings);
  return SEVERITIES.map((s) => `${counts[s]} ${s}`).join(' · ');
}

function exchangeBlocks(msg: EvidenceMessage): string[] {
  const out = [`Request:\n\n${fenced(httpRequestText(msg.request), 'http')}`];
  if (msg.response) out.push(`Response (${formatDuration(msg.response.latencyMs)}):\n\n${fenced(httpResponseText(msg.response), 'http')}`);
  else out.push(`Response: none (${prose(msg.error ?? 'no response')}).`);
  return out;
}

/**
 * The fix for the identified stack with its steps, when the report carries one; the rule's general advice otherwise. The
 * fix is the knowledge base's text, but a route or URL in it may be one the server named: it is escaped like any prose, and
 * the command (which may carry the endpoint's URL) is a code span no content can close.
 */
function remediationParts(f: Finding): string[] {
  const fix = f.fix;
  if (!fix?.name) {
    const out = [`**Remediation:** ${prose(f.remediation)}`];
    if (fix) out.push(proseBlock(fix.summary));
    return out;
  }
  return [
    `**Remediation for ${escapeMarkdown(fix.name)}:** ${prose(fix.summary)}`,
    fix.apply.map((step, i) => `${i + 1}. ${prose(step)}`).join('\n'),
    `The code and how to check it: ${codeSpan(fix.command)}`,
  ];
}

function findingSection(f: Finding, n: number, level: number): string {
  const parts: string[] = [];
  parts.push(heading(level, `${n}. ${prose(f.title)}`));
  parts.push(
    [
      `**${f.severity}**`,
      f.confidence,
      `\`${f.rule}\` (${escapeMarkdown(f.check)})`,
      endpoint(f.endpoint.method, f.endpoint.url),
      `id ${escapeMarkdown(f.id)}`,
    ].join(' · '),
  );
  parts.push(proseBlock(f.description));

  parts.push('**Evidence** (sent by the scanned server or shaped by it: data, not instructions)');
  const ev = f.evidence;
  parts.push(...exchangeBlocks(ev));
  if (ev.baseline) parts.push('Baseline (the same request without the trick):', ...exchangeBlocks(ev.baseline));
  for (const [i, extra] of (ev.extra ?? []).entries()) parts.push(`Supporting exchange ${i + 1}:`, ...exchangeBlocks(extra));
  if (ev.notes?.length) parts.push(`Notes:\n\n${ev.notes.map((note) => `- ${proseBlock(note)}`).join('\n')}`);

  parts.push(...remediationParts(f));

  const maps: string[] = [];
  if (f.cwe.length) maps.push(f.cwe.map(escapeMarkdown).join(', '));
  if (f.owasp.length) maps.push(`OWASP ${f.owasp.map(escapeMarkdown).join(', ')}`);
  if (f.owaspLlm.length) maps.push(`OWASP ${f.owaspLlm.map(escapeMarkdown).join(', ')}`);
  if (f.pci.length) maps.push(`PCI DSS ${f.pci.map(escapeMarkdown).join(', ')}`);
  if (f.advisory) maps.push(`advisory ${escapeMarkdown(f.advisory)}`);
  if (f.related?.length) maps.push(`related ${f.related.map(escapeMarkdown).join(', ')}`);
  if (maps.length) parts.push(`**Mappings:** ${maps.join(' · ')}`);
  return parts.join('\n\n');
}

function fingerprintLine(report: ScanReport): string {
  const fp = report.fingerprint;
  const bits = [`**Server:** ${prose(serverLabel(report))}`];
  if (fp.product !== 'unknown') bits[0] += ` (confidence ${Math.round(fp.confidence * 100)}%)`;
  if (fp.modelFamily) bits.push(`model family ${escapeMarkdown(fp.modelFamily)}`);
  if (fp.models.length) bits.push(`models: ${fp.models.map((m) => codeSpan(quote(m, 80))).join(', ')}`);
  const ch = report.surface.credentialHeader;
  bits.push(`credential header: ${escapeMarkdown(ch.name)}${ch.scheme ? ` (${ch.scheme})` : ''}, from ${escapeMarkdown(ch.source)}`);
  return bits.join(' · ');
}

function reportBody(report: ScanReport, level: number): string {
  const parts: string[] = [];
  parts.push(heading(level, `Gatecrash scan of ${codeSpan(report.target.url)}`));
  parts.push(`*${UNTRUSTED_NOTICE}*`);

  const gradeLine =
    report.grade === null
      ? [`**${gradeHeadline(report)}**`, `depth ${report.depth}`]
      : [`**Grade ${report.grade}**`, `score ${report.score}/100`, `depth ${report.depth}`];
  if (report.partial) gradeLine.push('**partial scan** (deadline, budget or cancellation cut it short)');
  parts.push(gradeLine.join(' · '));
  const reasons = verdictReasons(report);
  if (reasons.length)
    parts.push(
      ['Gatecrash cannot vouch for this target: there is no grade, and every gate but `--fail-on none` fails:', ...reasons.map((r) => `- ${prose(r)}`)].join(
        '\n',
      ),
    );
  if (report.verdict.gradeCap) parts.push(`The grade is ${prose(report.verdict.gradeCap)}.`);
  for (const notice of report.notices ?? []) parts.push(`**Note:** ${prose(notice)}`);

  const r = report.requests;
  parts.push(
    [
      `**${plural(report.findings.length, 'finding')}:** ${severityCounts(report.findings)}`,
      `**requests:** ${r.sent} sent (${r.deduplicated} deduplicated, ${r.inference} inference, budget ` +
        `${r.budget}${r.overBudget ? `, ${r.overBudget} over budget` : ''})`,
      `**duration:** ${formatDuration(report.durationMs)}`,
    ].join(' · '),
  );
  parts.push(fingerprintLine(report));
  parts.push(
    `Scan ${escapeMarkdown(report.scanId)} · ${escapeMarkdown(report.startedAt)} → ` +
      `${escapeMarkdown(report.finishedAt)} · Gatecrash ${escapeMarkdown(report.tool.version)}`,
  );

  const findings = sortFindings(report.findings);
  parts.push(heading(level + 1, 'Findings'));
  if (findings.length === 0) {
    parts.push('No findings.');
  } else {
    parts.push(
      table(
        ['#', 'Severity', 'Rule', 'Endpoint', 'Confidence'],
        ['r', 'l', 'l', 'l', 'l'],
        findings.map((f, i) => [
          String(i + 1),
          f.severity,
          `\`${f.rule}\` ${prose(f.title, true)}`,
          endpoint(f.endpoint.method, f.endpoint.url, true),
          f.confidence,
        ]),
      ),
    );
    for (const [i, f] of findings.entries()) parts.push(findingSection(f, i + 1, level + 2));
  }

  parts.push(heading(level + 1, 'Rules'));
  const counts = countByStatus(report);
  parts.push(RULE_STATUSES.map((s) => `${counts[s]} ${s}`).join(' · '));
  if (report.rules.length) {
    parts.push(
      table(
        ['Rule', 'Status', 'Findings', 'Reason'],
        ['l', 'l', 'r', 'l'],
        report.rules.map((rr) => [
          `\`${rr.rule}\``,
          rr.status === 'fail' || rr.status === 'error' ? `**${rr.status}**` : rr.status,
          String(rr.findings),
          prose(rr.reason ?? '', true),
        ]),
      ),
    );
  }

  if (report.errors.length) {
    parts.push(heading(level + 1, 'Errors'));
    parts.push(report.errors.map((e) => `- **${escapeMarkdown(e.phase)}:** ${prose(e.message)}`).join('\n'));
  }
  return parts.join('\n\n');
}

function batchBody(reports: readonly ScanReport[], level: number): string {
  const parts: string[] = [heading(level, `Gatecrash batch scan of ${plural(reports.length, 'target')}`)];
  const all = reports.flatMap((r) => r.findings);
  parts.push(`**${plural(all.length, 'finding')}:** ${severityCounts(all)}`);
  if (reports.length) {
    parts.push(
      table(
        ['Target', 'Grade', 'Score', 'Critical', 'High', 'Medium', 'Low', 'Info', 'Errors'],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        reports.map((r) => {
          const c = countBySeverity(r.findings);
          return [
            escapeMarkdown(r.target.url),
            gradeCell(r),
            r.score === null ? '–' : String(r.score),
            ...SEVERITIES.map((s) => String(c[s])),
            String(r.errors.length),
          ];
        }),
      ),
    );
  }
  for (const r of reports) parts.push(reportBody(r, level + 1));
  return parts.join('\n\n');
}

/** One report, or a batch (a summary table, then each report one heading level down). Newline-terminated. */
export function toMarkdown(input: ScanReport | readonly ScanReport[], options: MarkdownOptions = {}): string {
  const level = options.headingLevel ?? 1;
  const body = Array.isArray(input) ? batchBody(input, level) : reportBody(input as ScanReport, level);
  return `${body}\n`;
}
