// scan_endpoint: black-box scan of an inference API. Talks to the outside world, changes nothing there.
import * as z from 'zod/v4';
import { GuardError } from '../engine/http/guard.js';
import { TargetError, checkHeader } from '../engine/target.js';
import { PRODUCT_IDS } from '../engine/types.js';
import { ScanReportSchema } from '../report/schema.js';
import { reachOfUrls } from '../consent/reach.js';
import { scanResourceLinks } from '../resources/scans.js';
import { runScan } from '../scan-runner.js';
import { defineTool, toolError, operatorOptions } from './define.js';
import { scanActions } from './scan-reach.js';
import { scanSummary } from './summary.js';

export const scanInput = z.object({
  url: z.string().min(1).max(2048).describe('The inference endpoint or server base URL, e.g. http://127.0.0.1:8000/generate'),
  headers: z
    .record(z.string().max(256), z.string().max(8192))
    .optional()
    .describe('Credential headers to use for authenticated checks, e.g. {"Authorization":"Bearer …"}. Never echoed: shown as [REDACTED].'),
  depth: z.enum(['quick', 'standard', 'deep']).optional().describe('quick: discovery + one inference probe per route family; standard (default); deep adds bounded bursts.'),
  budget: z.number().int().min(1).max(2000).optional().describe('Maximum requests this scan may send (default 150).'),
  timeoutMs: z.number().int().min(1000).max(600000).optional().describe('Deadline for the whole scan in ms (default 60000).'),
  hint: z.enum(PRODUCT_IDS).optional().describe('Skip fingerprinting and treat the server as this product.'),
  request: z
    .string()
    .max(16384)
    .optional()
    .describe(
      'The request the inference route expects, when the scan cannot work it out: \'METHOD /path [body]\' with {{prompt}} where the prompt goes, e.g. \'POST /api/ask {"question": "{{prompt}}"}\'.',
    ),
});

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
    'Black-box security scan of an LLM inference HTTP API (FastAPI wrappers, vLLM, TGI, Ollama, llama.cpp, SGLang, LiteLLM, …). ' +
    'Proves missing authentication, auth bypasses, exposed management routes and data, CORS, transport and LLM template issues with evidence. ' +
    'Read-only toward the target: inference probes ask for one token and management routes are never invoked.',
  input: scanInput,
  output: ScanReportSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  reach: async (args, settings) =>
    reachOfUrls(
      [args.url],
      await scanActions({ depth: args.depth ?? 'standard', budget: args.budget ?? settings.budget, timeoutMs: args.timeoutMs ?? settings.timeoutMs, headerNames: headerNames(args.headers) }),
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
      // The report stays readable for the session: the links let a client fetch it again (JSON or Markdown).
      return { content: [{ type: 'text', text: scanSummary(report) }, ...scanResourceLinks(report)], structuredContent: report };
    } catch (e) {
      if (e instanceof TargetError || e instanceof GuardError) return toolError(e.message);
      if (ctx.signal.aborted) return toolError('The scan was cancelled.');
      throw e;
    }
  },
});
