// Scan option defaults and bounds. Faces (CLI, MCP, Action) validate their own input, then land here.
import type { ScanOptions } from './types.js';

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  depth: 'standard',
  budget: 150,
  timeoutMs: 60_000,
  concurrency: 8,
  allowPrivate: false,
  allow: [],
  readCapBytes: 256 * 1024,
  evidenceCapBytes: 2 * 1024,
  prompt: 'Say hello.',
};

/** Hard ceilings no caller can lift: a scan is a polite, bounded thing. */
export const LIMITS = {
  maxBudget: 2000,
  maxTimeoutMs: 10 * 60_000,
  minTimeoutMs: 1_000,
  maxConcurrency: 32,
  maxReadCapBytes: 4 * 1024 * 1024,
} as const;

export function resolveScanOptions(partial: Partial<ScanOptions> = {}): ScanOptions {
  const o: ScanOptions = { ...DEFAULT_SCAN_OPTIONS };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  o.budget = clamp(Math.floor(o.budget), 1, LIMITS.maxBudget);
  o.timeoutMs = clamp(Math.floor(o.timeoutMs), LIMITS.minTimeoutMs, LIMITS.maxTimeoutMs);
  o.concurrency = clamp(Math.floor(o.concurrency), 1, LIMITS.maxConcurrency);
  o.readCapBytes = clamp(Math.floor(o.readCapBytes), 1024, LIMITS.maxReadCapBytes);
  o.evidenceCapBytes = clamp(Math.floor(o.evidenceCapBytes), 64, o.readCapBytes);
  return o;
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}
