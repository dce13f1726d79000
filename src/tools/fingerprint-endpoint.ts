// fingerprint_endpoint: only the cheap phase — which server, which version, which models, which routes are guarded.
// Sends no inference request (the surface phase never does) and runs no check.
import * as z from 'zod/v4';
import { GuardError } from '../engine/http/guard.js';
import { TargetError } from '../engine/target.js';
import { PRODUCT_IDS } from '../engine/types.js';
import { UNTRUSTED_NOTICE, quoteList } from '../engine/untrusted.js';
import { serverLabel } from '../report/format.js';
import { FingerprintSchema, ScanReportSchema } from '../report/schema.js';
import { reachOfUrls } from '../consent/reach.js';
import { runScan } from '../scan-runner.js';
import { defineTool, toolError, operatorOptions } from './define.js';
import { headerNames, validateHeaders } from './scan-endpoint.js';
import { fingerprintActions } from './scan-reach.js';

/** The cheap phase is a dozen GETs and a prompt-less request per candidate route. */
const FINGERPRINT_BUDGET = 20;

const output = z.object({
  target: z.string(),
  fingerprint: FingerprintSchema,
  surface: ScanReportSchema.shape.surface,
  requests: z.object({ sent: z.number(), inference: z.number() }),
  errors: ScanReportSchema.shape.errors,
});

export default defineTool({
  name: 'fingerprint_endpoint',
  title: 'Fingerprint an LLM inference server',
  description:
    'Identifies the serving stack (vLLM, TGI, Ollama, llama.cpp, SGLang, LiteLLM, LocalAI, KoboldCpp, text-generation-webui, LM Studio, Triton, FastAPI wrappers), ' +
    'its version where it states it, model ids and family, and which routes are guarded or open — with cheap GETs and empty-body probes only, never an inference request.',
  input: z.object({
    url: z.string().min(1).max(2048).describe('The server or endpoint URL'),
    headers: z.record(z.string().max(256), z.string().max(8192)).optional().describe('Credential headers (redacted everywhere)'),
    hint: z.enum(PRODUCT_IDS).optional(),
  }),
  output,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  reach: async (args, settings) => reachOfUrls([args.url], fingerprintActions(FINGERPRINT_BUDGET, settings.timeoutMs, headerNames(args.headers))),
  async handler(args, ctx) {
    const headerError = validateHeaders(args.headers);
    if (headerError) return toolError(headerError);
    try {
      const report = await runScan(
        { url: args.url, ...(args.headers ? { headers: args.headers } : {}) },
        { surfaceOnly: true, budget: FINGERPRINT_BUDGET, timeoutMs: ctx.settings.timeoutMs, ...operatorOptions(ctx.settings), ...(args.hint ? { hint: args.hint } : {}) },
        { signal: ctx.signal, resolver: ctx.resolver },
      );
      const unreachable = report.errors.find((e) => e.phase === 'reach');
      if (unreachable) return toolError(`${unreachable.message} Check that the server is running and the URL is right.`);
      const fp = report.fingerprint;
      const open = report.surface.routes.filter((r) => r.access === 'open');
      const guarded = report.surface.routes.filter((r) => r.access === 'guarded');
      // Gatecrash's words only; the server's (version, model ids, what a signal saw) are quoted after the fixed sentence.
      const text = [
        UNTRUSTED_NOTICE,
        `${fp.product === 'unknown' ? 'Unidentified server' : serverLabel(report)} (confidence ${Math.round(fp.confidence * 100)}%)${fp.models.length ? `, models: ${quoteList(fp.models, 10, 80)}` : ''}${fp.modelFamily ? ` [${fp.modelFamily}]` : ''}.`,
        `Signals: ${fp.signals.slice(0, 6).join('; ') || 'none'}.`,
        `Routes: ${open.length} open, ${guarded.length} guarded. Credential header: ${report.surface.credentialHeader.name} (${report.surface.credentialHeader.source}).`,
        `${report.requests.sent} requests, ${report.requests.inference} inference.`,
      ].join('\n');
      return {
        content: [{ type: 'text', text }],
        structuredContent: { target: report.target.url, fingerprint: fp, surface: report.surface, requests: { sent: report.requests.sent, inference: report.requests.inference }, errors: report.errors },
      };
    } catch (e) {
      if (e instanceof TargetError || e instanceof GuardError) return toolError(e.message);
      throw e;
    }
  },
});
