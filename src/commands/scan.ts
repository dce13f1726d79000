// gatecrash scan URL | scan --targets FILE | demo: run the engine, render the report, say on stderr what happened.
import { credentialHeaders } from '../config.js';
import { scan } from '../engine/scan.js';
import type { ScanReport } from '../engine/types.js';
import { batchGateLine, gateCode, gateLine } from '../report/gate.js';
import { type ReportFormat, renderReport } from '../report/render.js';
import { type CommandContext, chooseFormat, emit, say } from './context.js';
import { reportFaces } from './faces.js';
import { keepScans } from './keep-scans.js';
import { numberFlag } from './options.js';
import { UsageError } from './usage-error.js';

const FORMATS: readonly ReportFormat[] = ['pretty', 'json', 'sarif', 'markdown', 'html'];

function progressHook(): ((e: { phase: string; done: number; message: string }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (e) => process.stderr.write(`\r\x1b[2K${e.phase} · ${e.done} requests · ${e.message.slice(0, 60)}`);
}

/** One scan: the report in the chosen format, to --output or stdout, and one line on stderr whenever stdout is not the whole story. */
export async function scanAndReport(ctx: CommandContext, url: string, defaultFormat?: ReportFormat): Promise<number> {
  const { config } = ctx;
  const format = ctx.args.values.format === undefined && defaultFormat ? defaultFormat : chooseFormat(ctx.args, FORMATS, config.output);
  const faces = reportFaces(ctx, format);
  const onProgress = progressHook();
  const raw = await scan({ url, headers: credentialHeaders(config) }, ctx.scanOptions(), onProgress ? { onProgress } : {});
  if (onProgress) process.stderr.write('\r\x1b[2K');
  const report: ScanReport = faces.withFixes(raw);
  // The store keeps the report as --format json writes it, fixes included (gatecrash fix and verify read it back).
  await keepScans([report], config);
  const options = faces.render(format === 'pretty' && !config.output && Boolean(process.stdout.isTTY));
  emit(renderReport(report, format, options), config.output);
  if (config.html) emit(renderReport(report, 'html', options), config.html, ctx.args.spelt.html);
  // The reader of a file, or of a JSON pipe, still learns on stderr what happened and why the exit code is what it is.
  if (config.output || format !== 'pretty' || report.verdict.status !== 'complete') say(gateLine(report, config.failOn, config.output));
  return gateCode(report, config.failOn);
}

/** scan --targets: the batch runner and the renderers do the work; this wires flags, signals and output. */
async function scanBatch(ctx: CommandContext, file: string): Promise<number> {
  const { config, args } = ctx;
  const { DEFAULT_PARALLEL, MAX_PARALLEL, TargetsFileError, readTargetsFile, runBatch } = await import('../batch.js');
  const { parseShard, ShardError } = await import('../engine/fleet/shard.js');
  const { batchExitCode, renderBatch } = await import('../report/batch.js');
  const parallel = numberFlag(args, 'parallel', 'GATECRASH_PARALLEL', 1, MAX_PARALLEL, 'scans at once') ?? DEFAULT_PARALLEL;
  const format = chooseFormat(args, FORMATS, config.output);
  let targets: ReturnType<typeof readTargetsFile>;
  let shard: ReturnType<typeof parseShard> | undefined;
  try {
    targets = readTargetsFile(file);
    shard = typeof args.values.shard === 'string' ? parseShard(args.values.shard) : undefined;
  } catch (e) {
    if (e instanceof TargetsFileError || e instanceof ShardError) throw new UsageError(e.message);
    throw e;
  }
  const faces = reportFaces(ctx, format, targets);
  // Ctrl-C stops the running scans (their partial reports are kept) and skips the rest; the report is still written.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const raw = await runBatch(targets, {
    parallel,
    ...(shard ? { shard } : {}),
    defaultHeaders: credentialHeaders(config),
    signal: controller.signal,
    scanOptions: ctx.scanOptions(),
    onTargetDone: (p) =>
      process.stderr.write(`[${p.done}/${p.total}] ${p.url} ${p.report ? gateLine(p.report, config.failOn) : `not scanned: ${p.error?.message}`}\n`),
  }).finally(() => process.off('SIGINT', onSigint));
  const batch = { ...raw, reports: raw.reports.map(faces.withFixes) };
  await keepScans(batch.reports, config);
  const options = faces.render(format === 'pretty' && !config.output && Boolean(process.stdout.isTTY));
  emit(renderBatch(batch, format, options), config.output);
  if (config.html) emit(renderBatch(batch, 'html', options), config.html, ctx.args.spelt.html);
  say(batchGateLine(batch, config.failOn, config.output));
  return batchExitCode(batch, config.failOn);
}

export async function runScan(ctx: CommandContext): Promise<number> {
  const { args, positionals } = ctx;
  if (typeof args.values.targets === 'string') {
    if (positionals.length) throw new UsageError(`Give either a URL or --targets FILE, not both (got the URL ${positionals[0]!.slice(0, 80)} too).`);
    return scanBatch(ctx, args.values.targets);
  }
  if (args.values.parallel !== undefined) throw new UsageError('--parallel only applies to a batch: gatecrash scan --targets FILE --parallel N.');
  if (args.values.shard !== undefined) throw new UsageError('--shard only applies to a batch: gatecrash scan --targets FILE --shard K/N.');
  const url = positionals[0];
  if (!url) throw new UsageError('scan needs a URL, e.g. gatecrash scan http://127.0.0.1:8000/generate');
  if (positionals.length > 1)
    throw new UsageError(`scan takes one URL; for several, list them in a file and pass --targets FILE (got ${positionals.length} arguments).`);
  return scanAndReport(ctx, url);
}

export async function runDemo(ctx: CommandContext): Promise<number> {
  const { startDemoTarget } = await import('../demo/target.js');
  const demo = await startDemoTarget();
  say(`started the built-in DEMO target (deliberately vulnerable) at ${demo.url}`);
  try {
    const code = await scanAndReport(ctx, demo.url, 'pretty');
    // The demo is meant to find something; its exit code says whether the scan worked.
    return code === 2 ? 2 : 0;
  } finally {
    await demo.close();
  }
}
