// Process-wide scan state shared by every MCP server instance (the HTTP handler builds one per request): the global
// concurrency limit, the session's scans (newest 50, in memory) and the local scan store on disk (src/scan-store.ts),
// so a scan id or finding id from an earlier process still resolves.

import { Semaphore } from './engine/http/limits.js';
import type { ScanHooks, ScanInput } from './engine/scan.js';
import type { Finding, ScanOptions, ScanReport } from './engine/types.js';
import { log } from './log.js';
import { ScanStore } from './scan-store.js';

const MAX_CONCURRENT_SCANS = Number(process.env.GATECRASH_MAX_SCANS ?? 4);
const HISTORY_SIZE = 50;

const scans = new Semaphore(Math.max(1, MAX_CONCURRENT_SCANS));
const history = new Map<string, ScanReport>();
/** undefined until first needed: then the store the environment asks for (XDG cache, or none with GATECRASH_NO_STORE). */
let store: ScanStore | null | undefined;

/** The store to use instead of the environment's (null: keep scans in memory only, as `--no-store` asks). */
export function useScanStore(next: ScanStore | null): void {
  store = next;
}

/** The local scan store in use (null: --no-store). */
export function currentStore(): ScanStore | null {
  if (store === undefined) store = ScanStore.fromEnv();
  return store;
}

/** Runs a scan under the global limit and keeps its report (the session's newest 50, and the local store). */
export async function runScan(input: ScanInput, options: Partial<ScanOptions>, hooks: ScanHooks = {}): Promise<ScanReport> {
  const release = await scans.acquire(hooks.signal);
  try {
    // The engine and the knowledge base are loaded by the first scan, not by a server start that may only list tools.
    const [{ scan }, { suggestRemediationCommand, withStackFixes }] = await Promise.all([import('./engine/scan.js'), import('./knowledge/index.js')]);
    // The full report (the scan resource, the local store) carries each finding's fix for the identified stack, as the
    // CLI's reports do, pointing at suggest_remediation for the code.
    const report = withStackFixes(await scan(input, options, hooks), suggestRemediationCommand);
    remember(report);
    return report;
  } finally {
    release();
  }
}

export function remember(report: ScanReport): void {
  history.set(report.scanId, report);
  while (history.size > HISTORY_SIZE) history.delete(history.keys().next().value as string);
  try {
    currentStore()?.save(report);
  } catch (e) {
    // The scan itself succeeded; only its copy on disk is missing.
    log.warn({ err: (e as Error).message }, 'could not save the scan to the local scan store');
  }
}

/** A scan of this session, else of the local store. */
export function scanById(id: string): ScanReport | undefined {
  return history.get(id) ?? currentStore()?.load(id);
}

/** Newest first: this session's scans, then the stored ones from earlier processes. */
export function recentScans(): ScanReport[] {
  const session = [...history.values()].reverse();
  const stored = (currentStore()?.recent() ?? []).filter((r) => !history.has(r.scanId));
  return [...session, ...stored];
}

/** The newest scan holding a finding with this id, and the finding. */
export function findingById(id: string): { report: ScanReport; finding: Finding } | undefined {
  for (const report of recentScans()) {
    const finding = report.findings.find((f) => f.id === id);
    if (finding) return { report, finding };
  }
  return undefined;
}
