// gatecrash scan --targets FILE: read a list of endpoints, scan them with bounded concurrency, gather one BatchReport.
// It composes engine scans and knows nothing about probing; a target that cannot be scanned becomes an error entry.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod/v4';
import { DEFAULT_PARALLEL, MAX_PARALLEL } from './batch-limits.js';
import { inShard, type Shard } from './engine/fleet/shard.js';
import { GuardError } from './engine/http/guard.js';
import { Redactor, secretsFromCredentials } from './engine/http/redact.js';
import { scan } from './engine/scan.js';
import { checkHeader, TargetError } from './engine/target.js';
import type { ScanOptions, ScanReport } from './engine/types.js';
import type { BatchError, BatchReport } from './report/batch.js';

/** A problem with the targets file itself (unreadable, malformed): a usage error, the batch does not start. */
export class TargetsFileError extends Error {
  override readonly name = 'TargetsFileError';
}

export interface BatchTarget {
  url: string;
  /** Credential headers for this target only; redacted everywhere like --header values. */
  headers?: Record<string, string>;
  /** The code that serves this endpoint, FILE[:LINE] of the repository: where SARIF attaches its results (like --source). */
  source?: string;
}

export { DEFAULT_PARALLEL, MAX_PARALLEL };
/** Generous for CI inventories, small enough that a mistaken file (a log, a dump) is refused rather than scanned. */
export const MAX_TARGETS = 1000;
const MAX_FILE_BYTES = 1024 * 1024;

export const ParallelSchema = z.coerce.number().int().min(1).max(MAX_PARALLEL);

const HeaderValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const EntrySchema = z.union([
  z.string().min(1),
  z.strictObject({ url: z.string().min(1), headers: z.record(z.string().min(1), HeaderValue).optional(), source: z.string().min(1).optional() }),
]);
const ListSchema = z.array(EntrySchema);

/** The first line that is neither blank nor a comment: what the file's format is sniffed from. */
function firstMeaningfulLine(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t && !t.startsWith('#') && !t.startsWith('//')) return t;
  }
  return '';
}

/** One URL per line; `#` starts a comment at the start of a line or after whitespace (a `#` inside a URL is a fragment). */
function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [index, ...rest] = issue.path;
  const where = typeof index === 'number' ? `entry ${index + 1}` : 'the list';
  const field = rest.length ? ` (${rest.join('.')})` : '';
  if (issue.code === 'invalid_union') return `${where}${field} must be a URL string or an object { url, headers?, source? }`;
  return `${where}${field}: ${issue.message}`;
}

/**
 * The yaml library's error as one sentence: "… at line 3, column 15:" followed by a snippet becomes "The targets file
 * fleet.yaml is not valid YAML at line 3, column 15: nested mappings are not allowed in compact mappings."
 */
function yamlProblem(e: unknown, fileName: string): string {
  const first = ((e as Error).message ?? '').split('\n')[0]!.replace(/:\s*$/, '');
  const m = /^(.*?) at line (\d+), column (\d+)$/.exec(first);
  const what = (m?.[1] ?? first).trim().replace(/\.$/, '');
  const where = m ? ` at line ${m[2]}, column ${m[3]}` : '';
  return `The targets file${fileName ? ` ${fileName}` : ''} is not valid YAML${where}: ${what.charAt(0).toLowerCase()}${what.slice(1)}.`;
}

/** `${NAME}` in a header value reads the environment, so a committed targets file need not hold secrets. */
function expandEnv(value: string, where: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new TargetsFileError(`${where} refers to \${${name}}, which is not set in the environment.`);
    // An empty secret (say, one a fork's pull request cannot read) would scan with an empty key: not what was meant.
    if (v === '') throw new TargetsFileError(`${where} refers to \${${name}}, which is empty.`);
    return v;
  });
}

/**
 * Parses a targets file: one URL per line (`#` comments), or a JSON or YAML list whose entries are URLs or
 * `{ url, headers? }` (a top-level `{ targets: [...] }` works too). The format comes from the extension
 * (.json, .yaml, .yml), else from the first meaningful line. Header values may use `${ENV_VAR}`.
 */
export function parseTargets(text: string, fileName = '', env: NodeJS.ProcessEnv = process.env): BatchTarget[] {
  const ext = extname(fileName).toLowerCase();
  const first = firstMeaningfulLine(text);
  let raw: unknown;
  if (ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && /^[[{]/.test(first))) {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new TargetsFileError(`The targets file is not valid JSON: ${(e as Error).message}.`);
    }
  } else if (ext === '.yaml' || ext === '.yml' || /^-(\s|$)/.test(first) || /^targets\s*:/.test(first)) {
    try {
      raw = parseYaml(text);
    } catch (e) {
      throw new TargetsFileError(yamlProblem(e, fileName));
    }
  } else {
    raw = parseLines(text);
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'targets' in raw) raw = (raw as { targets: unknown }).targets;
  if (!Array.isArray(raw))
    throw new TargetsFileError('The targets file must hold a list: one URL per line, or a JSON/YAML list of URLs or { url, headers } objects.');
  const parsed = ListSchema.safeParse(raw);
  if (!parsed.success) throw new TargetsFileError(`The targets file is malformed: ${parsed.error.issues.slice(0, 3).map(describeIssue).join('; ')}.`);
  if (parsed.data.length === 0) throw new TargetsFileError('The targets file lists no targets.');
  if (parsed.data.length > MAX_TARGETS)
    throw new TargetsFileError(`The targets file lists ${parsed.data.length} targets; at most ${MAX_TARGETS} are scanned in one batch. Split the file.`);
  return parsed.data.map((entry, i) => {
    if (typeof entry === 'string') return { url: entry.trim() };
    const source = entry.source ? { source: entry.source.trim() } : {};
    if (!entry.headers) return { url: entry.url.trim(), ...source };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(entry.headers)) {
      const where = `entry ${i + 1} (header ${name.slice(0, 60)})`;
      try {
        const [n, v] = checkHeader(name, expandEnv(value, where, env));
        headers[n] = v;
      } catch (e) {
        if (e instanceof TargetsFileError) throw e;
        throw new TargetsFileError(`entry ${i + 1}: ${(e as Error).message}`);
      }
    }
    return { url: entry.url.trim(), headers, ...source };
  });
}

export function readTargetsFile(path: string, env: NodeJS.ProcessEnv = process.env): BatchTarget[] {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new TargetsFileError(`The targets file ${path} is larger than 1 MiB.`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof TargetsFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TargetsFileError(`Cannot read the targets file ${path}${code === 'ENOENT' ? ': it does not exist' : code ? ` (${code})` : ''}.`);
  }
  return parseTargets(text, path, env);
}

/** Header names are case-insensitive: a target's own header replaces a default of the same name. */
export function mergeHeaders(defaults: Record<string, string>, own: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const ownNames = new Set(Object.keys(own ?? {}).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(defaults)) if (!ownNames.has(k.toLowerCase())) out[k] = v;
  return { ...out, ...own };
}

export interface BatchProgress {
  index: number;
  url: string;
  report?: ScanReport;
  error?: BatchError;
  done: number;
  total: number;
}

export interface BatchRunOptions {
  /** Scans at once (default 4). Each scan keeps its own per-host concurrency, budget and deadline. */
  parallel?: number;
  scanOptions?: Partial<ScanOptions>;
  /** Sent to every target (--header, --bearer); a target's own headers win. */
  defaultHeaders?: Record<string, string>;
  /** Cancels running scans (their partial reports are kept) and marks targets not yet started as not scanned. */
  signal?: AbortSignal;
  onTargetDone?: (progress: BatchProgress) => void;
  /** The engine's scan; replaceable in tests. */
  scanFn?: typeof scan;
  /** Scan only this share of the targets (`--shard K/N`): those whose place in the list is K-1 modulo N. */
  shard?: Shard;
}

type Outcome = { report: ScanReport } | { error: BatchError };

async function scanOne(target: BatchTarget, options: BatchRunOptions): Promise<Outcome> {
  const headers = mergeHeaders(options.defaultHeaders ?? {}, target.headers);
  // Messages can quote what the user typed; the credentials of this target never come out of them.
  const redactor = new Redactor(secretsFromCredentials(headers));
  const url = redactor.redact(target.url);
  if (options.signal?.aborted) return { error: { url, message: 'Not scanned: the batch was cancelled before this target started.' } };
  try {
    const report = await (options.scanFn ?? scan)({ url: target.url, headers }, options.scanOptions ?? {}, options.signal ? { signal: options.signal } : {});
    const unreachable = report.errors.find((e) => e.phase === 'reach');
    if (unreachable) return { error: { url, message: redactor.redact(unreachable.message) } };
    return { report };
  } catch (e) {
    // Cancelled while it waited for its turn (a caller's scan limit): it never started.
    if (options.signal?.aborted) return { error: { url, message: 'Not scanned: the batch was cancelled before this target started.' } };
    const known = e instanceof TargetError || e instanceof GuardError;
    const message = redactor.redact((e as Error).message ?? String(e));
    return { error: { url, message: known ? message : `Unexpected error: ${message}` } };
  }
}

/** SHA-256 of the target URLs in order: what tells the shards of one targets list from those of another. */
export function targetsDigest(targets: readonly BatchTarget[]): string {
  return createHash('sha256')
    .update(targets.map((t) => t.url).join('\n'))
    .digest('hex');
}

/**
 * Scans every target (or the shard's share of them), at most `parallel` at once, and returns one report; never throws
 * for a target's failure. A shard's report records where each of its entries sits in the list, for `gatecrash merge`.
 */
export async function runBatch(targets: readonly BatchTarget[], options: BatchRunOptions = {}): Promise<BatchReport> {
  const parallel = ParallelSchema.parse(options.parallel ?? DEFAULT_PARALLEL);
  const chosen = targets.map((target, position) => ({ target, position })).filter(({ position }) => inShard(position, options.shard));
  const outcomes: Outcome[] = new Array(chosen.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length) {
      const index = next++;
      const { target, position } = chosen[index]!;
      const outcome = await scanOne(target, options);
      outcomes[index] = outcome;
      done += 1;
      options.onTargetDone?.({
        index: position,
        url: 'report' in outcome ? outcome.report.target.url : outcome.error.url,
        ...outcome,
        done,
        total: chosen.length,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chosen.length) }, worker));
  const reports: ScanReport[] = [];
  const errors: BatchError[] = [];
  const positions = { reports: [] as number[], errors: [] as number[] };
  outcomes.forEach((o, i) => {
    if ('report' in o) {
      reports.push(o.report);
      positions.reports.push(chosen[i]!.position);
    } else {
      errors.push(o.error);
      positions.errors.push(chosen[i]!.position);
    }
  });
  if (!options.shard) return { schemaVersion: 1, reports, errors };
  return { schemaVersion: 1, reports, errors, shard: { ...options.shard, targets: targets.length, digest: targetsDigest(targets), positions } };
}
