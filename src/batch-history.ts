// The batches of this process (scan_targets), in brief, newest 50: what `gatecrash://batches/{id}` serves, so that a
// batch's results, a cancelled one's partial results too, can be read again after the call or a reconnect. The full
// reports stay in the scan history (src/scan-runner.ts), by scan id.
import type { BatchSummary } from './report/batch-summary.js';

export interface BatchHistory {
  save(summary: BatchSummary): void;
  load(batchId: string): BatchSummary | undefined;
  /** Newest first. */
  recent(): BatchSummary[];
}

const HISTORY_SIZE = 50;

class MemoryBatchHistory implements BatchHistory {
  private readonly batches = new Map<string, BatchSummary>();

  save(summary: BatchSummary): void {
    this.batches.delete(summary.batchId);
    this.batches.set(summary.batchId, summary);
    while (this.batches.size > HISTORY_SIZE) this.batches.delete(this.batches.keys().next().value as string);
  }

  load(batchId: string): BatchSummary | undefined {
    return this.batches.get(batchId);
  }

  recent(): BatchSummary[] {
    return [...this.batches.values()].reverse();
  }
}

export const batches: BatchHistory = new MemoryBatchHistory();
