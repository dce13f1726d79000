// One zod schema for every option (its defaults and types). The CLI reads flags and GATECRASH_* variables onto it with
// src/commands/options.ts, which says in one sentence what a bad value should have been.
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

/** Credential headers from the config: explicit headers plus the bearer shorthand. */
export function credentialHeaders(config: Pick<Config, 'headers' | 'bearer'>): Record<string, string> {
  const headers = { ...config.headers };
  if (config.bearer) headers.Authorization = `Bearer ${config.bearer}`;
  return headers;
}
