// Hostile targets: servers that are not LLM servers at all but traps for a scanner — they trickle, stall, flood, bomb,
// lie about HTTP or reset. Not a real product's behaviour (so not in docs/servers/): each exists to prove that a scan
// against it ends by its deadline, costs bounded memory and leaves the MCP server responsive.
// Everything is generated on the fly; no case allocates more than a few KiB per connection.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';

export const HOSTILE_KINDS = [
  'slow-headers', // slowloris: the status line, then one header byte every 100 ms, never a blank line
  'slow-body', // headers at once, then one body byte every 100 ms, forever (chunked)
  'stalled-body', // announces 1 MiB, sends 1 KiB, then nothing and never ends
  'huge-body', // a 1 GiB body, generated chunk by chunk as the socket drains
  'gzip-bomb', // Content-Encoding: gzip, 1 GiB of zeros in ~1 MiB of concatenated gzip members
  'invalid-utf8', // JSON bodies and header values with invalid UTF-8 (overlongs, surrogates, lone continuation bytes)
  'garbage', // not HTTP: an SSH banner and random bytes, then close
  'reset', // headers and part of the body, then a TCP RST
  'redirect-loop', // every path redirects to itself or to its twin
  'retry-after', // 429 to everything, Retry-After of ~136 years
  'silent', // accepts the connection and never writes a byte
  'tls-stall', // https://: accepts TCP and never answers the TLS ClientHello
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

export interface HostileTarget {
  kind: HostileKind;
  url: string;
  port: number;
  /** Requests (or, for non-HTTP kinds, connections that sent bytes) the target received. */
  requests(): number;
  connections(): number;
  /** Bytes the target managed to write to its sockets (the 1 GiB body must be cut far below its size). */
  bytesWritten(): number;
  close(): Promise<void>;
}

export const GIB = 1024 * 1024 * 1024;

/** ~1 KiB: one gzip member of 1 MiB of zeros. Concatenated members are one valid gzip stream (RFC 1952 §2.2). */
const GZIP_MEMBER = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
export const GZIP_BOMB_MEMBERS = 1024;

/** Each sequence is invalid UTF-8 for its own reason; a lenient decoder turns each into U+FFFD. */
export const INVALID_UTF8 = Buffer.from([
  0xff,
  0xfe, // never valid
  0xc3,
  0x28, // truncated two-byte sequence
  0xc0,
  0xaf, // overlong '/'
  0xed,
  0xa0,
  0x80, // UTF-16 surrogate encoded
  0xf4,
  0x90,
  0x80,
  0x80, // above U+10FFFF
  0x80,
  0xbf, // lone continuation bytes
  0xe2,
  0x82, // cut three-byte sequence
]);

export async function startHostile(kind: HostileKind): Promise<HostileTarget> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let connections = 0;
  let closedBytes = 0;
  const every = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setInterval(fn, ms);
    timers.add(t);
    return t;
  };
  const track = (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => {
      closedBytes += s.bytesWritten;
      sockets.delete(s);
    });
  };

  let server: Server;
  if (kind === 'slow-headers' || kind === 'garbage' || kind === 'silent' || kind === 'tls-stall') {
    server = createNetServer((socket) => {
      track(socket);
      socket.once('data', () => {
        requests++;
        if (kind === 'slow-headers') {
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: ');
          const t = every(100, () => (socket.writable ? socket.write('a') : clearInterval(t)));
          socket.on('close', () => clearInterval(t));
        } else if (kind === 'garbage') {
          const noise = Buffer.alloc(4096);
          for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) & 0xff;
          socket.end(Buffer.concat([Buffer.from('SSH-2.0-OpenSSH_9.6p1 Debian\r\n'), noise]));
        }
        // silent and tls-stall: read the request (or the ClientHello) and never answer.
      });
    });
  } else {
    const http = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        answer(kind, req, res, every);
      });
    });
    // Node's own timeouts would end the hostile answers early; a hostile server never gives up.
    http.requestTimeout = 0;
    http.headersTimeout = 0;
    http.keepAliveTimeout = 60_000;
    http.on('connection', track);
    server = http;
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    kind,
    url: `${kind === 'tls-stall' ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests: () => requests,
    connections: () => connections,
    bytesWritten: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesWritten, 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(kind: HostileKind, req: IncomingMessage, res: ServerResponse, every: (ms: number, fn: () => void) => NodeJS.Timeout): void {
  switch (kind) {
    case 'slow-body': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"generated":"');
      const t = every(100, () => (res.writableEnded || res.destroyed ? clearInterval(t) : res.write('a')));
      res.on('close', () => clearInterval(t));
      return;
    }
    case 'stalled-body':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * 1024) });
      res.write(`{"generated":"${'a'.repeat(1024)}`);
      return; // never ends
    case 'huge-body': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(GIB) });
      const head = Buffer.from('{"generated":"');
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = (): void => {
        if (sent === 0) {
          res.write(head);
          sent = head.length;
        }
        while (sent < GIB && !res.destroyed) {
          const piece = Math.min(chunk.length, GIB - sent);
          sent += piece;
          // Backpressure: wait for the socket to drain, so the server never buffers more than one chunk.
          if (!res.write(piece === chunk.length ? chunk : chunk.subarray(0, piece))) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
      return;
    }
    case 'gzip-bomb': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(GZIP_MEMBER.length * GZIP_BOMB_MEMBERS) });
      let i = 0;
      const pump = (): void => {
        while (i < GZIP_BOMB_MEMBERS && !res.destroyed) {
          i++;
          if (!res.write(GZIP_MEMBER)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
      return;
    }
    case 'invalid-utf8': {
      const body = Buffer.concat([Buffer.from('{"detail":"'), INVALID_UTF8, Buffer.from('","model":"'), INVALID_UTF8, Buffer.from('"}')]);
      res.writeHead(req.method === 'GET' ? 200 : 401, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(body.length),
        // Header values may carry obs-text (0x80-0xFF): these bytes are not UTF-8 either.
        server: Buffer.from([0x75, 0x76, 0xed, 0xa0, 0x80, 0xff]).toString('latin1'),
        'x-model': INVALID_UTF8.toString('latin1'),
      });
      res.end(body);
      return;
    }
    case 'reset': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write(`{"generated":"${'a'.repeat(2000)}`, () => setImmediate(() => res.socket?.resetAndDestroy()));
      return;
    }
    case 'redirect-loop': {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      // A self-redirect for most paths, a two-path cycle for the rest: either loops forever in a client that follows.
      const location = path.endsWith('/a') ? path.replace(/\/a$/, '/b') : path.endsWith('/b') ? path.replace(/\/b$/, '/a') : (req.url ?? '/');
      res.writeHead(req.method === 'GET' ? 302 : 307, { location, 'content-length': '0' });
      res.end();
      return;
    }
    case 'retry-after': {
      const body = '{"error":{"message":"Rate limit exceeded","type":"rate_limit_error"}}';
      res.writeHead(429, {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'retry-after': '4294967295',
        'x-ratelimit-reset-requests': '99999999999s',
      });
      res.end(body);
      return;
    }
    default:
      res.destroy();
  }
}
