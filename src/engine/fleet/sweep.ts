// A fleet sweep: every host of the scope (or of one shard of it), its ports probed, and each open port fingerprinted
// with the cheap phase only. Politeness is structural: one global pace for every new connection (port probes and the
// fingerprints' HTTP connections alike), and per host at most `perHost` connections at once (its ports are probed
// `perHost` at a time, then its services are fingerprinted one after another, each with `perHost` connections).
// Memory stays flat: hosts are drawn from the scope lazily, and a fingerprint's exchanges are dropped once its service
// entry is built; only the services found are kept, to be sorted.
import { setMaxListeners } from 'node:events';
import { checkAddress, checkRange, GuardError, type GuardPolicy, LookupError, type PinnedAddress, pinHost, type Resolver } from '../http/guard.js';
import { RateLimiter, Semaphore } from '../http/limits.js';
import { type PortState, probePort } from '../http/port-probe.js';
import { CERTIFICATE_REFUSED, type TlsSettings } from '../http/tls.js';
import { scan } from '../scan.js';
import type { Surface } from '../types.js';
import { authStateOf, isLlmServer } from './auth-state.js';
import { DEFAULT_FLEET_PORTS, FLEET_DEFAULTS, FLEET_LIMITS } from './defaults.js';
import { compareServices } from './order.js';
import { intervalBounds, type Scope, type ScopeHost, scopeHosts, shardSize } from './scope.js';
import type { Shard } from './shard.js';
import { type FleetService, MAX_MODELS_LISTED, type SweepError, type SweepProgress, type SweepResult, type SweepStats } from './types.js';

export { DEFAULT_FLEET_PORTS, FLEET_DEFAULTS, FLEET_LIMITS };

export interface SweepOptions {
  ports: readonly number[];
  policy: GuardPolicy;
  /** New connections a second, all of them (default 200). Ignored when `connectionRate` is given. */
  rate?: number;
  /** Share one pace with other work (the CLI gives the same one to `--scan`'s scans). */
  connectionRate?: RateLimiter;
  /** Connections at once to one address (default 2). */
  perHost?: number;
  connectTimeoutMs?: number;
  fingerprintTimeoutMs?: number;
  shard?: Shard;
  signal?: AbortSignal;
  /** DNS resolver for host names (tests stub it). */
  resolver?: Resolver;
  /** TLS toward HTTPS services: `insecure` fingerprints self-signed servers too, `ca` (PEM) adds trusted CAs. */
  tls?: TlsSettings;
  onService?: (service: FleetService) => void;
  onProgress?: (progress: SweepProgress) => void;
}

/** How many hosts are swept at once: the pace times the connect timeout, spread over each host's connections, bounded. */
export function hostsAtOnce(rate: number, perHost: number, connectTimeoutMs: number): number {
  return Math.min(FLEET_LIMITS.maxHostsAtOnce, Math.max(16, Math.ceil((rate * connectTimeoutMs) / 1000 / perHost)));
}

function emptyStats(): SweepStats {
  return { hosts: 0, refused: 0, unresolved: 0, probes: 0, open: 0, closed: 0, filtered: 0, unreachable: 0, notHttp: 0, services: 0, llm: 0 };
}

/** A sweep's shared state: the pace, the counts, what was found, and the stop signal every host watches. */
interface SweepRun {
  options: SweepOptions;
  rate: RateLimiter;
  perHost: number;
  fingerprints: Semaphore;
  stop: AbortController;
  stats: SweepStats;
  services: FleetService[];
  errors: SweepError[];
  refusal?: string;
}

/**
 * Sweeps the scope. Throws a GuardError before any connection when a whole range is refused, and a LocalResourceError
 * when this machine runs out of descriptors or ports; a cancelled sweep returns what it had found with `partial: true`.
 */
export async function sweep(scope: Scope, options: SweepOptions): Promise<SweepResult> {
  for (const iv of scope.intervals) {
    const { first, last, label } = intervalBounds(iv);
    checkRange(label, first, last, options.policy);
  }
  const perHost = options.perHost ?? FLEET_DEFAULTS.perHost;
  const rate = options.connectionRate ?? new RateLimiter(options.rate ?? FLEET_DEFAULTS.rate);
  const stop = new AbortController();
  // Every probe, pace waiter and fingerprint of the sweep listens on it: hundreds at once, by design.
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const run: SweepRun = {
    options,
    rate,
    perHost,
    fingerprints: new Semaphore(FLEET_LIMITS.maxFingerprintsAtOnce),
    stop,
    stats: emptyStats(),
    services: [],
    errors: [],
  };

  const total = shardSize(scope.size, options.shard);
  const hosts = scopeHosts(scope, options.shard);
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      const next = hosts.next();
      if (next.done) return;
      try {
        await sweepHost(next.value, run);
      } catch (e) {
        // Out of descriptors or ports (or a bug): every worker stops, and the sweep says why.
        if (!stop.signal.aborted) {
          failure = e;
          stop.abort(e);
        }
        return;
      }
      run.stats.hosts++;
      options.onProgress?.({ done: run.stats.hosts, total, probes: run.stats.probes, services: run.stats.services, llm: run.stats.llm });
    }
  };
  try {
    const connectTimeoutMs = options.connectTimeoutMs ?? FLEET_DEFAULTS.connectTimeoutMs;
    await Promise.all(Array.from({ length: Math.min(total, hostsAtOnce(rate.perSecond, perHost, connectTimeoutMs)) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  run.services.sort(compareServices);
  run.errors.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  return { services: run.services, stats: run.stats, errors: run.errors, partial: stop.signal.aborted, ...(run.refusal ? { refusal: run.refusal } : {}) };
}

/** The guard's verdict on a host, resolving a name once; null (and the reason counted) when it is not to be touched. */
async function admit(host: ScopeHost, run: SweepRun): Promise<PinnedAddress | null> {
  const { policy, resolver } = run.options;
  try {
    if (host.name !== undefined) return await pinHost(host.name, policy, resolver);
    checkAddress(host.address!, host.address!, policy);
    return { address: host.address!, family: host.address!.includes(':') ? 6 : 4 };
  } catch (e) {
    if (!(e instanceof GuardError)) throw e;
    if (e instanceof LookupError) run.stats.unresolved++;
    else run.stats.refused++;
    run.refusal ??= e.message;
    // A refused address inside a range is only counted: a /16 would otherwise fill the report with one sentence.
    if (host.name !== undefined) run.errors.push({ target: host.name, message: e.message });
    return null;
  }
}

async function sweepHost(host: ScopeHost, run: SweepRun): Promise<void> {
  const pinned = await admit(host, run);
  if (!pinned) return;
  const { ports, policy } = run.options;
  const open: number[] = [];
  let next = 0;
  const prober = async (): Promise<void> => {
    while (next < ports.length && !run.stop.signal.aborted) {
      const port = ports[next++]!;
      let state: PortState;
      try {
        state = await probePort(host.name ?? pinned.address, pinned.address, port, {
          policy,
          connectTimeoutMs: run.options.connectTimeoutMs ?? FLEET_DEFAULTS.connectTimeoutMs,
          rate: run.rate,
          signal: run.stop.signal,
        });
      } catch (e) {
        if (run.stop.signal.aborted) return;
        throw e;
      }
      run.stats.probes++;
      run.stats[state]++;
      if (state === 'open') open.push(port);
    }
  };
  await Promise.all(Array.from({ length: Math.min(run.perHost, ports.length) }, prober));
  for (const port of open.sort((a, b) => a - b)) {
    if (run.stop.signal.aborted) return;
    let release: () => void;
    try {
      release = await run.fingerprints.acquire(run.stop.signal);
    } catch {
      return; // cancelled while waiting its turn
    }
    const service = await fingerprintService(host.name ?? null, pinned, port, run).finally(release);
    if (run.stop.signal.aborted) return; // cut short: what it was is not known
    if (!service) {
      run.stats.notHttp++;
      continue;
    }
    run.stats.services++;
    if (service.llm) run.stats.llm++;
    run.services.push(service);
    run.options.onService?.(service);
  }
}

/**
 * The cheap phase against one open port, over HTTP then HTTPS (HTTPS first on 443 and 8443). Null when neither spoke.
 * A port that stayed silent until the deadline is not asked a second time.
 */
async function fingerprintService(name: string | null, pinned: PinnedAddress, port: number, run: SweepRun): Promise<FleetService | null> {
  const hostInUrl = name ?? (pinned.family === 6 ? `[${pinned.address}]` : pinned.address);
  const schemes: ('http' | 'https')[] = port === 443 || port === 8443 ? ['https', 'http'] : ['http', 'https'];
  for (const scheme of schemes) {
    let surface: Surface | undefined;
    const report = await scan(
      { url: `${scheme}://${hostInUrl}:${port}/` },
      {
        surfaceOnly: true,
        concurrency: run.perHost,
        timeoutMs: run.options.fingerprintTimeoutMs ?? FLEET_DEFAULTS.fingerprintTimeoutMs,
        allowPrivate: run.options.policy.allowPrivate,
        allow: run.options.policy.allow,
        ...(run.options.tls ? { tls: run.options.tls } : {}),
      },
      // The address the probe used, pinned: a name is never looked up a second time (no rebinding between probe and scan).
      { resolver: async () => [pinned], connectionRate: run.rate, signal: run.stop.signal, onSurface: (s) => (surface = s) },
    );
    const unreachable = report.errors.find((e) => e.phase === 'reach');
    const base = { address: pinned.address, port, host: name, scheme, url: report.target.url };
    if (!unreachable) {
      const fp = report.fingerprint;
      const cut = report.errors.find((e) => e.phase === 'deadline' || e.phase === 'budget');
      return {
        untrusted: ['version', 'models'],
        ...base,
        product: fp.product,
        productName: fp.productName,
        version: fp.version,
        confidence: fp.confidence,
        auth: surface ? authStateOf(surface) : 'unknown',
        llm: surface ? isLlmServer(surface) : false,
        models: fp.models.slice(0, MAX_MODELS_LISTED),
        ...(cut ? { note: cut.message } : {}),
      };
    }
    if (unreachable.message.includes(CERTIFICATE_REFUSED)) {
      return {
        ...base,
        product: 'unknown',
        productName: null,
        version: null,
        confidence: 0,
        auth: 'unknown',
        llm: false,
        models: [],
        note: unreachable.message,
      };
    }
    if (report.errors.some((e) => e.phase === 'deadline')) return null;
  }
  return null;
}
