// gatecrash discover: sweep a scope for LLM servers, write the inventory, and with --scan, scan every LLM server found.
import { readFileSync, statSync } from 'node:fs';
import { DEFAULT_PARALLEL, MAX_PARALLEL, runBatch } from '../batch.js';
import { credentialHeaders } from '../config.js';
import { parsePorts, parseScope, type Scope, ScopeError } from '../engine/fleet/scope.js';
import { parseShard, type Shard, ShardError } from '../engine/fleet/shard.js';
import { DEFAULT_FLEET_PORTS, FLEET_DEFAULTS, FLEET_LIMITS, sweep } from '../engine/fleet/sweep.js';
import type { FleetService } from '../engine/fleet/types.js';
import { RateLimiter, Semaphore } from '../engine/http/limits.js';
import { LocalResourceError } from '../engine/http/port-probe.js';
import { GATECRASH_VERSION, scan } from '../engine/scan.js';
import { ruleHelp } from '../knowledge/index.js';
import { type BatchReport, batchExitCode } from '../report/batch.js';
import { gateLine } from '../report/gate.js';
import { buildInventory, type InventoryFormat, InventoryFormatError, renderInventory, SARIF_NEEDS_SCANS } from '../report/inventory.js';
import { type CommandContext, chooseFormat, emit, progressLine } from './context.js';
import { keepScans } from './keep-scans.js';
import { durationFlag, numberFlag } from './options.js';
import { UsageError } from './usage-error.js';

const FORMATS: readonly InventoryFormat[] = ['json', 'csv', 'markdown', 'pretty', 'sarif'];
const MAX_SCOPE_FILE_BYTES = 4 * 1024 * 1024;

/** A scope file: one item per line (CIDR, range, address or name); `#` starts a comment. */
function readScopeFile(path: string): string[] {
  try {
    if (statSync(path).size > MAX_SCOPE_FILE_BYTES) throw new UsageError(`The scope file ${path} is larger than 4 MiB.`);
    return readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
      .filter(Boolean);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read the scope file ${path}${code === 'ENOENT' ? ': it does not exist' : code ? ` (${code})` : ''}.`);
  }
}

interface DiscoverSettings {
  scope: Scope;
  ports: number[];
  rate: number;
  perHost: number;
  connectTimeoutMs: number;
  shard?: Shard;
  format: InventoryFormat;
}

function settingsFrom(ctx: CommandContext): DiscoverSettings {
  const { args, positionals, config } = ctx;
  const flag = (name: 'targets' | 'ports' | 'shard') => (typeof args.values[name] === 'string' ? (args.values[name] as string) : undefined);
  try {
    const items = [...positionals, ...(flag('targets') ? readScopeFile(flag('targets')!) : [])];
    const format = chooseFormat(args, FORMATS, config.output);
    if (format === 'sarif' && !args.values.scan) throw new UsageError(SARIF_NEEDS_SCANS);
    const shard = flag('shard');
    return {
      scope: parseScope(items),
      ports: flag('ports') ? parsePorts(flag('ports')!) : [...DEFAULT_FLEET_PORTS],
      rate: numberFlag(args, 'rate', 'GATECRASH_RATE', 1, FLEET_LIMITS.maxRate, 'new connections a second') ?? FLEET_DEFAULTS.rate,
      perHost: numberFlag(args, 'per-host', undefined, 1, FLEET_LIMITS.maxPerHost, 'connections at once to one address') ?? FLEET_DEFAULTS.perHost,
      connectTimeoutMs: durationFlag(args, 'connect-timeout', 100, 30_000, '100ms to 30s') ?? FLEET_DEFAULTS.connectTimeoutMs,
      ...(shard ? { shard: parseShard(shard) } : {}),
      format,
    };
  } catch (e) {
    if (e instanceof ScopeError || e instanceof ShardError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * --scan: a full scan of every LLM server found, in inventory order, through the batch runner. The sweep's pace and
 * per-host limit hold here too: one scan at a time per address, with --per-host connections.
 */
async function scanServices(services: FleetService[], ctx: CommandContext, s: DiscoverSettings, rate: RateLimiter, signal: AbortSignal): Promise<BatchReport> {
  const parallel = numberFlag(ctx.args, 'parallel', 'GATECRASH_PARALLEL', 1, MAX_PARALLEL, 'scans at once') ?? DEFAULT_PARALLEL;
  const { config } = ctx;
  // Each server is scanned as what its fingerprint said: no --hint or --request, which name one server's ways.
  const { depth, budget, timeoutMs, allowPrivate, allow, tls } = ctx.scanOptions();
  const hostSlots = new Map<string, Semaphore>();
  const llm = services.filter((svc) => svc.llm);
  return runBatch(
    llm.map((svc) => ({ url: svc.url })),
    {
      parallel,
      defaultHeaders: credentialHeaders(config),
      signal,
      scanOptions: { depth, budget, timeoutMs, allowPrivate, allow, ...(tls ? { tls } : {}), concurrency: Math.min(config.concurrency, s.perHost) },
      scanFn: async (input, options, hooks) => {
        const address = llm.find((svc) => svc.url === input.url)?.address ?? input.url;
        const slot = hostSlots.get(address) ?? new Semaphore(1);
        hostSlots.set(address, slot);
        const release = await slot.acquire();
        try {
          return await scan(input, options, { ...hooks, connectionRate: rate });
        } finally {
          release();
        }
      },
      onTargetDone: (p) =>
        process.stderr.write(`[scan ${p.done}/${p.total}] ${p.url} ${p.report ? gateLine(p.report, config.failOn) : `not scanned: ${p.error?.message}`}\n`),
    },
  );
}

export async function runDiscover(ctx: CommandContext): Promise<number> {
  const s = settingsFrom(ctx);
  const { config } = ctx;
  const { tls } = ctx.scanOptions();
  const rate = new RateLimiter(s.rate);
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('the sweep was cancelled'));
  process.once('SIGINT', onSigint);
  const progress = progressLine();
  const t0 = performance.now();
  try {
    const result = await sweep(s.scope, {
      ports: s.ports,
      policy: { allowPrivate: config.allowPrivate, allow: config.allow },
      connectionRate: rate,
      perHost: s.perHost,
      connectTimeoutMs: s.connectTimeoutMs,
      signal: controller.signal,
      ...(tls ? { tls } : {}),
      ...(s.shard ? { shard: s.shard } : {}),
      ...(progress
        ? {
            onProgress: (p) =>
              progress.show(
                `discover · ${p.done}/${p.total} hosts · ${p.probes} probes · ${p.services} services (${p.llm} LLM) ` +
                  `· ${((rate.granted * 1000) / (performance.now() - t0)).toFixed(0)} conn/s`,
              ),
          }
        : {}),
    });
    progress?.clear();
    if (result.stats.hosts > 0 && result.stats.refused + result.stats.unresolved === result.stats.hosts) {
      throw new UsageError(`No host of the scope could be swept. ${result.refusal ?? ''}`.trim());
    }
    const seconds = (performance.now() - t0) / 1000;
    process.stderr.write(
      `gatecrash: ${result.stats.hosts} host(s), ${result.stats.probes} port probe(s) in ` +
        `${seconds.toFixed(1)} s (${rate.granted} connections, ` +
        `${(rate.granted / Math.max(seconds, 0.001)).toFixed(0)}/s); ` +
        `${result.stats.services} HTTP service(s), ${result.stats.llm} LLM server(s).\n`,
    );
    const scans = ctx.args.values.scan && !result.partial ? await scanServices(result.services, ctx, s, rate, controller.signal) : undefined;
    if (scans) await keepScans(scans.reports, config);
    const inventory = buildInventory(GATECRASH_VERSION, {
      scope: s.scope.items,
      ports: s.ports,
      ...(s.shard ? { shard: s.shard } : {}),
      partial: result.partial,
      stats: result.stats,
      services: result.services,
      errors: result.errors,
      ...(scans ? { scans } : {}),
    });
    emit(renderInventory(inventory, s.format, { sarif: { help: ruleHelp } }), config.output);
    if (result.partial) {
      process.stderr.write('gatecrash: the sweep was cancelled; the inventory is partial.\n');
      return 2;
    }
    return scans ? batchExitCode(scans, config.failOn) : 0;
  } catch (e) {
    progress?.clear();
    if (e instanceof LocalResourceError || e instanceof InventoryFormatError) throw new UsageError(e.message);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
