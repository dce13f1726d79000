// One scan, in named phases: prepare (options, target, template) → guard (resolve and pin) → surface (fingerprint and
// discovery) → checks (concurrently, one shared budgeted client) → report (findings, rule statuses, verdict, grade).
// Each phase past the guard lives in `phases/`; this file only runs them in order and keeps the clock.

import { ScanClient } from './http/client.js';
import { type Resolver, resolveAndPin } from './http/guard.js';
import type { RateLimiter } from './http/limits.js';
import { resolveScanOptions } from './options.js';
import { assembleReport, type ScanRun } from './phases/assemble-report.js';
import { armDeadline } from './phases/deadline.js';
import { initialMarks, skipTheRest } from './phases/rule-marks.js';
import { runChecks } from './phases/run-checks.js';
import { ALL_PROFILES } from './profiles/index.js';
import { GATECRASH_VERSION } from './release.js';
import { ALL_CHECKS } from './rules/checks.js';
import { discoverSurface } from './surface/discover.js';
import { createTarget, parseRequestTemplate } from './target.js';
import type { Exchange, ProgressEvent, ScanOptions, ScanReport, Surface } from './types.js';

/** The most wrong credentials a scan's burst sends at a depth: what a person is told before approving a scan. */
export { burstCeiling } from './probes/credential-burst.js';
export { GATECRASH_VERSION };

export interface ScanInput {
  url: string;
  /** Credential headers; attached only to probes that ask for them, redacted everywhere. */
  headers?: Record<string, string>;
}

export interface ScanHooks {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** DNS resolver (tests stub it to prove that forbidden answers never connect). */
  resolver?: Resolver;
  /** Every exchange, as it completes (redacted). */
  onExchange?: (exchange: Exchange) => void;
  /** What discovery learned, once it has (fleet sweeps read a server's auth state from it). */
  onSurface?: (surface: Surface) => void;
  /** A pace for new connections shared with other scans (fleet sweeps: `--rate`). */
  connectionRate?: RateLimiter;
}

const KNOWN_ROUTE_PATHS = [...new Set(ALL_PROFILES.flatMap((p) => [...p.inferenceRoutes, ...p.metadataRoutes].map((r) => r.path)))];
const IMPLEMENTED = new Set(ALL_CHECKS.flatMap((c) => c.rules));

export async function scan(input: ScanInput, partialOptions: Partial<ScanOptions> = {}, hooks: ScanHooks = {}): Promise<ScanReport> {
  // ---- prepare: input errors (TargetError, GuardError) are thrown; the faces turn them into a sentence, exit 2 or isError.
  const options = resolveScanOptions(partialOptions);
  const startedAt = new Date();
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const since = (t: number) => Math.round(performance.now() - t);
  const progress = (phase: ProgressEvent['phase'], done: number, planned: number, message: string) => hooks.onProgress?.({ phase, done, planned, message });
  const target = createTarget(input.url, input.headers ?? {}, KNOWN_ROUTE_PATHS);
  const template = options.request ? parseRequestTemplate(options.request) : undefined;

  // ---- guard: resolve once, refuse forbidden addresses, pin the answer for every connection.
  progress('guard', 0, options.budget, `resolving ${target.url.hostname}`);
  const pinned = await resolveAndPin(target.url, { allowPrivate: options.allowPrivate, allow: options.allow }, hooks.resolver);
  // Checks judge where the traffic really goes (transport.cleartext: a name that resolves to loopback never leaves the host).
  target.address = pinned.address;
  timings.guardMs = since(t0);

  const deadline = armDeadline(options.timeoutMs, hooks.signal);
  const client = new ScanClient({
    target,
    pinned,
    budget: options.budget,
    concurrency: options.concurrency,
    readCapBytes: options.readCapBytes,
    signal: deadline.signal,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(hooks.connectionRate ? { connectionRate: hooks.connectionRate } : {}),
  });
  client.onExchange((ex) => {
    hooks.onExchange?.(ex);
    progress(ex.probe.inference ? 'checks' : 'surface', client.counts.sent, options.budget, client.redactor.redact(ex.probe.purpose));
  });

  const run: ScanRun = {
    target,
    options,
    client,
    deadline,
    startedAt,
    timings,
    surface: null,
    findings: [],
    marks: initialMarks(options, target.credentials, IMPLEMENTED),
    errors: [],
  };
  try {
    // ---- surface: cheap GETs, fingerprint, then one prompt-less request per candidate route.
    const t1 = performance.now();
    progress('surface', 0, options.budget, 'fingerprinting and route discovery');
    run.surface = await discoverSurface(target, (p) => client.send(p), { ...(options.hint ? { hint: options.hint } : {}), ...(template ? { template } : {}) });
    timings.surfaceMs = since(t1);
    hooks.onSurface?.(run.surface);

    const answered = client.exchanges.some((ex) => ex.response);
    if (!answered && deadline.stopped === 'cancelled') {
      // Stopped by its caller, not refused by the network: the report is partial, not unreached.
      skipTheRest(run.marks, 'cancelled before the target answered');
    } else if (!answered) {
      const first = client.exchanges.find((ex) => ex.error)?.error ?? 'no response';
      run.unreachable = `Could not reach ${target.origin}: ${first}`;
      run.errors.push({ phase: 'reach', message: run.unreachable });
      skipTheRest(run.marks, 'the target did not answer');
    } else if (options.surfaceOnly) {
      skipTheRest(run.marks, 'fingerprint only: no checks were run');
    } else {
      // ---- checks
      const t2 = performance.now();
      run.findings = await runChecks(run.surface, target, options, client, deadline.signal, run.marks, run.errors);
      timings.checksMs = since(t2);
    }
  } catch (e) {
    run.errors.push({ phase: run.surface ? 'checks' : 'surface', message: client.redactor.redact((e as Error).message) });
  } finally {
    deadline.disarm();
    await client.close();
    Object.assign(timings, client.connectionTimings());
  }

  // ---- report
  progress('report', client.counts.sent, client.counts.sent, 'building the report');
  timings.totalMs = since(t0);
  return assembleReport(run);
}
