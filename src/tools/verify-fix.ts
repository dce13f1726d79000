// verify_fix: re-runs exactly the rules a previous scan failed, on the same endpoints, and says per finding whether it is
// fixed, still failing or inconclusive. The judgement lives in ../verify.ts (shared with `gatecrash verify`); this file only
// resolves the previous scan (by id from this session or the local scan store, or a saved report object), runs the
// re-scans through the session's runner and shapes the result.
import * as z from 'zod/v4';
import { reachOfUrls } from '../consent/reach.js';
import { TargetError } from '../engine/target.js';
import type { ScanReport } from '../engine/types.js';
import { VIEW_RESOURCE_URI } from '../report/view-payload.js';
import { scanResourceLinks } from '../resources/scan-links.js';
import { recentScans, runScan, scanById } from '../scan-runner.js';
import type { VerifyResult } from '../verify.js';
import { defineTool, operatorOptions, toolError } from './define.js';
import { headerNames, isInputError, validateHeaders } from './scan-endpoint.js';
import { scanActions } from './scan-reach.js';
import { compactFinding } from './scan-result.js';

const count = z.number();

/**
 * VerifyResult (src/verify.ts) as the tool returns it, new findings in brief like scan_endpoint's (the re-scans are
 * resources). The advertised schema names what an assistant reads; the result carries the rest (wire-schema.ts).
 */
export const VerifyOutputSchema = z.object({
  previousScanId: z.string(),
  verdicts: z.array(
    z.object({
      findingId: z.string(),
      rule: z.string(),
      status: z.enum(['fixed', 'still-failing', 'inconclusive']),
      reason: z.string(),
      scanId: z.string().nullable(),
    }),
  ),
  newFindings: z.array(z.object({ id: z.string(), rule: z.string(), endpoint: z.string() })),
  summary: z.object({ fixed: count, stillFailing: count, inconclusive: count, newFindings: count }),
  allFixed: z.boolean(),
});
export type VerifyOutput = z.infer<typeof VerifyOutputSchema>;

export function verifyOutput(result: VerifyResult): Omit<VerifyResult, 'newFindings'> & VerifyOutput {
  return { ...result, newFindings: result.newFindings.map(compactFinding) };
}

const input = z.object({
  url: z.string().min(1).max(2048).describe('Where the fixed service answers now (the scanned URL, or e.g. a proxy in front of it)'),
  previousScan: z
    .union([z.string().min(1).max(200), z.looseObject({})])
    .optional()
    .describe('The earlier scan: its scanId (this session or the local scan store), or a saved JSON report object'),
  findingIds: z.array(z.string().min(1).max(100)).min(1).max(200).optional().describe('Only these findings (default: all of previousScan)'),
  headers: z.record(z.string().max(256), z.string().max(8192)).optional().describe('The credential headers of the earlier scan, if any'),
  budget: z.number().int().min(1).max(2000).optional().describe('Maximum requests per re-scan (default 150)'),
  timeoutMs: z.number().int().min(1000).max(600000).optional().describe('Deadline per re-scan in ms (default 60000)'),
});

/** The scan the caller means: a report object, a scan id, or the newest scan holding every finding id; else a sentence. */
async function resolvePrevious(previous: string | Record<string, unknown> | undefined, findingIds: string[] | undefined): Promise<ScanReport | string> {
  if (previous !== undefined && typeof previous !== 'string') {
    const { parseScanReport } = await import('../report/json.js');
    try {
      return parseScanReport(previous);
    } catch {
      return 'previousScan is not a Gatecrash scan report (a saved `gatecrash scan --format json` file): pass its scanId instead, or the report unchanged.';
    }
  }
  if (typeof previous === 'string') {
    return scanById(previous) ?? 'No scan with that id in this session or the local scan store. Pass the saved report object as previousScan, or scan again.';
  }
  if (!findingIds?.length) return 'Pass previousScan (the scanId from scan_endpoint, or a saved report) or findingIds from a scan.';
  const scans = recentScans();
  const holder = scans.find((r) => findingIds.every((id) => r.findings.some((f) => f.id === id)));
  if (holder) return holder;
  return scans.some((r) => findingIds.some((id) => r.findings.some((f) => f.id === id)))
    ? 'Those finding ids do not all come from one scan: verify one scan at a time (pass previousScan with its scanId).'
    : 'None of those finding ids belongs to a scan of this session or the local scan store. Pass the saved report as previousScan.';
}

export default defineTool({
  name: 'verify_fix',
  title: 'Verify that findings are fixed',
  description:
    'Proves a fix: re-runs exactly the rules an earlier scan failed, on the same endpoints, and says per finding `fixed`, ' +
    '`still-failing` or `inconclusive`, plus any new finding. Read-only toward the target.',
  input,
  output: VerifyOutputSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  ui: { resourceUri: VIEW_RESOURCE_URI },
  async reach(args, settings) {
    const previous = await resolvePrevious(args.previousScan, args.findingIds);
    // Without an earlier scan nothing is sent (the handler says why): there is nothing to ask about.
    if (typeof previous === 'string') return { subjects: [], actions: [] };
    const plan = {
      depth: previous.depth,
      budget: args.budget ?? settings.budget,
      timeoutMs: args.timeoutMs ?? settings.timeoutMs,
      headerNames: headerNames(args.headers),
    };
    const { MAX_FOLLOW_UPS } = await import('../verify.js');
    return reachOfUrls([args.url], [`Up to ${1 + MAX_FOLLOW_UPS} re-scans of the rules that failed before, each:`, ...(await scanActions(plan))]);
  },
  async handler(args, ctx) {
    const headerError = validateHeaders(args.headers);
    if (headerError) return toolError(`${headerError} Fix the headers argument and call verify_fix again.`);
    const previous = await resolvePrevious(args.previousScan, args.findingIds);
    if (typeof previous === 'string') return toolError(previous);
    const { VerifyInputError, VerifyUnreachableError, formatVerifyResult, verifyFix } = await import('../verify.js');
    try {
      const result = await verifyFix(
        previous,
        { url: args.url, ...(args.findingIds ? { findingIds: args.findingIds } : {}), ...(args.headers ? { headers: args.headers } : {}) },
        (scanInput, options, onExchange) =>
          runScan(
            scanInput,
            {
              ...options,
              budget: args.budget ?? ctx.settings.budget,
              timeoutMs: args.timeoutMs ?? ctx.settings.timeoutMs,
              ...operatorOptions(ctx.settings),
            },
            { signal: ctx.signal, resolver: ctx.resolver, onExchange, onProgress: (e) => ctx.progress(e.done, e.planned, `verify ${e.phase}: ${e.message}`) },
          ),
      );
      // The re-scans are kept like any scan: links to read them (JSON or Markdown) again.
      const links = result.rescans.flatMap((r) => {
        const report = scanById(r.scanId);
        return report ? scanResourceLinks(report) : [];
      });
      return { content: [{ type: 'text', text: formatVerifyResult(result) }, ...links], structuredContent: verifyOutput(result) };
    } catch (e) {
      if (e instanceof VerifyInputError || e instanceof VerifyUnreachableError || e instanceof TargetError || (await isInputError(e)))
        return toolError((e as Error).message);
      if (ctx.signal.aborted) return toolError('The verification was cancelled.');
      throw e;
    }
  },
});
