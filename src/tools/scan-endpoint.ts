// scan_endpoint: black-box scan of an inference API. Talks to the outside world, changes nothing there.
// Returns the scan in brief (scan-result.ts); the full report is a resource. The engine is loaded by the first scan.
import * as z from 'zod/v4';
import { reachOfUrls } from '../consent/reach.js';
import { checkHeader, TargetError } from '../engine/target.js';
import { PRODUCT_IDS } from '../engine/types.js';
import { VIEW_RESOURCE_URI } from '../report/view-payload.js';
import { scanResourceLinks, scanUri } from '../resources/scan-links.js';
import { runScan } from '../scan-runner.js';
import { defineTool, operatorOptions, toolError } from './define.js';
import { scanActions } from './scan-reach.js';
import { ScanResultSchema, scanResult } from './scan-result.js';
import { scanSummary } from './summary.js';

export const scanInput = z.object({
  url: z.string().min(1).max(2048).describe('Endpoint or server URL, e.g. http://127.0.0.1:8000/generate'),
  headers: z
    .record(z.string().max(256), z.string().max(8192))
    .optional()
    .describe('Credential headers for authenticated checks, e.g. {"Authorization":"Bearer …"}; shown as [REDACTED]'),
  depth: z.enum(['quick', 'standard', 'deep']).optional().describe('Default standard; deep adds bounded bursts'),
  budget: z.number().int().min(1).max(2000).optional().describe('Maximum requests (default 150)'),
  timeoutMs: z.number().int().min(1000).max(600000).optional().describe('Deadline in ms (default 60000)'),
  hint: z.enum(PRODUCT_IDS).optional().describe('Treat the server as this product'),
  request: z
    .string()
    .max(16384)
    .optional()
    .describe("If the scan cannot work out the route's request: 'METHOD /path [body]' with {{prompt}}, e.g. 'POST /ask {\"q\": \"{{prompt}}\"}'"),
});

/** A bad URL or a refused address: the user's to fix, said in a sentence (the guard is loaded only to check). */
export async function isInputError(e: unknown): Promise<boolean> {
  if (e instanceof TargetError) return true;
  const { GuardError } = await import('../engine/http/guard.js');
  return e instanceof GuardError;
}

/** Checks header names and values before anything is sent; a sentence on failure. */
export function validateHeaders(headers: Record<string, string> | undefined): string | null {
  try {
    for (const [k, v] of Object.entries(headers ?? {})) checkHeader(k, v);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Header names as the person is shown them: valid names only (a name is a token; values are never shown). */
export function headerNames(headers: Record<string, string> | undefined): string[] {
  const error = validateHeaders(headers);
  if (error) throw new TargetError(error);
  return Object.keys(headers ?? {});
}

export default defineTool({
  name: 'scan_endpoint',
  title: 'Scan an LLM inference endpoint',
  description:
    'Black-box security scan of an LLM inference HTTP API (wrappers, vLLM, TGI, Ollama, llama.cpp, …): missing or bypassable ' +
    'auth, exposed management routes and data, CORS, transport and template issues, with evidence. Read-only (one-token ' +
    'probes). Returns findings in brief; the full report is a resource.',
  input: scanInput,
  output: ScanResultSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  ui: { resourceUri: VIEW_RESOURCE_URI },
  reach: async (args, settings) =>
    reachOfUrls(
      [args.url],
      await scanActions({
        depth: args.depth ?? 'standard',
        budget: args.budget ?? settings.budget,
        timeoutMs: args.timeoutMs ?? settings.timeoutMs,
        headerNames: headerNames(args.headers),
      }),
    ),
  async handler(args, ctx) {
    const headerError = validateHeaders(args.headers);
    if (headerError) return toolError(`${headerError} Fix the headers argument and call scan_endpoint again.`);
    try {
      const report = await runScan(
        { url: args.url, ...(args.headers ? { headers: args.headers } : {}) },
        {
          depth: args.depth ?? 'standard',
          budget: args.budget ?? ctx.settings.budget,
          timeoutMs: args.timeoutMs ?? ctx.settings.timeoutMs,
          ...operatorOptions(ctx.settings),
          ...(args.hint ? { hint: args.hint } : {}),
          ...(args.request ? { request: args.request } : {}),
        },
        { signal: ctx.signal, resolver: ctx.resolver, onProgress: (e) => ctx.progress(e.done, e.planned, `${e.phase}: ${e.message}`) },
      );
      const unreachable = report.errors.find((e) => e.phase === 'reach');
      if (unreachable) return toolError(`${unreachable.message} Check that the server is running and the URL (host, port, scheme) is right.`);
      // The full report stays readable (this session, and the local scan store): the links fetch it as JSON or Markdown.
      return {
        content: [{ type: 'text', text: scanSummary(report) }, ...scanResourceLinks(report)],
        structuredContent: scanResult(report, scanUri(report.scanId)),
      };
    } catch (e) {
      if (await isInputError(e)) return toolError((e as Error).message);
      if (ctx.signal.aborted) return toolError('The scan was cancelled.');
      throw e;
    }
  },
});
