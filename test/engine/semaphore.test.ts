// The scan client's per-host limit: at most `size` requests in flight, first come first served, and a size that can shrink
// mid-scan (a server that gives each connection a worker gets fewer connections at once).
import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/engine/http/limits.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Semaphore', () => {
  it('lets `size` holders in at once and the next waiter in as each releases, in order', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    const holders = await Promise.all([s.acquire(), s.acquire()]);
    const waiting = [3, 4].map((n) => s.acquire().then((release) => (order.push(n), release)));
    await tick();
    expect(order).toEqual([]);
    holders[0]!();
    await tick();
    expect(order).toEqual([3]);
    holders[1]!();
    await tick();
    expect(order).toEqual([3, 4]);
    for (const r of await Promise.all(waiting)) r();
  });

  it('a place freed is not taken by a newcomer before the waiter it was given to', async () => {
    const s = new Semaphore(1);
    const first = await s.acquire();
    let waiterIn = false;
    const waiter = s.acquire().then((release) => {
      waiterIn = true;
      return release;
    });
    first();
    // The newcomer asks in the same tick as the release: it must queue behind the waiter.
    let newcomerIn = false;
    const newcomer = s.acquire().then((release) => {
      newcomerIn = true;
      return release;
    });
    await tick();
    expect([waiterIn, newcomerIn]).toEqual([true, false]);
    (await waiter)();
    await tick();
    expect(newcomerIn).toBe(true);
    (await newcomer)();
  });

  it('shrinks: holders keep their places, and no one else gets in until fewer than the new size hold it', async () => {
    const s = new Semaphore(4);
    const held = await Promise.all([s.acquire(), s.acquire(), s.acquire(), s.acquire()]);
    s.resize(2);
    let inside = 0;
    const waiting = [1, 2].map(() => s.acquire().then((release) => (inside++, release)));
    held[0]!();
    held[1]!();
    await tick();
    expect(inside).toBe(0); // two still hold it, the new size
    held[2]!();
    await tick();
    expect(inside).toBe(1);
    held[3]!();
    await tick();
    expect(inside).toBe(2);
    for (const r of await Promise.all(waiting)) r();
  });

  it('grows: waiters get the new places at once', async () => {
    const s = new Semaphore(1);
    const first = await s.acquire();
    let inside = 0;
    const waiting = [1, 2].map(() => s.acquire().then((release) => (inside++, release)));
    s.resize(3);
    await tick();
    expect(inside).toBe(2);
    first();
    for (const r of await Promise.all(waiting)) r();
  });

  it('a waiter whose signal aborts leaves the queue and is refused', async () => {
    const s = new Semaphore(1);
    const first = await s.acquire();
    const ac = new AbortController();
    const gone = s.acquire(ac.signal);
    ac.abort(new Error('deadline'));
    await expect(gone).rejects.toThrow('deadline');
    first();
    const next = await s.acquire();
    next();
  });
});
