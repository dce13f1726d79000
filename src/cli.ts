#!/usr/bin/env node
// gatecrash scan | discover | merge | checks | mcp | serve | demo | verify — arguments in, engine and server out.
// Exit codes: 0 nothing at or above --fail-on; 1 a finding at or above it; 2 usage error or unscannable target.
import './zod-jitless.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod/v4';
import { keepScans } from './commands/keep-scans.js';
import { UsageError } from './commands/usage-error.js';
import { ConfigSchema, configFromEnv, credentialHeaders, describeConfigError, type Config } from './config.js';
import { GATECRASH_VERSION } from './engine/release.js';
import { parseHeaderLine } from './engine/target.js';
import type { ScanOptions, ScanReport } from './engine/types.js';
import { ScanStore, isScanId } from './scan-store.js';
import type { ToolSettings } from './tools/define.js';

// Each command loads what it needs when it runs: `gatecrash mcp` must answer tools/list fast, before the engine, the
// renderers or the knowledge base are needed (the MCP tools load them on their first call).

const USAGE = `gatecrash ${GATECRASH_VERSION} — prove what an LLM inference endpoint gives away

Usage:
  gatecrash scan <url> [options]     scan one endpoint (read-only toward the target)
  gatecrash scan --targets FILE [--parallel N] [options]
                                     scan many endpoints, write one combined report
  gatecrash discover CIDR|HOST… [--ports LIST] [--scan] [options]
                                     find the LLM servers of a network (cheap phase only) and write an
                                     inventory (json, csv, markdown); --scan goes on to scan each one
  gatecrash merge FILE…              join JSON outputs (the shards of one run) into one report, any format
  gatecrash demo [options]           start the built-in deliberately vulnerable target and scan it
  gatecrash verify --report FILE | --scan-id ID [url] [--header …]
                                     re-run only the rules an earlier scan failed (a saved JSON report, or a
                                     scan id from the local scan store), on the same endpoints: exit 0 when
                                     every finding is proven fixed, 1 otherwise (url: where the fixed service
                                     answers now; default: the scan's target)
  gatecrash scans [--format json]    list the scans kept in the local scan store (newest first)
  gatecrash checks [--format json]   list the rule catalog
  gatecrash mcp                      serve MCP over stdio
  gatecrash serve [--host H] [--port P] [--token T] [--legacy-sse] [--allow-remote]
                                     serve MCP over Streamable HTTP at /mcp (loopback, bearer token;
                                     env GATECRASH_TOKEN; generated and printed once when absent)

Scan options:
  --format pretty|json|sarif|markdown|html   output format (default: pretty on a terminal, json otherwise);
                                        html is one self-contained page (no network) with the fixes for each finding
  --output FILE                         write the report to FILE instead of stdout
  --html FILE                           also write the HTML report to FILE, whatever --format is
  --header 'Name: value'                credential header, repeatable (values are always redacted)
  --bearer TOKEN                        shorthand for --header 'Authorization: Bearer TOKEN' (env GATECRASH_BEARER)
  --depth quick|standard|deep           how far to go (default standard)
  --budget N                            maximum requests (default 150)
  --timeout DURATION                    whole-scan deadline: 60, 60s, 1500ms, 2m (default 60s)
  --allow-private                       allow 10/8, 172.16/12, 192.168/16, fc00::/7 targets (env GATECRASH_ALLOW_PRIVATE=1)
  --allow HOST[,HOST…]                  only these hosts, IPs or CIDRs may be scanned (env GATECRASH_ALLOW)
  --hint PRODUCT                        skip fingerprinting (vllm, tgi, ollama, llamacpp, fastapi, …)
  --fail-on critical|high|medium|low|none   exit 1 when a confirmed/firm finding is at or above it (default high);
                                        an incomplete scan (no grade) exits 2 unless none
  --request 'METHOD /path [body]'       the request the inference route expects, {{prompt}} where the prompt goes,
                                        e.g. 'POST /api/ask {"question": "{{prompt}}"}' (env GATECRASH_REQUEST)
  --insecure                            scan https without verifying the certificate (env GATECRASH_INSECURE=1)
  --ca FILE                             trust the CA certificates in FILE (PEM) for https (env GATECRASH_CA)
  --no-store                            keep no copy in the local scan store (env GATECRASH_NO_STORE=1); the store is
                                        $XDG_CACHE_HOME/gatecrash/scans (else ~/.cache/…): the newest 100 of 30 days

Batch options (scan --targets):
  --targets FILE                        one URL per line (# comments), or a JSON/YAML list of URLs or { url, headers }
  --parallel N                          scans at once, 1-16 (default 4; env GATECRASH_PARALLEL)
  --shard K/N                           scan only the K-th of N shares of the targets (join with merge)
  Exit 2 when any target could not be scanned, else 1 when any report fails --fail-on, else 0.

Discover options (docs/fleet.md):
  --ports LIST                          ports to probe: 8000,11434 or 8000-8010 (default: the profiles' ports)
  --targets FILE                        scope items, one a line (# comments), besides those given as arguments
  --rate N                              new connections a second, all of them (default 200; env GATECRASH_RATE)
  --per-host N                          connections at once to one address (default 2)
  --connect-timeout DURATION            port probe connect timeout (default 2s)
  --shard K/N                           sweep only the K-th of N shares of the scope (join with merge)
  --scan                                scan every LLM server found (--parallel, --depth, --header … apply)
  --format json|csv|markdown|pretty|sarif   (sarif needs --scan)
`;


export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout takes a duration like 60, 60s, 1500ms or 2m; got '${text}'.`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

const SCAN_FLAGS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  html: { type: 'string' },
  header: { type: 'string', short: 'H', multiple: true },
  bearer: { type: 'string' },
  depth: { type: 'string' },
  budget: { type: 'string' },
  timeout: { type: 'string' },
  'allow-private': { type: 'boolean' },
  allow: { type: 'string' },
  hint: { type: 'string' },
  report: { type: 'string' },
  'scan-id': { type: 'string' },
  'no-store': { type: 'boolean' },
  'fail-on': { type: 'string' },
  targets: { type: 'string' },
  parallel: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  'legacy-sse': { type: 'boolean' },
  'allow-remote': { type: 'boolean' },
  request: { type: 'string' },
  insecure: { type: 'boolean' },
  ca: { type: 'string' },
  ports: { type: 'string' },
  rate: { type: 'string' },
  'per-host': { type: 'string' },
  'connect-timeout': { type: 'string' },
  shard: { type: 'string' },
  scan: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function configFrom(values: Record<string, unknown>): Config {
  const raw: Record<string, unknown> = { ...configFromEnv() };
  const headers: Record<string, string> = {};
  for (const line of (values.header as string[] | undefined) ?? []) {
    const [k, v] = parseHeaderLine(line);
    headers[k] = v;
  }
  raw.headers = headers;
  const map: [string, string, (v: string) => unknown][] = [
    ['format', 'format', String], ['output', 'output', String], ['html', 'html', String], ['bearer', 'bearer', String], ['depth', 'depth', String],
    ['budget', 'budget', String], ['timeout', 'timeoutMs', parseDuration], ['hint', 'hint', String], ['fail-on', 'failOn', String],
    ['host', 'host', String], ['port', 'port', String], ['token', 'token', String], ['request', 'request', String], ['ca', 'ca', String],
    ['allow', 'allow', (v) => v.split(',').map((s) => s.trim()).filter(Boolean)],
  ];
  for (const [flag, key, conv] of map) if (typeof values[flag] === 'string') raw[key] = conv(values[flag] as string);
  if (values['allow-private']) raw.allowPrivate = true;
  if (values.insecure) raw.insecure = true;
  if (values['no-store']) raw.store = false;
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(describeConfigError(parsed.error));
  return parsed.data;
}

async function render(report: ScanReport, format: NonNullable<Config['format']>, color: boolean): Promise<string> {
  switch (format) {
    case 'html': {
      // The HTML report's fixes come from the knowledge base, filled from each finding as suggest_remediation fills them.
      const [{ toHtml }, { knowledgeFixes }] = await Promise.all([import('./report/html.js'), import('./knowledge/index.js')]);
      return toHtml(report, { fixes: knowledgeFixes });
    }
    case 'json':
      return (await import('./report/json.js')).toJson(report);
    case 'sarif': {
      // Rule help in SARIF (GitHub shows it beside each alert) comes from the knowledge base.
      const [{ toSarif }, { ruleHelp }] = await Promise.all([import('./report/sarif.js'), import('./knowledge/index.js')]);
      return `${JSON.stringify(toSarif(report, { help: ruleHelp }), null, 2)}\n`;
    }
    case 'markdown':
      return (await import('./report/markdown.js')).toMarkdown(report);
    case 'pretty':
      return (await import('./report/pretty.js')).toPretty(report, { color });
  }
}

/** A saved `--format json` report, validated. */
async function readReportFile(file: string): Promise<ScanReport> {
  const { parseScanReport } = await import('./report/json.js');
  try {
    return parseScanReport(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = e instanceof z.ZodError ? 'it is not a Gatecrash JSON report (scan --format json)' : (e as Error).message;
    throw new UsageError(`Cannot read the report ${file}: ${why}.`);
  }
}

/** A scan of the local scan store, by id. */
async function storedScan(id: string): Promise<ScanReport> {
  const scanStore = ScanStore.fromEnv();
  if (!scanStore) throw new UsageError('--scan-id reads the local scan store, which is turned off (GATECRASH_NO_STORE): pass --report FILE instead.');
  const report = isScanId(id) ? scanStore.load(id) : undefined;
  if (!report) throw new UsageError(`No scan ${id.slice(0, 100)} in the local scan store (${scanStore.dir}): gatecrash scans lists the ones kept, or pass --report FILE.`);
  return report;
}

/** The scan options every command takes from the configuration (the CA file is read here, at the edge). */
function scanOptionsOf(config: Config): Partial<ScanOptions> {
  let ca: string | undefined;
  if (config.ca) {
    try {
      ca = readFileSync(config.ca, 'utf8');
    } catch (e) {
      throw new UsageError(`--ca ${config.ca}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(ca)) throw new UsageError(`--ca ${config.ca}: the file holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  }
  return {
    depth: config.depth,
    budget: config.budget,
    timeoutMs: config.timeoutMs,
    concurrency: config.concurrency,
    allowPrivate: config.allowPrivate,
    allow: config.allow,
    ...(config.hint ? { hint: config.hint } : {}),
    ...(config.request ? { request: config.request } : {}),
    ...(config.insecure || ca ? { tls: { insecure: config.insecure, ...(ca ? { ca } : {}) } } : {}),
  };
}

/** The MCP server's operator settings: fixed at start, never lifted by a tool call. */
function toolSettingsOf(config: Config): ToolSettings {
  const { tls } = scanOptionsOf(config);
  return { allowPrivate: config.allowPrivate, allow: config.allow, budget: config.budget, timeoutMs: config.timeoutMs, ...(tls ? { tls } : {}) };
}

function progressLine(): ((e: { phase: string; done: number; message: string }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (e) => process.stderr.write(`\r\x1b[2K${e.phase} · ${e.done} requests · ${e.message.slice(0, 60)}`);
}

async function runAndPrint(url: string, config: Config): Promise<number> {
  const onProgress = progressLine();
  const [{ scan }, { gateCode, gateLine }] = await Promise.all([import('./engine/scan.js'), import('./report/gate.js')]);
  const report = await scan({ url, headers: credentialHeaders(config) }, scanOptionsOf(config), onProgress ? { onProgress } : {});
  if (onProgress) process.stderr.write('\r\x1b[2K');
  await keepScans([report], config);
  const format = config.format ?? (process.stdout.isTTY && !config.output ? 'pretty' : 'json');
  const text = await render(report, format, format === 'pretty' && !config.output && Boolean(process.stdout.isTTY));
  if (config.output) writeFileSync(config.output, text);
  else process.stdout.write(text);
  if (config.html) writeFileSync(config.html, await render(report, 'html', false));
  // The reader of a file, or of a JSON pipe, still learns on stderr what happened and why the exit code is what it is.
  if (config.output || format !== 'pretty' || report.verdict.status !== 'complete') process.stderr.write(`gatecrash: ${gateLine(report, config.failOn, config.output)}\n`);
  return gateCode(report, config.failOn);
}

/** scan --targets: the batch runner and the renderers do the work; this only wires flags, signals and output. */
async function runBatchAndPrint(file: string, parallelText: string | undefined, shardText: string | undefined, config: Config): Promise<number> {
  const { DEFAULT_PARALLEL, MAX_PARALLEL, ParallelSchema, TargetsFileError, readTargetsFile, runBatch } = await import('./batch.js');
  const { parseShard, ShardError } = await import('./engine/fleet/shard.js');
  const { batchExitCode, renderBatch } = await import('./report/batch.js');
  const { gateLine } = await import('./report/gate.js');
  const { knowledgeFixes, ruleHelp } = await import('./knowledge/index.js');
  const html = { fixes: knowledgeFixes };
  const parallel = ParallelSchema.safeParse(parallelText ?? process.env.GATECRASH_PARALLEL ?? DEFAULT_PARALLEL);
  if (!parallel.success) throw new UsageError(`--parallel takes a whole number from 1 to ${MAX_PARALLEL}.`);
  let targets;
  try {
    targets = readTargetsFile(file);
  } catch (e) {
    throw e instanceof TargetsFileError ? new UsageError(e.message) : e;
  }
  let shard;
  try {
    shard = shardText === undefined ? undefined : parseShard(shardText);
  } catch (e) {
    throw e instanceof ShardError ? new UsageError(e.message) : e;
  }
  // Ctrl-C stops the running scans (their partial reports are kept) and skips the rest; the report is still written.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const batch = await runBatch(targets, {
    parallel: parallel.data,
    ...(shard ? { shard } : {}),
    defaultHeaders: credentialHeaders(config),
    signal: controller.signal,
    scanOptions: scanOptionsOf(config),
    onTargetDone: (p) => process.stderr.write(`[${p.done}/${p.total}] ${p.url} ${p.report ? gateLine(p.report, config.failOn) : `not scanned: ${p.error?.message}`}\n`),
  }).finally(() => process.off('SIGINT', onSigint));
  await keepScans(batch.reports, config);
  const format = config.format ?? (process.stdout.isTTY && !config.output ? 'pretty' : 'json');
  const text = renderBatch(batch, format, { color: format === 'pretty' && !config.output && Boolean(process.stdout.isTTY), sarif: { help: ruleHelp }, html });
  if (config.output) writeFileSync(config.output, text);
  else process.stdout.write(text);
  if (config.html) writeFileSync(config.html, renderBatch(batch, 'html', { color: false, html }));
  if (batch.errors.length) process.stderr.write(`gatecrash: ${batch.errors.length} of ${batch.reports.length + batch.errors.length} target(s) could not be scanned.\n`);
  return batchExitCode(batch, config.failOn);
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${GATECRASH_VERSION}\n`);
    return 0;
  }
  const { values, positionals } = parseArgs({ args: rest, options: SCAN_FLAGS, allowPositionals: true, strict: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // discover and merge have formats of their own (csv); they check --format themselves.
  const ownFormats = command === 'discover' || command === 'merge';
  const config = configFrom(ownFormats ? { ...values, format: undefined } : values);
  if (values.html !== undefined && command !== 'scan' && command !== 'demo') throw new UsageError('--html applies to scan (and demo): gatecrash scan URL --html report.html');
  switch (command) {
    case 'discover':
    case 'merge': {
      const ctx = { positionals, values, config, scanOptions: () => scanOptionsOf(config), parseDuration };
      return command === 'discover' ? (await import('./commands/discover.js')).runDiscover(ctx) : (await import('./commands/merge.js')).runMerge(ctx);
    }
    case 'scan': {
      if (values.targets !== undefined) {
        if (positionals.length) throw new UsageError('Give either a URL or --targets FILE, not both.');
        return runBatchAndPrint(values.targets, values.parallel, values.shard, config);
      }
      if (values.parallel !== undefined) throw new UsageError('--parallel only applies to a batch: gatecrash scan --targets FILE --parallel N.');
      if (values.shard !== undefined) throw new UsageError('--shard only applies to a batch: gatecrash scan --targets FILE --shard K/N.');
      const url = positionals[0];
      if (!url) throw new UsageError('scan needs a URL, e.g. gatecrash scan http://127.0.0.1:8000/generate');
      return runAndPrint(url, config);
    }
    case 'demo': {
      const { startDemoTarget } = await import('./demo/target.js');
      const demo = await startDemoTarget();
      process.stderr.write(`Started the built-in DEMO target (deliberately vulnerable) at ${demo.url}\n`);
      try {
        const code = await runAndPrint(demo.url, { ...config, format: config.format ?? 'pretty' });
        // The demo is meant to find something; its exit code says whether the scan worked.
        return code === 2 ? 2 : 0;
      } finally {
        await demo.close();
      }
    }
    case 'verify': {
      // Same judgement as the MCP tool (src/verify.ts); the earlier scan is a saved JSON report or a stored scan id.
      const { VerifyInputError, VerifyUnreachableError, formatVerifyResult, verifyExitCode, verifyFix } = await import('./verify.js');
      if (!values.report === !values['scan-id']) throw new UsageError('verify needs the earlier scan: gatecrash verify --report gatecrash.json [url], or --scan-id ID (gatecrash scans lists them).');
      if (positionals.length > 1) throw new UsageError('verify takes at most one URL (where the fixed service answers now).');
      if (config.format && config.format !== 'json' && config.format !== 'pretty') throw new UsageError('verify writes --format pretty or json.');
      const previous = values.report ? await readReportFile(values.report) : await storedScan(values['scan-id'] as string);
      const onProgress = progressLine();
      const { scan } = await import('./engine/scan.js');
      const rescans: ScanReport[] = [];
      try {
        const result = await verifyFix(
          previous,
          { url: positionals[0] ?? previous.target.url, headers: credentialHeaders(config) },
          async (input, options, onExchange) => {
            const report = await scan(input, { ...scanOptionsOf(config), ...options }, { onExchange, ...(onProgress ? { onProgress } : {}) });
            rescans.push(report);
            return report;
          },
        );
        if (onProgress) process.stderr.write('\r\x1b[2K');
        await keepScans(rescans, config);
        const text = config.format === 'json' || (!config.format && (config.output || !process.stdout.isTTY)) ? `${JSON.stringify(result, null, 2)}\n` : `${formatVerifyResult(result)}\n`;
        if (config.output) writeFileSync(config.output, text);
        else process.stdout.write(text);
        return verifyExitCode(result);
      } catch (e) {
        if (e instanceof VerifyInputError || e instanceof VerifyUnreachableError) throw new UsageError(e.message);
        throw e;
      }
    }
    case 'scans': {
      const scanStore = ScanStore.fromEnv();
      if (!scanStore) throw new UsageError('The local scan store is turned off (GATECRASH_NO_STORE).');
      const reports = scanStore.recent();
      if (config.format === 'json') {
        const list = reports.map((r) => ({ scanId: r.scanId, startedAt: r.startedAt, target: r.target.url, verdict: r.verdict.status, grade: r.grade, score: r.score, findings: r.findings.length, partial: r.partial }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      } else if (reports.length === 0) process.stdout.write(`No scans in ${scanStore.dir}.\n`);
      else {
        const { neutralizeControls } = await import('./report/format.js');
        for (const r of reports) process.stdout.write(`${r.scanId}  ${r.startedAt}  grade ${r.grade ?? '-'}  ${String(r.findings.length).padStart(2)} finding(s)${r.partial ? ' (partial)' : ''}  ${neutralizeControls(r.target.url)}\n`);
      }
      return 0;
    }
    case 'checks': {
      const rules = Object.values((await import('./engine/rules.js')).RULES);
      if (config.format === 'json') process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
      else for (const r of rules) process.stdout.write(`${r.id.padEnd(28)} ${r.severity.padEnd(9)} ${r.depth.padEnd(9)} ${r.title}\n`);
      return 0;
    }
    case 'mcp': {
      const [{ serveStdio }, { createServer, useScanStore }] = await Promise.all([import('@modelcontextprotocol/server/stdio'), import('./server.js')]);
      if (!config.store) useScanStore(null);
      serveStdio(() => createServer({ settings: toolSettingsOf(config) }));
      return new Promise<number>(() => undefined); // serves until stdin closes
    }
    case 'serve': {
      const { serveHttp, ServeError } = await import('./transport/http.js');
      if (!config.store) (await import('./server.js')).useScanStore(null);
      const { LegacySseUnavailable } = await import('./transport/legacy-sse.js');
      try {
        const running = await serveHttp(config, { legacySse: Boolean(values['legacy-sse']), allowRemote: Boolean(values['allow-remote']), settings: toolSettingsOf(config) });
        const stop = () => void running.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } catch (e) {
        if (e instanceof ServeError || e instanceof LegacySseUnavailable) throw new UsageError(e.message);
        throw e;
      }
      return new Promise<number>(() => undefined); // serves until a signal
    }
    default:
      throw new UsageError(`Unknown command '${command}'. Run gatecrash --help.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // The engine's input errors, by name: their modules load only with a scan.
    const known = e instanceof UsageError || e instanceof z.ZodError || ['TargetError', 'GuardError'].includes((e as Error).name) || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`gatecrash: ${known ? (e as Error).message : `unexpected error: ${(e as Error).message}`}\n`);
    process.exitCode = 2;
  },
);
