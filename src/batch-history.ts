// The scan_targets batches, in brief: this process's newest 50 in memory, and the local batch store on disk beside the
// scan store (src/scan-store.ts), so `gatecrash://batches/{id}` serves a batch's results, a cancelled one's partial
// results too, after the call, a reconnect or a restart. The full reports are in the scan store, by scan id.
import { log } from './log.js';
import type { BatchSummary } from './report/batch-summary.js';
import { currentStore } from './scan-runner.js';
import type { BatchStore } from './scan-store.js';

export interface BatchHistory {
  save(summary: BatchSummary): void;
  load(batchId: string): BatchSummary | undefined;
  /** Newest first. */
  recent(): BatchSummary[];
}

const HISTORY_SIZE = 50;

class SessionBatchHistory implements BatchHistory {
  private readonly batches = new Map<string, BatchSummary>();

  private disk(): BatchStore | undefined {
    return currentStore()?.batches();
  }

  save(summary: BatchSummary): void {
    this.batches.delete(summary.batchId);
    this.batches.set(summary.batchId, summary);
    while (this.batches.size > HISTORY_SIZE) this.batches.delete(this.batches.keys().next().value as string);
    try {
      this.disk()?.save(summary);
    } catch (e) {
      // The batch ran; only its copy on disk is missing.
      log.warn({ err: (e as Error).message }, 'could not save the batch to the local store');
    }
  }

  load(batchId: string): BatchSummary | undefined {
    return this.batches.get(batchId) ?? this.disk()?.load(batchId);
  }

  recent(): BatchSummary[] {
    const session = [...this.batches.values()].reverse();
    const stored = (this.disk()?.recent() ?? []).filter((b) => !this.batches.has(b.batchId));
    return [...session, ...stored];
  }
}

export const batches: BatchHistory = new SessionBatchHistory();
