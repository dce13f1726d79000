// gatecrash verify --report FILE [url]: re-run only the rules a saved JSON report failed, on the same endpoints.
import { readFileSync } from 'node:fs';
import * as z from 'zod/v4';
import { credentialHeaders } from '../config.js';
import { scan } from '../engine/scan.js';
import type { ScanReport } from '../engine/types.js';
import { parseScanReport } from '../report/json.js';
import { chooseFormat, emit, say, type CommandContext } from './context.js';
import { UsageError } from './usage-error.js';

/** A saved JSON report, or a sentence saying why the file is not one. */
export function readReportFile(path: string, flag: string): ScanReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: cannot read the file${code === 'ENOENT' ? ' (it does not exist)' : code ? ` (${code})` : ''}.`);
  }
  try {
    return parseScanReport(text);
  } catch (e) {
    const why = e instanceof z.ZodError || e instanceof SyntaxError ? 'it is not a Gatecrash JSON report (write one with scan --format json --output FILE)' : (e as Error).message;
    throw new UsageError(`${flag} ${path}: ${why}.`);
  }
}

export async function runVerify(ctx: CommandContext): Promise<number> {
  const { args, positionals, config } = ctx;
  const { VerifyInputError, VerifyUnreachableError, formatVerifyResult, verifyExitCode, verifyFix } = await import('../verify.js');
  if (typeof args.values.report !== 'string') throw new UsageError('verify needs the earlier scan: gatecrash verify --report gatecrash.json [url]');
  if (positionals.length > 1) throw new UsageError(`verify takes at most one URL (where the fixed service answers now); got ${positionals.length}.`);
  const format = chooseFormat(args, ['pretty', 'json'] as const, config.output);
  const previous = readReportFile(args.values.report, args.spelt.report ?? '--report');
  const onProgress = process.stderr.isTTY ? (e: { phase: string; done: number; message: string }) => process.stderr.write(`\r\x1b[2K${e.phase} · ${e.done} requests · ${e.message.slice(0, 60)}`) : undefined;
  try {
    const result = await verifyFix(
      previous,
      { url: positionals[0] ?? previous.target.url, headers: credentialHeaders(config) },
      (input, options, onExchange) => scan(input, { ...ctx.scanOptions(), ...options }, { onExchange, ...(onProgress ? { onProgress } : {}) }),
    );
    if (onProgress) process.stderr.write('\r\x1b[2K');
    emit(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${formatVerifyResult(result)}\n`, config.output);
    const s = result.summary;
    if (config.output || format === 'json') say(`${config.output ? `wrote ${config.output} · ` : ''}${s.fixed} fixed, ${s.stillFailing} still failing, ${s.inconclusive} inconclusive, ${s.newFindings} new · ${result.allFixed ? 'every finding is proven fixed' : 'not proven fixed'}`);
    return verifyExitCode(result);
  } catch (e) {
    if (e instanceof VerifyInputError || e instanceof VerifyUnreachableError) throw new UsageError(e.message);
    throw e;
  }
}
