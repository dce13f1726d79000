// A batch in brief, for the assistant (scan_targets over MCP): per target its grade, finding counts and worst finding,
// with the scan's id to read the full report from. Pure, like the rest of report/.
import * as z from 'zod/v4';
import { UNTRUSTED_NOTICE } from '../engine/untrusted.js';
import { BatchErrorSchema, type BatchReport } from './batch.js';
import { countBySeverity, plural, SEVERITIES, sortFindings } from './format.js';
import { ConfidenceSchema, GradeSchema, RuleIdSchema, SeveritySchema, VerdictSchema } from './schema.js';

const count = z.number().int().min(0);

export const BatchTargetSummarySchema = z.object({
  url: z.string(),
  scanId: z.string(),
  verdict: VerdictSchema.shape.status,
  grade: GradeSchema.nullable(),
  score: z.number().min(0).max(100).nullable(),
  partial: z.boolean(),
  findings: z.object(Object.fromEntries(SEVERITIES.map((s) => [s, count])) as Record<(typeof SEVERITIES)[number], typeof count>),
  /** The most severe finding, when there is one. */
  worst: z.object({ rule: RuleIdSchema, severity: SeveritySchema, confidence: ConfidenceSchema, title: z.string() }).optional(),
});

export const BatchSummarySchema = z
  .object({
    batchId: z.string(),
    /** `cancelled`: the batch was stopped; running scans kept their partial reports, targets not started are not scanned. */
    state: z.enum(['complete', 'cancelled']),
    targets: count,
    scanned: count,
    notScanned: count,
    /** One entry per scanned target, in the order given. */
    results: z.array(BatchTargetSummarySchema),
    /** One entry per target that could not be scanned, in the order given. */
    errors: z.array(BatchErrorSchema),
  })
  .meta({ title: 'Gatecrash batch summary', description: 'scan_targets in brief: per target its grade, counts and worst finding; full reports by scanId.' });

export type BatchSummary = z.infer<typeof BatchSummarySchema>;

export function summarizeBatch(batchId: string, batch: BatchReport, cancelled: boolean): BatchSummary {
  return {
    batchId,
    state: cancelled ? 'cancelled' : 'complete',
    targets: batch.reports.length + batch.errors.length,
    scanned: batch.reports.length,
    notScanned: batch.errors.length,
    results: batch.reports.map((r) => {
      const worst = sortFindings(r.findings)[0];
      return {
        url: r.target.url,
        scanId: r.scanId,
        verdict: r.verdict.status,
        grade: r.grade,
        score: r.score,
        partial: r.partial,
        findings: countBySeverity(r.findings),
        ...(worst ? { worst: { rule: worst.rule, severity: worst.severity, confidence: worst.confidence, title: worst.title } } : {}),
      };
    }),
    errors: batch.errors,
  };
}

function countsText(findings: BatchSummary['results'][number]['findings']): string {
  const parts = SEVERITIES.filter((s) => findings[s] > 0).map((s) => `${findings[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** The text that goes with the summary: a headline, then one line per target. */
export function batchSummaryText(s: BatchSummary, uri: string): string {
  const headline =
    s.state === 'cancelled'
      ? `Batch cancelled: ${s.scanned} of ${s.targets} targets scanned (partial reports kept), ${s.notScanned} not scanned. Results: ${uri}`
      : `Batch of ${plural(s.targets, 'target')}: ${s.scanned} scanned, ${s.notScanned} not scanned. Results: ${uri}`;
  // A worst finding's title may quote the server (a stated version): the fixed sentence comes first.
  const lines = [headline, UNTRUSTED_NOTICE];
  for (const r of s.results) {
    const grade = r.grade ? `${r.grade} ${r.score}/100` : `no grade (${r.verdict})`;
    lines.push(
      `- ${grade} · ${r.url} · ` +
        `${countsText(r.findings)}${r.worst ? ` · worst: ${r.worst.rule} [${r.worst.severity}/${r.worst.confidence}]` : ''}${r.partial ? ' · partial' : ''} ` +
        `· scan ${r.scanId}`,
    );
  }
  for (const e of s.errors) lines.push(`! not scanned: ${e.url} · ${e.message}`);
  return lines.join('\n');
}
