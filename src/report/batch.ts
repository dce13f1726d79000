// A batch of scans (gatecrash scan --targets FILE) as one report: the shape, and its JSON, SARIF, Markdown, HTML and terminal faces.
// Pure, like the rest of report/: the reports and error entries come in, text comes out.
//
// A target that could not be scanned (down, refused by the SSRF guard, a bad URL) has no report: it is an error entry,
// so no face ever shows it with the perfect score of a scan that found nothing.
import * as z from 'zod/v4';
import type { ScanReport } from '../engine/types.js';
import { countBySeverity, gradeCell, neutralizeControls, plural } from './format.js';
import { batchGateCode, type FailOn, type GateCode } from './gate.js';
import { type HtmlOptions, toHtml } from './html.js';
import { toJson } from './json.js';
import { escapeMarkdown, toMarkdown } from './markdown.js';
import { toPretty } from './pretty.js';
import { type SarifLog, type SarifOptions, sarifText, toSarif } from './sarif.js';
import { ScanReportSchema } from './schema.js';

export const BatchErrorSchema = z.object({
  /** The target as the targets file gave it. */
  url: z.string(),
  /** Why it has no report: a sentence (credentials redacted). */
  message: z.string(),
});

const position = z.number().int().min(0);

/** Which share of a targets file a sharded batch (`scan --targets FILE --shard K/N`) scanned, so `merge` can rebuild the whole. */
export const BatchShardSchema = z.object({
  index: z.number().int().min(1),
  count: z.number().int().min(1),
  /** Targets in the whole file. */
  targets: z.number().int().min(0),
  /** SHA-256 of the file's target URLs, in order: shards of different lists are never merged. */
  digest: z.string(),
  /** Each report's and each error's place in the file (0-based), in the order of `reports` and `errors`. */
  positions: z.object({ reports: z.array(position), errors: z.array(position) }),
});

export const BatchReportSchema = z
  .object({
    schemaVersion: z.literal(1),
    /** One report per target that was scanned, in the order of the targets file. */
    reports: z.array(ScanReportSchema),
    /** One entry per target that could not be scanned, in the order of the targets file. */
    errors: z.array(BatchErrorSchema),
    /** Present on one shard of a batch; a merge of all its shards has none, exactly like a single run. */
    shard: BatchShardSchema.optional(),
  })
  .meta({
    title: 'Gatecrash batch report',
    description:
      'The result of `gatecrash scan --targets FILE`: one ScanReport per scanned target and one error entry ' +
      'per target that could not be scanned (schemaVersion 1).',
  });

export type BatchError = z.infer<typeof BatchErrorSchema>;
export type BatchShard = z.infer<typeof BatchShardSchema>;
export interface BatchReport {
  schemaVersion: 1;
  reports: ScanReport[];
  errors: BatchError[];
  shard?: BatchShard;
}

/** The batch as JSON: each report in toJson's stable key order, newline-terminated. */
export function toBatchJson(batch: BatchReport): string {
  const canonical = {
    schemaVersion: batch.schemaVersion,
    reports: batch.reports.map((r) => JSON.parse(toJson(r)) as unknown),
    errors: batch.errors.map((e) => ({ url: e.url, message: e.message })),
    ...(batch.shard ? { shard: batch.shard } : {}),
  };
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

/** Validates untrusted JSON as a batch report; throws a ZodError when it is not one. */
export function parseBatchReport(value: unknown): BatchReport {
  return BatchReportSchema.parse(typeof value === 'string' ? JSON.parse(value) : value) as BatchReport;
}

/** The JSON Schema (draft 2020-12) of the batch shape. */
export function batchReportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(BatchReportSchema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'throw' }) as Record<string, unknown>;
}

/**
 * One SARIF run for the whole batch (GitHub wants one run per tool and category). A target without a report becomes an
 * invocation that did not succeed, with the reason as an error notification, so code scanning shows it was not covered.
 */
export function toBatchSarif(batch: BatchReport, options: SarifOptions = {}): SarifLog {
  const log = toSarif(batch.reports, options);
  const run = log.runs[0]!;
  for (const e of batch.errors) {
    run.invocations.push({
      executionSuccessful: false,
      toolExecutionNotifications: [{ level: 'error', message: sarifText(`${e.url} could not be scanned: ${e.message}`), properties: { phase: 'reach' } }],
      properties: { target: { url: e.url } },
    });
  }
  return log;
}

export function toBatchSarifJson(batch: BatchReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(toBatchSarif(batch, options), null, 2)}\n`;
}

function notScannedMarkdown(errors: readonly BatchError[], level: number): string {
  const lines = errors.map((e) => `- ${escapeMarkdown(e.url)}: ${escapeMarkdown(e.message)}`);
  return `${'#'.repeat(Math.min(6, level))} Targets not scanned (${errors.length})\n\n${lines.join('\n')}\n`;
}

/** The Markdown batch (summary table, then each report) plus a section for the targets that could not be scanned. */
export function toBatchMarkdown(batch: BatchReport): string {
  const body = toMarkdown(batch.reports);
  return batch.errors.length ? `${body}\n${notScannedMarkdown(batch.errors, 2)}` : body;
}

/** The terminal face: each report, then one line per target and the targets that could not be scanned. */
export function toBatchPretty(batch: BatchReport, options: { color: boolean }): string {
  const parts = batch.reports.map((r) => toPretty(r, options));
  const summary = [`Batch: ${plural(batch.reports.length, 'target')} scanned, ${batch.errors.length} not scanned.`];
  for (const r of batch.reports) {
    const c = countBySeverity(r.findings);
    const counts =
      Object.entries(c)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'no findings';
    summary.push(`  ${gradeCell(r).padEnd(10)} ${String(r.score ?? '–').padStart(3)}  ${neutralizeControls(r.target.url)}  (${counts})`);
  }
  for (const e of batch.errors) summary.push(`  -   ---  ${neutralizeControls(e.url)}  not scanned: ${neutralizeControls(e.message)}`);
  parts.push(`${summary.join('\n')}\n`);
  return parts.join('\n');
}

export type BatchFormat = 'pretty' | 'json' | 'sarif' | 'markdown' | 'html';

export function renderBatch(
  batch: BatchReport,
  format: BatchFormat,
  options: { color: boolean; sarif?: SarifOptions; html?: HtmlOptions } = { color: false },
): string {
  switch (format) {
    case 'html':
      return toHtml(batch, options.html);
    case 'json':
      return toBatchJson(batch);
    case 'sarif':
      return toBatchSarifJson(batch, options.sarif);
    case 'markdown':
      return toBatchMarkdown(batch);
    case 'pretty':
      return toBatchPretty(batch, { color: options.color });
  }
}

/** The batch's exit code: see report/gate.ts (any target not scanned or not vouched for is 2). */
export function batchExitCode(batch: BatchReport, failOn: FailOn): GateCode {
  return batchGateCode(batch.reports, batch.errors.length, failOn);
}
