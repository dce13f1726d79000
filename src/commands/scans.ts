// gatecrash scans [--format text|json]: the scans kept in the local scan store, newest first.
import { neutralizeControls } from '../report/format.js';
import { ScanStore } from '../scan-store.js';
import type { CommandContext } from './context.js';
import { choiceFlag } from './options.js';
import { UsageError } from './usage-error.js';

export function runScans(ctx: CommandContext): number {
  if (ctx.positionals.length) throw new UsageError(`scans takes no arguments (got ${ctx.positionals[0]!.slice(0, 40)}); it lists every scan kept.`);
  const format = choiceFlag(ctx.args, 'format', ['text', 'json'] as const) ?? 'text';
  const store = ScanStore.fromEnv();
  if (!store) throw new UsageError('The local scan store is turned off (GATECRASH_NO_STORE).');
  const reports = store.recent();
  if (format === 'json') {
    const list = reports.map((r) => ({
      scanId: r.scanId,
      startedAt: r.startedAt,
      target: r.target.url,
      verdict: r.verdict.status,
      grade: r.grade,
      score: r.score,
      findings: r.findings.length,
      partial: r.partial,
    }));
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
  } else if (reports.length === 0) process.stdout.write(`No scans in ${store.dir}.\n`);
  else {
    for (const r of reports)
      process.stdout.write(
        `${r.scanId}  ${r.startedAt}  grade ${r.grade ?? '-'}  ${String(r.findings.length).padStart(2)} ` +
          `finding(s)${r.partial ? ' (partial)' : ''}  ${neutralizeControls(r.target.url)}\n`,
      );
  }
  return 0;
}
