// Small concurrency primitives for the scan client and fleet sweeps: a semaphore and a connection pace.

/** A counting semaphore: at most `size` holders at once, FIFO. Waiters leave the queue when their signal aborts. */
export class Semaphore {
  private active = 0;
  private readonly waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(private size: number) {}

  /** Changes how many may hold it at once; a smaller size takes effect as holders release. */
  resize(size: number): void {
    this.size = Math.max(1, size);
    while (this.active < this.size && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()?.resolve();
    }
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason;
    if (this.active < this.size) {
      this.active++;
      return () => this.release();
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject,
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return () => this.release();
  }

  /** A freed place goes to the next waiter, counted as held before it wakes, so no newcomer takes it in between. */
  private release(): void {
    this.active--;
    if (this.active >= this.size) return;
    const next = this.waiters.shift();
    if (!next) return;
    this.active++;
    next.resolve();
  }
}

/**
 * A pace for new connections: at most `perSecond` a second over any second, shared by everything that connects (port
 * probes and every scan's HTTP connections in a fleet sweep). A token bucket holding a twentieth of a second's worth
 * (at least one), so a burst never exceeds 5 % of the rate; waiters are served first come, first served.
 */
export class RateLimiter {
  private tokens: number;
  private last = performance.now();
  private readonly capacity: number;
  private readonly waiters: { resolve: () => void; reject: (e: unknown) => void; signal: AbortSignal | undefined; onAbort: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Connections let through so far. */
  granted = 0;

  constructor(readonly perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError('A rate must be a positive number of connections a second.');
    this.capacity = Math.max(1, Math.floor(perSecond / 20));
    this.tokens = this.capacity;
  }

  /** Resolves when a new connection may be opened; rejects with the signal's reason when it aborts first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.granted++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i !== -1) this.waiters.splice(i, 1);
          reject(signal?.reason);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.schedule();
    });
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer || this.waiters.length === 0) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        const w = this.waiters.shift()!;
        w.signal?.removeEventListener('abort', w.onAbort);
        this.tokens -= 1;
        this.granted++;
        w.resolve();
      }
      this.schedule();
    }, wait);
  }
}
