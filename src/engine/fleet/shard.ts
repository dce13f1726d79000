// Sharding: which share of a list one of N cooperating runs takes. A target's place in a canonical order decides it
// (position modulo N), so every run computes the same split without talking to the others, the shares differ in size by
// one at most, and together they cover the list exactly once.

export class ShardError extends Error {
  override readonly name = 'ShardError';
}

/** Shard `index` of `count`, 1-based (`--shard 2/4` is the second of four). */
export interface Shard {
  index: number;
  count: number;
}

/** GitHub's matrix stops at 256 jobs and a Kubernetes Indexed Job at 100,000 completions; a few thousand is already absurd. */
export const MAX_SHARDS = 4096;

export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,5})\s*\/\s*(\d{1,5})\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new ShardError(`--shard takes K/N, the K-th of N shares counted from 1 (1/4 … 4/4), with N at most ${MAX_SHARDS}; got '${text.slice(0, 40)}'.`);
  }
  return { index, count };
}

/** Whether the target at `position` (0-based, in the canonical order) belongs to `shard`; every target does without one. */
export function inShard(position: number, shard?: Shard): boolean {
  return !shard || position % shard.count === shard.index - 1;
}
