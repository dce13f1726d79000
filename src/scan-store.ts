// The local stores: recent scan reports and scan_targets batches on disk, so a result outlives the process that produced
// it (`verify_fix` after the MCP server restarted, `gatecrash verify --scan-id ID` after `gatecrash scan`, a batch's
// `gatecrash://batches/{id}` after a restart). Written by the faces (CLI, MCP), never by the engine. Each report is
// stored exactly as `--format json` writes it, already redacted: no credential reaches the disk.
//
// Where: $XDG_CACHE_HOME/gatecrash/{scans,batches} (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
// ~/.cache/gatecrash/…. Off with --no-store or GATECRASH_NO_STORE=1. Bounded: the newest 100 scans and 50 batches of the
// last 30 days are kept; older ones are deleted whenever one is saved. Private to the user (see json-file-store.ts).
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { ScanReport } from './engine/types.js';
import { isRecordId, JsonFileStore } from './json-file-store.js';
import { type BatchSummary, BatchSummarySchema } from './report/batch-summary.js';
import { parseScanReport, toJson } from './report/json.js';

export const STORE_MAX_SCANS = 100;
export const STORE_MAX_BATCHES = 50;
export const STORE_MAX_AGE_MS = 30 * 24 * 60 * 60_000;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/** The scan store's directory for this environment, or null when storing is turned off. */
export function scanStoreDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (truthy(env.GATECRASH_NO_STORE)) return null;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'gatecrash', 'scans');
}

export const isScanId = isRecordId;

export class ScanStore extends JsonFileStore<ScanReport> {
  constructor(dir: string, limits = { maxScans: STORE_MAX_SCANS, maxAgeMs: STORE_MAX_AGE_MS }) {
    super(dir, { noun: 'scan', idOf: (r) => r.scanId, serialize: toJson, parse: parseScanReport }, { maxRecords: limits.maxScans, maxAgeMs: limits.maxAgeMs });
  }

  /** The store this environment asks for (see scanStoreDir), or null. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ScanStore | null {
    const dir = scanStoreDir(env);
    return dir ? new ScanStore(dir) : null;
  }

  private batchStore: BatchStore | undefined;

  /** The batch store that sits beside this scan store (…/gatecrash/batches); one instance, so its parse cache lasts. */
  batches(): BatchStore {
    this.batchStore ??= new BatchStore(join(dirname(this.dir), 'batches'));
    return this.batchStore;
  }
}

/** scan_targets batches in brief (the full reports are in the scan store, by scan id). */
export class BatchStore extends JsonFileStore<BatchSummary> {
  constructor(dir: string) {
    super(
      dir,
      {
        noun: 'batch',
        idOf: (b) => b.batchId,
        serialize: (b) => `${JSON.stringify(b, null, 2)}\n`,
        parse: (text) => BatchSummarySchema.parse(JSON.parse(text)),
      },
      { maxRecords: STORE_MAX_BATCHES, maxAgeMs: STORE_MAX_AGE_MS },
    );
  }
}
