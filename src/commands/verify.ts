// gatecrash verify --report FILE | --scan-id ID [url]: re-run only the rules an earlier scan failed, on the same endpoints.
import { credentialHeaders } from '../config.js';
import { scan } from '../engine/scan.js';
import type { ScanReport } from '../engine/types.js';
import { type CommandContext, chooseFormat, emit, say } from './context.js';
import { keepScans } from './keep-scans.js';
import { readReportFile, storedScan } from './saved-scans.js';
import { UsageError } from './usage-error.js';

export async function runVerify(ctx: CommandContext): Promise<number> {
  const { args, positionals, config } = ctx;
  const { VerifyInputError, VerifyUnreachableError, formatVerifyResult, verifyExitCode, verifyFix } = await import('../verify.js');
  const report = typeof args.values.report === 'string' ? args.values.report : undefined;
  const scanId = typeof args.values['scan-id'] === 'string' ? args.values['scan-id'] : undefined;
  if (report === undefined && scanId === undefined) {
    throw new UsageError('verify needs the earlier scan: gatecrash verify --report gatecrash.json [url], or --scan-id ID (gatecrash scans lists them).');
  }
  if (report !== undefined && scanId !== undefined) throw new UsageError('Give the earlier scan once: --report FILE or --scan-id ID, not both.');
  if (positionals.length > 1) throw new UsageError(`verify takes at most one URL (where the fixed service answers now); got ${positionals.length}.`);
  const format = chooseFormat(args, ['pretty', 'json'] as const, config.output);
  const previous = report !== undefined ? readReportFile(report, args.spelt.report ?? '--report') : storedScan(scanId!, args.spelt['scan-id'] ?? '--scan-id');
  const onProgress = process.stderr.isTTY
    ? (e: { phase: string; done: number; message: string }) => process.stderr.write(`\r\x1b[2K${e.phase} · ${e.done} requests · ${e.message.slice(0, 60)}`)
    : undefined;
  const rescans: ScanReport[] = [];
  try {
    const result = await verifyFix(
      previous,
      { url: positionals[0] ?? previous.target.url, headers: credentialHeaders(config) },
      async (input, options, onExchange) => {
        const rescan = await scan(input, { ...ctx.scanOptions(), ...options }, { onExchange, ...(onProgress ? { onProgress } : {}) });
        rescans.push(rescan);
        return rescan;
      },
    );
    if (onProgress) process.stderr.write('\r\x1b[2K');
    // The re-scans are scans like any other: a later verify or the MCP tools can start from them.
    await keepScans(rescans, config);
    emit(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : `${formatVerifyResult(result)}\n`, config.output);
    const s = result.summary;
    if (config.output || format === 'json')
      say(
        `${config.output ? `wrote ${config.output} · ` : ''}${s.fixed} fixed, ${s.stillFailing} still ` +
          `failing, ${s.inconclusive} inconclusive, ${s.newFindings} new · ` +
          `${result.allFixed ? 'every finding is proven fixed' : 'not proven fixed'}`,
      );
    return verifyExitCode(result);
  } catch (e) {
    if (e instanceof VerifyInputError || e instanceof VerifyUnreachableError) throw new UsageError(e.message);
    throw e;
  }
}
