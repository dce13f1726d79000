// What the CLI hands a command module: its parsed arguments, the shared configuration, and the CLI's own rules;
// and the small things every command does the same way (choose a format, write the output, show progress).
import { writeFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { ScanOptions } from '../engine/types.js';
import { UsageError } from './usage-error.js';

export interface CommandContext {
  positionals: string[];
  /** Every flag as parsed; `format` is the raw text (each command knows its own formats). */
  values: Record<string, unknown>;
  config: Config;
  /** The scan options the flags ask for (reads --ca's file, so only when a scan will run). */
  scanOptions: () => Partial<ScanOptions>;
  parseDuration: (text: string) => number;
}

/** The format asked for, else pretty on a terminal and JSON otherwise (as for `scan`). */
export function chooseFormat<F extends string>(asked: unknown, allowed: readonly F[], output: string | undefined): F {
  if (asked === undefined) return (process.stdout.isTTY && !output ? 'pretty' : 'json') as F;
  if (typeof asked !== 'string' || !(allowed as readonly string[]).includes(asked)) {
    throw new UsageError(`--format takes ${allowed.join(', ')} here; got '${String(asked).slice(0, 40)}'.`);
  }
  return asked as F;
}

export function emit(text: string, output: string | undefined): void {
  if (output) writeFileSync(output, text);
  else process.stdout.write(text);
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
