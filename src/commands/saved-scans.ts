// The earlier scan a command works on: a saved JSON report (--report FILE) or a scan of the local scan store (--scan-id
// ID, or the scan that holds a finding id). Light: the report parser and the store, no engine.
import { readFileSync } from 'node:fs';
import * as z from 'zod/v4';
import type { Finding, ScanReport } from '../engine/types.js';
import { parseScanReport } from '../report/json.js';
import { isScanId, ScanStore } from '../scan-store.js';
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
    const why =
      e instanceof z.ZodError || e instanceof SyntaxError
        ? 'it is not a Gatecrash JSON report (write one with scan --format json --output FILE)'
        : (e as Error).message;
    throw new UsageError(`${flag} ${path}: ${why}.`);
  }
}

/** The local scan store, or a sentence saying that it is turned off and what to pass instead. */
function localScanStore(flag: string): ScanStore {
  const store = ScanStore.fromEnv();
  if (!store) throw new UsageError(`${flag} reads the local scan store, which is turned off (GATECRASH_NO_STORE): pass --report FILE instead.`);
  return store;
}

/** A scan of the local scan store, by id. */
export function storedScan(id: string, flag: string): ScanReport {
  const store = localScanStore(flag);
  const report = isScanId(id) ? store.load(id) : undefined;
  if (!report)
    throw new UsageError(`No scan ${id.slice(0, 100)} in the local scan store (${store.dir}): gatecrash scans lists the ones kept, or pass --report FILE.`);
  return report;
}

/** The newest stored scan holding a finding with this id (ids are case-insensitive hex), or undefined. */
export function storedFinding(id: string, store: ScanStore): { report: ScanReport; finding: Finding } | undefined {
  const wanted = id.toLowerCase();
  for (const report of store.recent()) {
    const finding = report.findings.find((f) => f.id.toLowerCase() === wanted);
    if (finding) return { report, finding };
  }
  return undefined;
}
