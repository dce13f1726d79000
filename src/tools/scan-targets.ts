// scan_targets: a batch of endpoints, a few at a time (the batch runner of `gatecrash scan --targets`), as an MCP task
// where the client supports the Tasks extension, blocking with progress otherwise. The result is the batch in brief;
// each full report is a scan resource, and the batch stays readable at gatecrash://batches/{id}, a cancelled one too.
import { randomUUID } from 'node:crypto';
import * as z from 'zod/v4';
import type { BatchTarget } from '../batch.js';
import { batches } from '../batch-history.js';
import { DEFAULT_PARALLEL } from '../batch-limits.js';
import { reachOfUrls } from '../consent/reach.js';
import { BatchSummarySchema, batchSummaryText, summarizeBatch } from '../report/batch-summary.js';
import { batchResourceLinks, batchUri } from '../resources/batches.js';
import { runScan } from '../scan-runner.js';
import { defineTool, operatorOptions, toolError } from './define.js';
import { headerNames, scanInput, validateHeaders } from './scan-endpoint.js';
import { scanActions } from './scan-reach.js';

/** One call's batch: every report stays readable in the session's scan history, which keeps the newest 50. */
export const MAX_MCP_TARGETS = 50;
const MAX_MCP_PARALLEL = 8;

const headers = scanInput.shape.headers;

const input = z.object({
  targets: z
    .array(
      z.union([
        z.string().min(1).max(2048),
        z.object({ url: z.string().min(1).max(2048), headers: headers.describe('Credential headers for this target only.') }),
      ]),
    )
    .min(1)
    .max(MAX_MCP_TARGETS)
    .describe('URLs, or { url, headers } for a target with credentials of its own'),
  headers: headers.describe("Credential headers for every target (a target's own win); shown as [REDACTED]"),
  depth: scanInput.shape.depth,
  budget: scanInput.shape.budget.describe('Maximum requests per target (default 150)'),
  timeoutMs: scanInput.shape.timeoutMs.describe('Deadline per target in ms (default 60000)'),
  hint: scanInput.shape.hint,
  parallel: z.number().int().min(1).max(MAX_MCP_PARALLEL).optional().describe(`At once (default ${DEFAULT_PARALLEL})`),
});

const targetsOf = (args: z.infer<typeof input>): BatchTarget[] =>
  args.targets.map((t) => (typeof t === 'string' ? { url: t } : t.headers ? { url: t.url, headers: t.headers } : { url: t.url }));

export default defineTool({
  name: 'scan_targets',
  title: 'Scan a list of LLM inference endpoints',
  description:
    `scan_endpoint over up to ${MAX_MCP_TARGETS} endpoints, a few at a time; runs as an MCP task where the client supports tasks (poll, cancel, ` +
    "fetch after a reconnect), else blocks with progress. Returns each target's grade, finding counts, worst finding and scanId, with links to " +
    'the full reports; a target that cannot be scanned is listed, never graded.',
  input,
  output: BatchSummarySchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  task: true,
  async reach(args, settings) {
    const targets = targetsOf(args);
    const names = [...new Set([...headerNames(args.headers), ...targets.flatMap((t) => headerNames(t.headers))])];
    const plan = {
      depth: args.depth ?? 'standard',
      budget: args.budget ?? settings.budget,
      timeoutMs: args.timeoutMs ?? settings.timeoutMs,
      headerNames: names,
    };
    return reachOfUrls(
      targets.map((t) => t.url),
      [
        `${targets.length} target${targets.length === 1 ? '' : 's'}, at most ${args.parallel ?? DEFAULT_PARALLEL} scanned at once.`,
        ...(await scanActions(plan)),
      ],
    );
  },
  async handler(args, ctx) {
    const targets = targetsOf(args);
    for (const [i, t] of [{ headers: args.headers }, ...targets].entries()) {
      const error = validateHeaders(t.headers);
      if (error) return toolError(`${i === 0 ? 'headers' : `targets[${i - 1}].headers`}: ${error}`);
    }
    const batchId = randomUUID();
    // The batch runner loads the engine: on the first call, not when the server starts.
    const { runBatch } = await import('../batch.js');
    const batch = await runBatch(targets, {
      parallel: args.parallel ?? DEFAULT_PARALLEL,
      defaultHeaders: args.headers ?? {},
      signal: ctx.signal,
      scanOptions: {
        depth: args.depth ?? 'standard',
        budget: args.budget ?? ctx.settings.budget,
        timeoutMs: args.timeoutMs ?? ctx.settings.timeoutMs,
        ...operatorOptions(ctx.settings),
        ...(args.hint ? { hint: args.hint } : {}),
      },
      scanFn: (scanInputOf, options = {}, hooks = {}) => runScan(scanInputOf, options, { ...hooks, resolver: ctx.resolver }),
      onTargetDone: (p) =>
        ctx.progress(p.done, p.total, `${p.done} of ${p.total} targets done; last: ${p.url} (${p.report ? (p.report.grade ?? 'no grade') : 'not scanned'}).`),
    });
    const summary = summarizeBatch(batchId, batch, ctx.signal.aborted);
    batches.save(summary);
    return { content: [{ type: 'text', text: batchSummaryText(summary, batchUri(batchId)) }, ...batchResourceLinks(summary)], structuredContent: summary };
  },
});
