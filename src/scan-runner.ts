// Process-wide scan state shared by every MCP server instance (the HTTP handler builds one per request):
// the global concurrency limit and the session's scan history.
import { scan, type ScanHooks, type ScanInput } from './engine/scan.js';
import { Semaphore } from './engine/http/limits.js';
import type { ScanOptions, ScanReport } from './engine/types.js';

const MAX_CONCURRENT_SCANS = Number(process.env.GATECRASH_MAX_SCANS ?? 4);
const HISTORY_SIZE = 50;

const scans = new Semaphore(Math.max(1, MAX_CONCURRENT_SCANS));
const history = new Map<string, ScanReport>();

/** Runs a scan under the global limit and keeps its report (newest 50). */
export async function runScan(input: ScanInput, options: Partial<ScanOptions>, hooks: ScanHooks = {}): Promise<ScanReport> {
  const release = await scans.acquire(hooks.signal);
  try {
    const report = await scan(input, options, hooks);
    remember(report);
    return report;
  } finally {
    release();
  }
}

export function remember(report: ScanReport): void {
  history.set(report.scanId, report);
  while (history.size > HISTORY_SIZE) history.delete(history.keys().next().value as string);
}

export function scanById(id: string): ScanReport | undefined {
  return history.get(id);
}

/** Newest first. */
export function recentScans(): ScanReport[] {
  return [...history.values()].reverse();
}
