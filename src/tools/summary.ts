// The short human-readable text that accompanies a scan's structuredContent: with the scan id and finding ids, which
// the other tools take. Every line is Gatecrash's own words; what the server said (its version, its model ids, output
// quoted in a description) appears only inside ⟦ ⟧, after the fixed sentence that says so.
import type { ScanReport } from '../engine/types.js';
import { quoteList, UNTRUSTED_NOTICE } from '../engine/untrusted.js';
import { gradeHeadline, serverLabel } from '../report/format.js';

export function scanSummary(report: ScanReport): string {
  const counts: Record<string, number> = {};
  for (const f of report.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  const countText =
    ['critical', 'high', 'medium', 'low', 'info']
      .filter((s) => counts[s])
      .map((s) => `${counts[s]} ${s}`)
      .join(', ') || 'no findings';
  const fp = report.fingerprint;
  const server = fp.product === 'unknown' ? `unidentified server${fp.servedThrough ? `, served through ${fp.servedThrough}` : ''}` : serverLabel(report);
  const models = fp.models.length ? `, model${fp.models.length > 1 ? 's' : ''} ${quoteList(fp.models, 3, 80)}` : '';
  const lines = [
    `Gatecrash scan ${report.scanId} of ${report.target.url}: ${gradeHeadline(report)}, ${countText}.`,
    UNTRUSTED_NOTICE,
    ...report.verdict.reasons.map((r) => `No grade: ${r}`),
    `Server: ${server}${models}. ${report.requests.sent} requests (${report.requests.inference} ` +
      `inference) in ${report.durationMs} ms${report.partial ? ' — PARTIAL report' : ''}.`,
  ];
  for (const f of report.findings.slice(0, 5))
    lines.push(`- ${f.id} [${f.severity}/${f.confidence}] ${f.rule}: ${f.endpoint.method} ${f.endpoint.url} — ${f.title}`);
  if (report.findings.length > 5) lines.push(`- … and ${report.findings.length - 5} more (see structuredContent.findings).`);
  for (const e of report.errors) lines.push(`! ${e.phase}: ${e.message}`);
  if (report.findings.length) lines.push('Next: explain_finding or suggest_remediation with a findingId, then verify_fix with this scanId after the change.');
  return lines.join('\n');
}
