// One zod schema for every option. CLI flags and GATECRASH_* environment variables map onto it; flags win.
import * as z from 'zod/v4';
import { PRODUCT_IDS } from './engine/types.js';

export const DepthSchema = z.enum(['quick', 'standard', 'deep']);
export const FailOnSchema = z.enum(['critical', 'high', 'medium', 'low', 'none']);
export const FormatSchema = z.enum(['pretty', 'json', 'sarif', 'markdown', 'html']);

export const ConfigSchema = z.object({
  depth: DepthSchema.default('standard'),
  budget: z.coerce.number().int().min(1).max(2000).default(150),
  timeoutMs: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  concurrency: z.coerce.number().int().min(1).max(32).default(8),
  allowPrivate: z.boolean().default(false),
  allow: z.array(z.string().min(1)).default([]),
  failOn: FailOnSchema.default('high'),
  format: FormatSchema.optional(),
  output: z.string().optional(),
  /** Also write the self-contained HTML report here (`--html`), whatever --format says. */
  html: z.string().optional(),
  hint: z.enum(PRODUCT_IDS).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** Bearer credential; becomes `Authorization: Bearer <value>`. */
  bearer: z.string().optional(),
  /** Token MCP HTTP clients must present (gatecrash serve). */
  token: z.string().optional(),
  /** The request an inference route expects (`--request`), with {{prompt}} where the prompt goes. */
  request: z.string().optional(),
  /** Scan https targets without verifying their certificate (`--insecure`). */
  insecure: z.boolean().default(false),
  /** A PEM file of CA certificates to trust for https targets (`--ca`). */
  ca: z.string().optional(),
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8765),
  /** Keep each scan in the local scan store (src/scan-store.ts); --no-store / GATECRASH_NO_STORE=1 turn it off. */
  store: z.boolean().default(true),
});
export type Config = z.infer<typeof ConfigSchema>;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/** The GATECRASH_* variables, as a partial config (flags are layered on top by the CLI). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (env.GATECRASH_DEPTH) out.depth = env.GATECRASH_DEPTH;
  if (env.GATECRASH_BUDGET) out.budget = env.GATECRASH_BUDGET;
  if (env.GATECRASH_TIMEOUT) out.timeoutMs = env.GATECRASH_TIMEOUT;
  if (env.GATECRASH_CONCURRENCY) out.concurrency = env.GATECRASH_CONCURRENCY;
  if (env.GATECRASH_ALLOW_PRIVATE !== undefined) out.allowPrivate = truthy(env.GATECRASH_ALLOW_PRIVATE);
  if (env.GATECRASH_ALLOW) out.allow = env.GATECRASH_ALLOW.split(',').map((s) => s.trim()).filter(Boolean);
  if (env.GATECRASH_FAIL_ON) out.failOn = env.GATECRASH_FAIL_ON;
  if (env.GATECRASH_BEARER) out.bearer = env.GATECRASH_BEARER;
  if (env.GATECRASH_TOKEN) out.token = env.GATECRASH_TOKEN;
  if (env.GATECRASH_REQUEST) out.request = env.GATECRASH_REQUEST;
  if (env.GATECRASH_INSECURE !== undefined) out.insecure = truthy(env.GATECRASH_INSECURE);
  if (env.GATECRASH_CA) out.ca = env.GATECRASH_CA;
  if (env.GATECRASH_HOST) out.host = env.GATECRASH_HOST;
  if (env.GATECRASH_PORT) out.port = env.GATECRASH_PORT;
  if (truthy(env.GATECRASH_NO_STORE)) out.store = false;
  return out;
}

/** Credential headers from the config: explicit headers plus the bearer shorthand. */
export function credentialHeaders(config: Pick<Config, 'headers' | 'bearer'>): Record<string, string> {
  const headers = { ...config.headers };
  if (config.bearer) headers.Authorization = `Bearer ${config.bearer}`;
  return headers;
}

/** A readable sentence from a zod error, naming the option (never echoing a credential). */
export function describeConfigError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'option'}: ${i.message}`).join('; ');
}
