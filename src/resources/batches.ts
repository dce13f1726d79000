// gatecrash://batches/{id} (a scan_targets batch in brief, JSON) and gatecrash://batches/{id}/report.md (its Markdown
// report): the batches of this process and of the local batch store (src/batch-history.ts), a cancelled batch's partial results included.
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';
import { batches } from '../batch-history.js';
import type { ScanReport } from '../engine/types.js';
import { type BatchError, toBatchMarkdown } from '../report/batch.js';
import type { BatchSummary } from '../report/batch-summary.js';
import { scanById } from '../scan-runner.js';
import type { ResourceLinkContent } from '../tools/define.js';

export const BATCH_URI_TEMPLATE = 'gatecrash://batches/{id}';
export const batchUri = (id: string): string => `gatecrash://batches/${encodeURIComponent(id)}`;
export const batchMarkdownUri = (id: string): string => `${batchUri(id)}/report.md`;

const describe = (s: BatchSummary) =>
  `${s.state === 'cancelled' ? 'cancelled batch' : 'batch'} of ${s.targets} targets: ${s.scanned} scanned, ${s.notScanned} not scanned`;

export function batchResourceLinks(s: BatchSummary): ResourceLinkContent[] {
  return [
    {
      type: 'resource_link',
      uri: batchUri(s.batchId),
      name: `batch-${s.batchId}`,
      mimeType: 'application/json',
      description: `The ${describe(s)} (JSON, in brief; full reports by scanId)`,
    },
    {
      type: 'resource_link',
      uri: batchMarkdownUri(s.batchId),
      name: `batch-${s.batchId}-report.md`,
      mimeType: 'text/markdown',
      description: 'The same batch as one Markdown report',
    },
  ];
}

function findBatch(uri: URL, variables: Record<string, string | string[]>): BatchSummary {
  const raw = variables.id;
  let id = Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '');
  try {
    id = decodeURIComponent(id);
  } catch {
    // kept as given
  }
  const batch = batches.load(id);
  if (!batch)
    throw new ResourceNotFoundError(
      uri.href,
      `No batch at ${uri.href}: only the newest 50 batches of the last 30 days are kept (none on disk with --no-store). Run scan_targets again.`,
    );
  return batch;
}

/**
 * The batch's Markdown report, from the full reports still kept; a report no longer kept is said so. The knowledge base
 * (each finding's fix) loads on the first read, not with the server.
 */
async function markdown(s: BatchSummary): Promise<string> {
  const { suggestRemediationCommand, withStackFixes } = await import('../knowledge/index.js');
  const reports: ScanReport[] = [];
  const errors: BatchError[] = [];
  for (const r of s.results) {
    const report = scanById(r.scanId);
    // With the fix for each scan's identified stack, as the single scan's Markdown resource shows it.
    if (report) reports.push(withStackFixes(report, suggestRemediationCommand));
    else
      errors.push({
        url: r.url,
        message: `Scanned (scan ${r.scanId}, grade ${r.grade ?? 'none'}), but its full report is no longer kept: the newest 50 scans are.`,
      });
  }
  return toBatchMarkdown({ schemaVersion: 1, reports, errors: [...errors, ...s.errors] });
}

export function registerBatchResources(server: McpServer): void {
  const list = (md: boolean) => () => ({
    resources: batches.recent().map((s) => ({
      uri: md ? batchMarkdownUri(s.batchId) : batchUri(s.batchId),
      name: `batch-${s.batchId}${md ? '-report.md' : ''}`,
      title: `Gatecrash ${describe(s)}`,
      mimeType: md ? 'text/markdown' : 'application/json',
    })),
  });
  server.registerResource(
    'batch',
    new ResourceTemplate(BATCH_URI_TEMPLATE, { list: list(false) }),
    {
      title: 'Gatecrash batch (JSON)',
      description: 'A scan_targets batch in brief: per target its grade, finding counts, worst finding and scanId.',
      mimeType: 'application/json',
    },
    (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(findBatch(uri, variables), null, 2) }] }),
  );
  server.registerResource(
    'batch-report-markdown',
    new ResourceTemplate(`${BATCH_URI_TEMPLATE}/report.md`, { list: list(true) }),
    {
      title: 'Gatecrash batch report (Markdown)',
      description: 'A scan_targets batch as one Markdown report: a summary table, then each target.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: await markdown(findBatch(uri, variables)) }] }),
  );
}
