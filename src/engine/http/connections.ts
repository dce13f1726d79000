// How the scan client uses connections to one origin, learned from how the server answers.
//
// Keep-alive connections are the default: they save a handshake per request on a remote or TLS target. Two server shapes
// punish them, and both are common among inference servers built on a thread pool (llama.cpp's cpp-httplib, Apache):
// - A worker thread serves one connection for its whole keep-alive life. Once the client holds more connections than the
//   pool has threads, a request sent on a connection no worker has taken waits until an idle connection of the client's
//   own closes: seconds (undici closes an idle connection after the server's advertised keep-alive minus 2 s).
//   Seen as a cheap request still waiting for its answer long after requests sent later were answered.
// - Response headers and body written separately with Nagle's algorithm on: on a reused connection the body waits for
//   the client's delayed ACK of the headers, ~40 ms per request. Seen as a small body arriving 30–250 ms after its headers.
// A third sign comes before either costs anything: a server that caps the requests one connection may carry
// (`Keep-Alive: timeout=5, max=100`, as cpp-httplib and Apache's worker MPMs send) is telling that it dedicates a worker
// to each connection. Servers that multiplex connections (uvicorn, nginx, Node's default) send no `max=`.
// Any sign switches the client to one request per connection (`Connection: close`), for the rest of the scan and for
// later scans of the same origin in this process: a connection that ends with its answer never holds a worker while idle,
// and a fresh connection acknowledges at once, so the body follows its headers without waiting. Idle connections are
// closed at the switch, which frees the workers the stalled requests are queued behind. No request is resent (the
// budget and "sent once" hold). From then on at most POOL_SERVER_CONNECTIONS requests are in flight: every one is a new
// connection, and such a server's accept queue is short.
// Both signs are timings read by this process, so a pause of its own event loop (a busy machine, a batch of scans) could
// fake them: a wait that the loop's own delay over the same time explains is not counted.
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** A cheap request this much slower than the requests answered around it is waiting for a worker, not for the server. */
const STALL_FACTOR = 8;
/** …and never less than this, so a busy event loop on either side is not mistaken for a stall. */
const STALL_FLOOR_MS = 50;
/** The answers the typical latency is taken from: the recent ones, as the server's load changes during a scan. */
const RECENT_ANSWERS = 64;
/** The delayed-ACK window: Linux waits at least 40 ms, and no stack more than 200 ms (plus scheduling). */
const DELAYED_ACK_MS = { min: 30, max: 250 } as const;
/** Bodies this small fit in one write: a gap after their headers is the server's Nagle wait, not a slow body. */
const SMALL_BODY_BYTES = 16 * 1024;
/** A single late body can be the scanner's own event loop; two are the server's writes. */
const DELAYED_ACKS_TO_SWITCH = 2;

/**
 * Requests in flight, each on a connection of its own, once the server showed it gives each connection a worker. cpp-httplib
 * listens with a backlog of 5 (`CPPHTTPLIB_LISTEN_BACKLOG`): when more handshakes complete at once than its accept queue
 * holds (6 on Linux) while its accept thread waits for a core, the kernel drops the last ACK of the excess ones and the
 * client waits for the SYN-ACK's retransmission, a whole second. Four stays under that with room to spare, and keeps
 * llama-server's smallest pool (3 workers) busy.
 */
export const POOL_SERVER_CONNECTIONS = 4;

/** `Keep-Alive: timeout=5, max=100`: the server serves at most N requests on a connection (a worker per connection). */
const CAPS_REQUESTS_PER_CONNECTION = /(^|[,;\s])max\s*=\s*\d+/i;

/** How finely the event loop's own delay is sampled (ms). */
const LOOP_RESOLUTION_MS = 5;
/** A wait is the server's only when the loop's own delay over it was less than this share of it. */
const LOOP_SHARE = 0.5;

/**
 * The longest the event loop was held up within a window: the histogram is read and reset at every look, and each
 * reading is kept with its time, so a window is answered from the readings taken since it began (over-estimating a little,
 * since a reading covers the time since the one before: a sign is then missed, never faked).
 */
class LoopDelay {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  private readings: { at: number; maxMs: number }[] = [];

  constructor(private readonly now: () => number) {
    this.histogram.enable();
  }

  maxSince(start: number): number {
    const at = this.now();
    // The histogram's max is in nanoseconds, and counts the sampling interval itself.
    this.readings.push({ at, maxMs: Math.max(0, this.histogram.max / 1e6 - LOOP_RESOLUTION_MS) });
    this.histogram.reset();
    this.readings = this.readings.filter((r) => r.at >= at - 60_000);
    let max = 0;
    for (const r of this.readings) if (r.at >= start) max = Math.max(max, r.maxMs);
    return max;
  }

  stop(): void {
    this.histogram.disable();
  }
}

/** What a process remembers about an origin's connections: long enough for a verify after a scan, not forever. */
const MEMORY_TTL_MS = 30 * 60_000;
const MEMORY_SIZE = 256;
const closeAfterEach = new Map<string, number>();

function remembered(key: string, now: number): boolean {
  const until = closeAfterEach.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  closeAfterEach.delete(key);
  return false;
}

function remember(key: string, now: number): void {
  closeAfterEach.delete(key);
  closeAfterEach.set(key, now + MEMORY_TTL_MS);
  while (closeAfterEach.size > MEMORY_SIZE) closeAfterEach.delete(closeAfterEach.keys().next().value as string);
}

/** One request as the policy follows it. */
export interface RequestTicket {
  readonly sentAt: number;
  /** Only cheap requests are judged: an inference request is slow because the model is. */
  readonly cheap: boolean;
  answeredAt?: number;
  stalled?: boolean;
}

export interface ConnectionPolicyOptions {
  /** The origin and the pinned address: what "the same server" means across scans. */
  key: string;
  /** Called once, when the client should close its idle connections (the switch to one request per connection). */
  onSwitch: () => void;
  now?: () => number;
  /** The event loop's own delay (tests pass a fixed one). */
  loopDelay?: { maxSince(start: number): number; stop(): void };
}

export class ConnectionPolicy {
  private keepAliveNow: boolean;
  private readonly learnedEarlier: boolean;
  private readonly pending = new Set<RequestTicket>();
  private readonly answerTimes: number[] = [];
  /** When the newest request that has been answered was sent: anything sent before it and unanswered is behind. */
  private newestAnsweredSentAt = -Infinity;
  private stalls = 0;
  private cappedConnections = false;
  private delayedAcks = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private readonly loop: { maxSince(start: number): number; stop(): void };

  constructor(private readonly opts: ConnectionPolicyOptions) {
    this.now = opts.now ?? (() => performance.now());
    this.loop = opts.loopDelay ?? new LoopDelay(this.now);
    this.learnedEarlier = remembered(opts.key, Date.now());
    this.keepAliveNow = !this.learnedEarlier;
  }

  /** Whether the next request may leave its connection open for the next one. */
  get keepAlive(): boolean {
    return this.keepAliveNow;
  }

  sent(cheap: boolean): RequestTicket {
    const ticket: RequestTicket = { sentAt: this.now(), cheap };
    this.pending.add(ticket);
    return ticket;
  }

  /** The response headers arrived (`keepAliveHeader`: the server's `Keep-Alive` header, if any). */
  answered(ticket: RequestTicket, keepAliveHeader?: string): void {
    const at = this.now();
    if (keepAliveHeader !== undefined && CAPS_REQUESTS_PER_CONNECTION.test(keepAliveHeader)) {
      this.cappedConnections = true;
      this.switchToClose();
    }
    ticket.answeredAt = at;
    if (ticket.cheap) {
      this.answerTimes.push(at - ticket.sentAt);
      if (this.answerTimes.length > RECENT_ANSWERS) this.answerTimes.shift();
    }
    this.newestAnsweredSentAt = Math.max(this.newestAnsweredSentAt, ticket.sentAt);
    this.judgeStalls();
  }

  /** The body was read to its end (not cut, not a stream): `bytes` arrived `at` after the headers. */
  bodyRead(ticket: RequestTicket, bytes: number): void {
    if (!ticket.cheap || ticket.answeredAt === undefined || bytes === 0 || bytes > SMALL_BODY_BYTES) return;
    const gap = this.now() - ticket.answeredAt;
    if (gap < DELAYED_ACK_MS.min || gap > DELAYED_ACK_MS.max) return;
    if (this.loop.maxSince(ticket.answeredAt) >= gap * LOOP_SHARE) return;
    this.delayedAcks++;
    if (this.delayedAcks >= DELAYED_ACKS_TO_SWITCH) this.switchToClose();
  }

  /** The request is over, however it ended. */
  settled(ticket: RequestTicket): void {
    this.pending.delete(ticket);
    if (this.pending.size === 0) this.clearTimer();
  }

  /** The decision, as numbers for the report's timings. */
  timings(): Record<string, number> {
    return {
      keepAlive: this.keepAliveNow ? 1 : 0,
      connectionStalls: this.stalls,
      connectionsCapped: this.cappedConnections ? 1 : 0,
      delayedAcks: this.delayedAcks,
      connectionPolicyLearned: this.learnedEarlier ? 1 : 0,
    };
  }

  dispose(): void {
    this.clearTimer();
    this.pending.clear();
    this.loop.stop();
  }

  private threshold(): number {
    return Math.max(STALL_FLOOR_MS, STALL_FACTOR * median(this.answerTimes));
  }

  /** Marks the cheap requests stuck behind later ones, and arms a timer for the next one that could be. */
  private judgeStalls(): void {
    this.clearTimer();
    const now = this.now();
    const threshold = this.threshold();
    let found = 0;
    let nextCheck = Infinity;
    for (const t of this.pending) {
      if (!t.cheap || t.answeredAt !== undefined || t.stalled || t.sentAt >= this.newestAnsweredSentAt) continue;
      const due = t.sentAt + threshold;
      if (due > now) nextCheck = Math.min(nextCheck, due);
      else if (this.loop.maxSince(t.sentAt) >= (now - t.sentAt) * LOOP_SHARE) nextCheck = Math.min(nextCheck, now + threshold);
      else {
        t.stalled = true;
        found++;
      }
    }
    if (found > 0) {
      this.stalls += found;
      this.switchToClose();
    }
    if (nextCheck < Infinity) {
      this.timer = setTimeout(() => this.judgeStalls(), Math.max(1, Math.ceil(nextCheck - now)));
      this.timer.unref?.();
    }
  }

  private switchToClose(): void {
    if (!this.keepAliveNow) return;
    this.keepAliveNow = false;
    remember(this.opts.key, Date.now());
    this.opts.onSwitch();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Forgets what was learned (tests start each case from a clean process state). */
export function forgetConnectionPolicies(): void {
  closeAfterEach.clear();
}
