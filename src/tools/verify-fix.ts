// verify_fix: re-runs exactly the rules a previous scan failed, on the same endpoints, and says per finding whether it is
// fixed, still failing or inconclusive. The judgement lives in ../verify.ts (shared with `gatecrash verify`); this file only
// resolves the previous scan, runs the re-scans through the session's runner and shapes the result.
import * as z from 'zod/v4';
import { GuardError } from '../engine/http/guard.js';
import { TargetError } from '../engine/target.js';
import type { ScanReport } from '../engine/types.js';
import { DepthSchema, FindingSchema, ProductIdSchema, RuleIdSchema, ScanReportSchema, SeveritySchema, ConfidenceSchema } from '../report/schema.js';
import { scanResourceLinks } from '../resources/scans.js';
import { recentScans, runScan, scanById } from '../scan-runner.js';
import { MAX_FOLLOW_UPS, VerifyInputError, VerifyUnreachableError, formatVerifyResult, verifyFix, type VerifyResult } from '../verify.js';
import { reachOfUrls } from '../consent/reach.js';
import { defineTool, toolError, operatorOptions } from './define.js';
import { headerNames, validateHeaders } from './scan-endpoint.js';
import { scanActions } from './scan-reach.js';

const StatusSchema = z.enum(['fixed', 'still-failing', 'inconclusive']);
const EndpointSchema = z.object({ method: z.string(), url: z.string() });

export const VerifyResultSchema = z.object({
  target: z.string(),
  previousScanId: z.string(),
  rules: z.array(RuleIdSchema),
  depth: DepthSchema,
  assumedProduct: ProductIdSchema.nullable(),
  verdicts: z.array(
    z.object({
      findingId: z.string(),
      rule: RuleIdSchema,
      title: z.string(),
      severity: SeveritySchema,
      confidence: ConfidenceSchema,
      endpoint: EndpointSchema,
      status: StatusSchema,
      reason: z.string(),
      current: z.object({ findingId: z.string(), matchedBy: z.enum(['id', 'rule+endpoint']), description: z.string() }).optional(),
      scanId: z.string().nullable(),
    }),
  ),
  newFindings: z.array(FindingSchema),
  summary: z.object({ fixed: z.number().int(), stillFailing: z.number().int(), inconclusive: z.number().int(), newFindings: z.number().int() }),
  allFixed: z.boolean(),
  rescans: z.array(
    z.object({
      scanId: z.string(),
      url: z.string(),
      rules: z.array(RuleIdSchema),
      requests: z.object({ sent: z.number().int(), inference: z.number().int() }),
      partial: z.boolean(),
      errors: z.array(z.string()),
    }),
  ),
});

// Compile-time agreement with VerifyResult, both ways.
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type _VerifyResultAgrees = Agree<z.infer<typeof VerifyResultSchema>, VerifyResult> extends true ? true : never;
const _agrees: _VerifyResultAgrees = true;
void _agrees;

const input = z.object({
  url: z.string().min(1).max(2048).describe('Where the fixed service answers now: the URL scanned before, or e.g. the reverse proxy put in front of it (the same paths on that origin are re-checked).'),
  previousScan: z
    .union([z.string().min(1).max(200), ScanReportSchema])
    .optional()
    .describe('The earlier scan: its scanId (scan_endpoint results are kept for this session) or the full report object (e.g. a saved JSON report).'),
  findingIds: z
    .array(z.string().min(1).max(100))
    .min(1)
    .max(200)
    .optional()
    .describe('Only these findings (ids from a scan of this session, or of previousScan). Default: every finding of previousScan.'),
  headers: z
    .record(z.string().max(256), z.string().max(8192))
    .optional()
    .describe('The same credential headers as the earlier scan, if it had any. Never echoed: shown as [REDACTED].'),
  budget: z.number().int().min(1).max(2000).optional().describe('Maximum requests per re-scan (default: the server setting, 150).'),
  timeoutMs: z.number().int().min(1000).max(600000).optional().describe('Deadline per re-scan in ms (default 60000).'),
});

/** The scan the caller means: a report object, a scan id of this session, or the newest scan holding every finding id. */
function resolvePrevious(previous: string | ScanReport | undefined, findingIds: string[] | undefined): ScanReport | string {
  if (previous !== undefined && typeof previous !== 'string') return previous;
  if (typeof previous === 'string') {
    return scanById(previous) ?? 'No scan with that id in this session (the newest 50 are kept). Pass the full report object as previousScan, or scan again.';
  }
  if (!findingIds?.length) return 'Pass previousScan (the scanId from scan_endpoint, or the full report) or findingIds from a scan of this session.';
  const holder = recentScans().find((r) => findingIds.every((id) => r.findings.some((f) => f.id === id)));
  if (holder) return holder;
  return recentScans().some((r) => findingIds.some((id) => r.findings.some((f) => f.id === id)))
    ? 'Those finding ids do not all come from one scan of this session: verify one scan at a time (pass previousScan with its scanId).'
    : 'None of those finding ids belongs to a scan of this session. Pass the full report as previousScan.';
}

export default defineTool({
  name: 'verify_fix',
  title: 'Verify that findings are fixed',
  description:
    'Proves a fix: re-runs exactly the rules that failed in an earlier scan, on the same endpoints, and returns per finding ' +
    '`fixed` (the rule ran and no longer fires on an endpoint it reached), `still-failing` (the same finding again) or `inconclusive` ' +
    '(the rule could not run or the endpoint was not reached), plus any new finding. Read-only toward the target, like scan_endpoint.',
  input,
  output: VerifyResultSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async reach(args, settings) {
    const previous = resolvePrevious(args.previousScan as ScanReport | string | undefined, args.findingIds);
    // Without an earlier scan nothing is sent (the handler says why): there is nothing to ask about.
    if (typeof previous === 'string') return { subjects: [], actions: [] };
    const plan = { depth: previous.depth, budget: args.budget ?? settings.budget, timeoutMs: args.timeoutMs ?? settings.timeoutMs, headerNames: headerNames(args.headers) };
    return reachOfUrls([args.url], [`Up to ${1 + MAX_FOLLOW_UPS} re-scans of the rules that failed before, each:`, ...(await scanActions(plan))]);
  },
  async handler(args, ctx) {
    const headerError = validateHeaders(args.headers);
    if (headerError) return toolError(`${headerError} Fix the headers argument and call verify_fix again.`);
    const previous = resolvePrevious(args.previousScan as ScanReport | string | undefined, args.findingIds);
    if (typeof previous === 'string') return toolError(previous);
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
      // The re-scans are kept in the session like any scan: links to read them (JSON or Markdown) again.
      const links = result.rescans.flatMap((r) => {
        const report = scanById(r.scanId);
        return report ? scanResourceLinks(report) : [];
      });
      return { content: [{ type: 'text', text: formatVerifyResult(result) }, ...links], structuredContent: result };
    } catch (e) {
      if (e instanceof VerifyInputError || e instanceof VerifyUnreachableError || e instanceof TargetError || e instanceof GuardError) return toolError(e.message);
      if (ctx.signal.aborted) return toolError('The verification was cancelled.');
      throw e;
    }
  },
});
