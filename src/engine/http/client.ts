// The only code that opens sockets. One undici Pool per scan (a scan has one origin), pinned to the address the guard resolved;
// every request goes through the budget, the deadline, the per-host limit, the dedup cache and the recorder.
import type { Dispatcher, Pool } from 'undici';
import { looksStreamed, streamHasOutput } from '../surface/model-output.js';
import type { CertificateSeen, Exchange, ExchangeRequest, ExchangeResponse, Probe, Target } from '../types.js';
import { ConnectionPolicy, POOL_SERVER_CONNECTIONS, type RequestTicket } from './connections.js';
import type { PinnedAddress } from './guard.js';
import { type RateLimiter, Semaphore } from './limits.js';
import { Redactor, secretsFromCredentials } from './redact.js';
import { certificateOf, certificateRefused, type TlsSettings, tlsConnectOptions } from './tls.js';

export interface ClientOptions {
  target: Target;
  pinned: PinnedAddress;
  budget: number;
  concurrency: number;
  readCapBytes: number;
  /** Aborts every request (deadline or cancellation). */
  signal: AbortSignal;
  connectTimeoutMs?: number;
  /** Time to wait for response headers, and between body chunks. */
  ioTimeoutMs?: number;
  tls?: TlsSettings;
  /** A pace shared with other scans and port probes (fleet sweeps): each new connection waits for its turn. */
  connectionRate?: RateLimiter;
}

export interface RequestCounts {
  sent: number;
  deduplicated: number;
  inference: number;
  overBudget: number;
}

const USER_AGENT = 'gatecrash/0.1 (+https://github.com/gatecrash; authorized security scan)';

// undici takes ~150 ms to load, nearly half of `gatecrash mcp`'s cold start to tools/list: it is loaded by the first
// request of the first scan instead, once per process.
let undici: Promise<typeof import('undici')> | undefined;
const loadUndici = () => (undici ??= import('undici'));

export class ScanClient {
  readonly exchanges: Exchange[] = [];
  readonly counts: RequestCounts = { sent: 0, deduplicated: 0, inference: 0, overBudget: 0 };
  readonly redactor: Redactor;
  private pool: Promise<Pool> | undefined;
  /** Every pool this scan has used: the current one, and those retired with requests still in flight. */
  private readonly pools = new Set<Pool>();
  private readonly connections: ConnectionPolicy;
  private connectionsMax = 0;
  private readonly limiter: Semaphore;
  private readonly inflight = new Map<string, Promise<Exchange>>();
  private nextId = 1;
  private listeners: ((ex: Exchange) => void)[] = [];
  /** The certificate the server presented on the first TLS connection (https targets). */
  certificate: CertificateSeen | null = null;

  constructor(private readonly opts: ClientOptions) {
    this.redactor = new Redactor(secretsFromCredentials(opts.target.credentials));
    this.limiter = new Semaphore(Math.max(1, opts.concurrency));
    this.connections = new ConnectionPolicy({ key: `${opts.target.origin} ${opts.pinned.address}`, onSwitch: () => this.oneRequestPerConnection() });
    // An origin learned in an earlier scan starts with one request per connection, hence with fewer in flight.
    if (!this.connections.keepAlive) this.fewerInFlight();
  }

  /**
   * A Pool, not an Agent: an Agent drops an origin's pool whenever its last connection closes, so one request per
   * connection (connections.ts) would build and tear down a pool and a client for every request (~0.3 ms of CPU each).
   */
  private poolFor(): Promise<Pool> {
    const { address, family } = this.opts.pinned;
    const io = this.opts.ioTimeoutMs ?? 15_000;
    this.pool ??= loadUndici().then(({ Pool, buildConnector }) => {
      const connector = buildConnector({
        timeout: this.opts.connectTimeoutMs ?? 5_000,
        // The pin: the guard's answer is the only address this pool ever connects to. No second lookup, no rebinding.
        lookup: (_hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
          if ((options as { all?: boolean }).all) callback(null, [{ address, family }], family);
          else callback(null, address, family);
        },
        ...tlsConnectOptions(this.opts.tls),
      } as Parameters<typeof buildConnector>[0]);
      return new Pool(this.opts.target.origin, {
        connect: (options, callback) => {
          const open = () =>
            connector(options, (err, socket) => {
              if (!err) this.certificate ??= certificateOf(socket);
              callback(err as Error, socket as never);
            });
          // Under a shared pace (fleet sweeps), each new connection waits for its turn first.
          const rate = this.opts.connectionRate;
          if (!rate) return open();
          void rate.take(this.opts.signal).then(open, (e: unknown) => callback(e as Error, null as never));
        },
        headersTimeout: io,
        bodyTimeout: io,
        connections: Math.max(1, this.opts.concurrency),
      });
    });
    return this.pool;
  }

  /**
   * The switch to one request per connection (connections.ts): fewer connections at once, and every idle one closed (the
   * server may be holding a worker for each) by retiring the pool: the next request gets a fresh one, and the retired
   * pool closes each of its connections as soon as it has no request in flight.
   */
  private oneRequestPerConnection(): void {
    this.fewerInFlight();
    const old = this.pool;
    this.pool = undefined;
    void old
      ?.then((pool) => {
        this.pools.add(pool);
        return pool.close();
      })
      .catch(() => undefined);
  }

  /** Each request in flight is a new connection to a server whose accept queue is short (POOL_SERVER_CONNECTIONS). */
  private fewerInFlight(): void {
    this.limiter.resize(Math.min(this.opts.concurrency, POOL_SERVER_CONNECTIONS));
  }

  /** Open connections right now, across every pool of the scan. */
  private sampleConnections(): void {
    let open = 0;
    for (const pool of this.pools) open += pool.stats.connected;
    this.connectionsMax = Math.max(this.connectionsMax, open);
  }

  /** How connections were used, for the report's timings: numbers only. */
  connectionTimings(): Record<string, number> {
    return { ...this.connections.timings(), connectionsMax: this.connectionsMax };
  }

  /** Called for every exchange as it completes (progress accounting). */
  onExchange(listener: (ex: Exchange) => void): void {
    this.listeners.push(listener);
  }

  get budgetLeft(): number {
    return Math.max(0, this.opts.budget - this.counts.sent);
  }

  async close(): Promise<void> {
    this.connections.dispose();
    const current = await this.pool?.catch(() => undefined);
    if (current) this.pools.add(current);
    await Promise.all([...this.pools].map((pool) => pool.destroy().catch(() => undefined)));
  }

  /** Sends a probe unless an identical one was already sent in this scan, in which case its exchange is returned. */
  send(probe: Probe): Promise<Exchange> {
    const headers = this.headersFor(probe);
    const key = dedupKey(probe, headers);
    const existing = this.inflight.get(key);
    if (existing) {
      this.counts.deduplicated++;
      return existing.then((ex) => ({ ...ex, cached: true }));
    }
    const p = this.perform(probe, headers);
    this.inflight.set(key, p);
    return p;
  }

  private headersFor(probe: Probe): Record<string, string> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: '*/*' };
    if (probe.credentials === 'user') {
      for (const [k, v] of Object.entries(this.opts.target.credentials)) headers[k.toLowerCase()] = v;
    }
    for (const [k, v] of Object.entries(probe.headers ?? {})) headers[k.toLowerCase()] = v;
    for (const [k, v] of Object.entries(probe.repeatedHeaders ?? {})) headers[k.toLowerCase()] = v.join(', ');
    if (probe.body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
    if (probe.host !== undefined) headers.host = probe.host;
    return headers;
  }

  private record(probe: Probe, request: ExchangeRequest, outcome: Pick<Exchange, 'response' | 'error' | 'failure'>): Exchange {
    const ex: Exchange = { id: this.nextId++, probe, request, ...outcome };
    this.exchanges.push(ex);
    for (const l of this.listeners) l(ex);
    return ex;
  }

  private async perform(probe: Probe, headers: Record<string, string>): Promise<Exchange> {
    for (const s of probe.secrets ?? []) this.redactor.add(s);
    const url = this.opts.target.origin + probe.path;
    const request: ExchangeRequest = {
      method: probe.method,
      url: this.redactor.redact(url),
      headers: this.redactor.redactHeaders(headers),
      ...(probe.body !== undefined ? { body: this.redactor.redact(probe.body) } : {}),
    };
    if (this.opts.signal.aborted) return this.record(probe, request, { error: abortMessage(this.opts.signal), failure: 'stopped' });
    if (this.counts.sent >= this.opts.budget) {
      this.counts.overBudget++;
      return this.record(probe, request, { error: `Not sent: the request budget of ${this.opts.budget} is spent.`, failure: 'budget' });
    }
    let release: () => void;
    try {
      release = await this.limiter.acquire(this.opts.signal);
    } catch {
      return this.record(probe, request, { error: abortMessage(this.opts.signal), failure: 'stopped' });
    }
    // Counted when it really leaves: the budget is a promise about traffic, not about intentions.
    if (this.counts.sent >= this.opts.budget) {
      release();
      this.counts.overBudget++;
      return this.record(probe, request, { error: `Not sent: the request budget of ${this.opts.budget} is spent.`, failure: 'budget' });
    }
    this.counts.sent++;
    if (probe.inference) this.counts.inference++;
    const started = performance.now();
    let res: Dispatcher.ResponseData | undefined;
    const read: ReadProgress = { bytes: 0, chunks: [] };
    let ticket: RequestTicket | undefined;
    try {
      // undici only honours an abort once the request is on a socket: while it is still connecting (a TLS handshake the
      // server never answers, a SYN into the void) it would wait for the connect timeout. The deadline must always win.
      const pool = await untilAborted(this.poolFor(), this.opts.signal);
      this.pools.add(pool);
      ticket = this.connections.sent(!probe.inference);
      res = await untilAborted(
        pool.request({
          path: probe.path,
          method: probe.method as Dispatcher.HttpMethod,
          headers: wireHeaders(probe, headers),
          body: probe.body,
          signal: this.opts.signal,
          // `Connection: close` once the server showed it cannot serve kept-alive connections well (connections.ts).
          reset: !this.connections.keepAlive,
        }),
        this.opts.signal,
      );
      this.connections.answered(ticket, headerText(res.headers['keep-alive']));
      this.sampleConnections();
      // A streamed answer to an inference request is read to its first generated text and then hung up on: a model left
      // streaming would run on for as long as the server lets it, and the first token is the proof.
      const streamed = probe.inference === true && probe.stream !== 'first-event' && looksStreamed('', headerText(res.headers['content-type']));
      const { text, truncated } = await untilAborted(
        readCapped(
          res.body,
          probe.stream === 'first-event' ? 1 : this.opts.readCapBytes,
          probe.stream === 'first-event',
          read,
          streamed ? streamHasOutput : undefined,
        ),
        this.opts.signal,
      );
      if (!truncated && !probe.stream) this.connections.bodyRead(ticket, read.bytes);
      const response: ExchangeResponse = {
        status: res.statusCode,
        headers: this.redactor.redactHeaders(flattenHeaders(res.headers)),
        body: this.redactor.redact(text),
        truncated,
        latencyMs: Math.round(performance.now() - started),
      };
      return this.record(probe, request, { response });
    } catch (e) {
      res?.body.destroy();
      // Say how far the exchange got: a server that trickles its body and one that never answers look alike otherwise.
      const stage = res
        ? `HTTP ${res.statusCode} received, body cut after ${read.bytes} bytes`
        : this.opts.signal.aborted
          ? 'no response headers had arrived'
          : '';
      const error = this.redactor.redact(withStage(describeError(e, this.opts.signal), stage));
      // Headers arrived: the server answered, and what it sent so far is evidence (the exchange carries the error too).
      const partial: ExchangeResponse | undefined = res && {
        status: res.statusCode,
        headers: this.redactor.redactHeaders(flattenHeaders(res.headers)),
        body: this.redactor.redact(decodeCapped(read.chunks, this.opts.readCapBytes)),
        truncated: true,
        latencyMs: Math.round(performance.now() - started),
      };
      const failure = this.opts.signal.aborted ? 'cut' : 'transport';
      return this.record(probe, request, { ...(partial ? { response: partial } : {}), error, failure });
    } finally {
      if (ticket) this.connections.settled(ticket);
      release();
    }
  }
}

/** Settles with `p`, or rejects with the signal's reason as soon as it aborts (a late outcome of `p` is ignored). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  p.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}

function dedupKey(probe: Probe, headers: Record<string, string>): string {
  const h = Object.keys(headers)
    .sort()
    .map((k) => `${k}:${headers[k]}`)
    .join('\n');
  const repeated = probe.repeatedHeaders ? JSON.stringify(probe.repeatedHeaders) : '';
  return `${probe.method}\n${probe.path}\n${h}\n${probe.body ?? ''}\n${probe.stream ?? ''}\n${repeated}`;
}

/** The headers as undici sends them: a repeated header is an array, which undici writes as one field line per value. */
function wireHeaders(probe: Probe, headers: Record<string, string>): Record<string, string | string[]> {
  if (!probe.repeatedHeaders) return headers;
  const out: Record<string, string | string[]> = { ...headers };
  for (const [k, v] of Object.entries(probe.repeatedHeaders)) out[k.toLowerCase()] = v;
  return out;
}

function headerText(v: string | string[] | undefined): string {
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(k.toLowerCase() === 'set-cookie' ? '\n' : ', ') : v;
  }
  return out;
}

/**
 * Reads at most `capBytes` (or only the first chunk) and then destroys the stream, so a huge or endless body
 * costs the cap and no more. Bytes are decoded leniently: invalid UTF-8 becomes U+FFFD, never an exception.
 */
async function readCapped(
  body: Dispatcher.ResponseData['body'],
  capBytes: number,
  firstChunkOnly: boolean,
  read: ReadProgress,
  enough?: (textSoFar: string) => boolean,
): Promise<{ text: string; truncated: boolean }> {
  const chunks = read.chunks;
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      chunks.push(buf);
      size += buf.length;
      read.bytes = size;
      if (firstChunkOnly) {
        truncated = true;
        break;
      }
      if (size > capBytes) {
        truncated = true;
        break;
      }
      if (enough?.(decodeCapped(chunks, capBytes))) {
        truncated = true;
        break;
      }
    }
  } finally {
    if (truncated) body.destroy();
  }
  return { text: decodeCapped(chunks, firstChunkOnly ? firstEventLength(chunks) : capBytes), truncated };
}

/**
 * Bytes up to the end of the first server-sent event (its blank line), or all of them: the first chunk may carry more than
 * one event when the server writes faster than it is read, and the evidence shows the first one only.
 */
function firstEventLength(chunks: Buffer[]): number {
  const all = Buffer.concat(chunks);
  const end = [Buffer.from('\n\n'), Buffer.from('\r\n\r\n')].map((sep) => ({ at: all.indexOf(sep), len: sep.length })).filter((x) => x.at >= 0);
  if (end.length === 0) return all.length;
  const first = end.reduce((a, b) => (b.at < a.at ? b : a));
  return first.at + first.len;
}

/** What a body read got so far: kept by the caller, so a cut-off body still shows what arrived. */
interface ReadProgress {
  bytes: number;
  chunks: Buffer[];
}

/** Bytes decoded leniently: invalid UTF-8 becomes U+FFFD, never an exception. */
function decodeCapped(chunks: Buffer[], capBytes: number): string {
  let all = Buffer.concat(chunks);
  if (all.length > capBytes) all = all.subarray(0, capBytes);
  return new TextDecoder('utf-8', { fatal: false }).decode(all);
}

/** `message (stage).`: the stage goes inside the sentence. */
function withStage(message: string, stage: string): string {
  if (!stage) return message;
  return message.endsWith('.') ? `${message.slice(0, -1)} (${stage}).` : `${message} (${stage})`;
}

function abortMessage(signal: AbortSignal): string {
  const reason = signal.reason as unknown;
  if (reason instanceof Error && reason.message) return `Not completed: ${reason.message}`;
  return 'Not completed: the scan was cancelled.';
}

function describeError(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) return abortMessage(signal);
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  // undici 7 raises HTTPParserError without a code when the answer does not even start like HTTP (a banner, binary noise).
  if (err.name === 'HTTPParserError' && !err.code) return 'The server answered with something that is not valid HTTP.';
  const code = err.code ?? err.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused: nothing is listening on that port.';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'The server closed or reset the connection before the response was complete.';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'Connecting timed out: the host did not accept the connection in time.';
    case 'UND_ERR_HEADERS_TIMEOUT':
      return 'The server sent no response headers in time.';
    case 'UND_ERR_BODY_TIMEOUT':
      return 'The server stopped sending the response body (body timeout).';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_VERSION':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'UND_ERR_INFO':
      return 'The server answered with something that is not valid HTTP.';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'The server sent a body that does not match its Content-Length.';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'The host is unreachable from here.';
    default:
      if (certificateRefused(code)) return certificateRefused(code)!;
      return code?.startsWith('HPE_')
        ? 'The server answered with something that is not valid HTTP.'
        : `Request failed: ${err.message ?? String(e)}${code ? ` (${code})` : ''}.`;
  }
}
