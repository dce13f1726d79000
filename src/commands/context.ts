// What the CLI hands a command module: its parsed arguments and the shared configuration; and the small things every
// command does the same way (choose a format, read the CA file, write the output, show progress, say what happened).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { ScanOptions } from '../engine/types.js';
import type { ToolSettings } from '../tools/define.js';
import type { Command, ParsedArgs } from './flags.js';
import { choiceFlag } from './options.js';
import { UsageError } from './usage-error.js';

export interface CommandContext {
  command: Command;
  /** The flags and positionals as parsed (values are raw text; each command reads its own with options.ts). */
  args: ParsedArgs;
  positionals: string[];
  config: Config;
  /** The scan options the flags ask for (reads --ca's file, so only when a scan will run). */
  scanOptions: () => Partial<ScanOptions>;
}

/** The format asked for (one of the command's own), else pretty on a terminal and JSON otherwise. */
export function chooseFormat<F extends string>(args: ParsedArgs, allowed: readonly F[], output: string | undefined): F {
  const asked = choiceFlag(args, 'format', allowed);
  if (asked) return asked;
  const fallback = (process.stdout.isTTY && !output ? 'pretty' : 'json') as F;
  return allowed.includes(fallback) ? fallback : allowed[0]!;
}

/**
 * The report goes to --output (or the file of another flag, --html) or stdout; a file that cannot be written is a
 * sentence, not a stack trace.
 */
export function emit(text: string, output: string | undefined, flag = '--output'): void {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${output}: cannot write the file${code === 'ENOENT' ? ' (its folder does not exist)' : code ? ` (${code})` : ''}.`);
  }
}

/** One line on stderr, prefixed like every other message of the CLI. */
export function say(line: string): void {
  process.stderr.write(`gatecrash: ${line}\n`);
}

/** The scan options every scanning command takes from the configuration (the CA file is read here, at the edge). */
export function scanOptionsOf(config: Config): Partial<ScanOptions> {
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
export function toolSettingsOf(config: Config): ToolSettings {
  const { tls } = scanOptionsOf(config);
  return { allowPrivate: config.allowPrivate, allow: config.allow, budget: config.budget, timeoutMs: config.timeoutMs, ...(tls ? { tls } : {}) };
}

/** A progress line on stderr, redrawn at most five times a second, when stderr is a terminal; undefined otherwise. */
export function progressLine(): { show: (text: string) => void; clear: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return {
    show: (text) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r\x1b[2K${text.slice(0, (process.stderr.columns || 100) - 1)}`);
    },
    clear: () => process.stderr.write('\r\x1b[2K'),
  };
}
