// gatecrash merge: shards of one run (or separate runs) joined into one batch report or one inventory. Pure.
// Shards of one run come back as exactly what a single run writes: the order is rebuilt (a batch's from each entry's
// place in the targets file, an inventory's from the one service order), the counts are summed, the shard marks dropped.
import { compareServices } from '../engine/fleet/order.js';
import type { ScanReport } from '../engine/types.js';
import type { BatchError, BatchReport } from './batch.js';
import { buildInventory, type Inventory } from './inventory.js';

export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** Checks that the shards are 1..N of one N, each once, and names what is missing or twice. */
function checkShardSet(shards: { index: number; count: number }[], what: string): void {
  const counts = new Set(shards.map((s) => s.count));
  if (counts.size > 1)
    throw new MergeError(`These ${what} come from splits into different numbers of shards (${[...counts].sort((a, b) => a - b).join(', ')}).`);
  const n = shards[0]!.count;
  const seen = new Map<number, number>();
  for (const s of shards) seen.set(s.index, (seen.get(s.index) ?? 0) + 1);
  const twice = [...seen].filter(([, c]) => c > 1).map(([i]) => `${i}/${n}`);
  if (twice.length) throw new MergeError(`Shard ${twice.join(', ')} is given more than once.`);
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) {
    const list =
      missing.length > 8
        ? `${missing
            .slice(0, 8)
            .map((i) => `${i}/${n}`)
            .join(', ')} and ${missing.length - 8} more`
        : missing.map((i) => `${i}/${n}`).join(', ');
    throw new MergeError(`Shard ${list} is missing: a merge without every shard would not be the whole run.`);
  }
}

/**
 * Batch reports (or single scan reports) as one batch. Shards of one `scan --targets --shard K/N` run are put back in
 * the order of the targets file; anything else is concatenated in the order given. Mixing the two is refused.
 */
export function mergeBatches(inputs: readonly (BatchReport | ScanReport)[]): BatchReport {
  const batches: BatchReport[] = inputs.map((b) => ('reports' in b ? b : { schemaVersion: 1, reports: [b], errors: [] }));
  const sharded = batches.filter((b) => b.shard);
  if (sharded.length === 0) return { schemaVersion: 1, reports: batches.flatMap((b) => b.reports), errors: batches.flatMap((b) => b.errors) };
  if (sharded.length !== batches.length)
    throw new MergeError('Some inputs are shards of a batch and others are not: merge the shards of one run on their own.');
  const shards = sharded.map((b) => b.shard!);
  if (new Set(shards.map((s) => `${s.digest}:${s.targets}`)).size > 1)
    throw new MergeError('These shards come from different targets files: only the shards of one run can be merged.');
  checkShardSet(shards, 'batch shards');
  type Placed = { at: number; report?: ScanReport; error?: BatchError };
  const placed: Placed[] = [];
  for (const b of batches) {
    const { positions } = b.shard!;
    if (positions.reports.length !== b.reports.length || positions.errors.length !== b.errors.length) {
      throw new MergeError(
        `Shard ${b.shard!.index}/${b.shard!.count} does not list a place for each of its reports and errors; it was not written by gatecrash.`,
      );
    }
    for (const [i, report] of b.reports.entries()) placed.push({ at: positions.reports[i]!, report });
    for (const [i, error] of b.errors.entries()) placed.push({ at: positions.errors[i]!, error });
  }
  placed.sort((a, b) => a.at - b.at);
  return {
    schemaVersion: 1,
    reports: placed.flatMap((p) => (p.report ? [p.report] : [])),
    errors: placed.flatMap((p) => (p.error ? [p.error] : [])),
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Inventories as one. Shards of one sweep must share scope and ports and be complete; separate sweeps are joined
 * (scopes listed in the order given, ports united). Services are sorted in the one inventory order, counts summed,
 * and the scans of `--scan` follow the order of the services, as in a single run.
 */
export function mergeInventories(inventories: readonly Inventory[]): Inventory {
  const sharded = inventories.filter((i) => i.shard);
  if (sharded.length > 0) {
    if (sharded.length !== inventories.length)
      throw new MergeError('Some inventories are shards of a sweep and others are not: merge the shards of one sweep on their own.');
    const key = (i: Inventory) => JSON.stringify([i.scope, i.ports]);
    if (new Set(inventories.map(key)).size > 1)
      throw new MergeError('These shards swept different scopes or ports: only the shards of one sweep can be merged.');
    checkShardSet(
      sharded.map((i) => i.shard!),
      'inventory shards',
    );
  }
  const withScans = inventories.filter((i) => i.scans).length;
  if (withScans > 0 && withScans !== inventories.length)
    throw new MergeError('Some inventories hold the scans of --scan and others do not: run every shard the same way.');

  const seen = new Set<string>();
  const services = inventories
    .flatMap((i) => i.services)
    .sort(compareServices)
    .filter((s) => {
      const k = `${s.address} ${s.port} ${s.host ?? ''}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const errorKeys = new Set<string>();
  const errors = inventories
    .flatMap((i) => i.errors)
    .sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))
    .filter((e) => !errorKeys.has(e.target) && Boolean(errorKeys.add(e.target)));
  const stats = { ...inventories[0]!.stats };
  for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] = sum(inventories.map((i) => i.stats[k]));
  const [first] = inventories;
  return buildInventory(first!.tool.version, {
    scope: sharded.length ? first!.scope : [...new Set(inventories.flatMap((i) => i.scope))],
    ports: sharded.length ? first!.ports : [...new Set(inventories.flatMap((i) => i.ports))].sort((a, b) => a - b),
    partial: inventories.some((i) => i.partial),
    stats,
    services,
    errors,
    ...(withScans
      ? {
          scans: scansInServiceOrder(
            inventories.map((i) => i.scans!),
            services.map((s) => s.url),
          ),
        }
      : {}),
  });
}

/** The scans of several inventories, ordered like the services they scanned (a target not among them goes last). */
function scansInServiceOrder(batches: BatchReport[], urls: string[]): BatchReport {
  const rank = new Map(urls.map((u, i) => [u, i]));
  const order = (url: string) => rank.get(url) ?? urls.length;
  const reports = batches.flatMap((b) => b.reports).map((r, i) => ({ r, i }));
  const errors = batches.flatMap((b) => b.errors).map((e, i) => ({ e, i }));
  return {
    schemaVersion: 1,
    reports: reports.sort((a, b) => order(a.r.target.url) - order(b.r.target.url) || a.i - b.i).map((x) => x.r),
    errors: errors.sort((a, b) => order(a.e.url) - order(b.e.url) || a.i - b.i).map((x) => x.e),
  };
}
