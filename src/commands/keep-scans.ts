// Every CLI command that scans keeps its reports in the local scan store (src/scan-store.ts), unless --no-store or
// GATECRASH_NO_STORE: `gatecrash verify --scan-id` and the MCP tools find them in a later process.
import type { Config } from '../config.js';
import type { ScanReport } from '../engine/types.js';
import { ScanStore } from '../scan-store.js';

/** Saves the reports; a store that cannot be written costs a warning on stderr, never the command. */
export async function keepScans(reports: readonly ScanReport[], config: Pick<Config, 'store'>): Promise<void> {
  if (!config.store || reports.length === 0) return;
  const store = ScanStore.fromEnv();
  if (!store) return;
  try {
    for (const r of reports) store.save(r);
  } catch (e) {
    process.stderr.write(`gatecrash: warning: could not keep the scan in the local scan store (${store.dir}): ${(e as Error).message}\n`);
  }
}
