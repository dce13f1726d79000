// The connection handling of a thread-pool HTTP server (cpp-httplib, inside llama.cpp's `llama-server`), in front of any
// emulator's request handling:
// - a fixed pool of worker threads: an accepted connection waits in the queue until a worker is free, and a worker serves
//   one connection for its whole keep-alive life (until the client closes it, the server's keep-alive timeout of 5 s
//   ends, or 100 requests were served on it). A client that keeps more idle connections than the pool has threads
//   leaves its other connections unread: their requests wait until one of its own idle connections closes.
// - Nagle's algorithm left on (no TCP_NODELAY) and each response written in two writes, the headers and then the body:
//   the body waits for the peer's ACK of the headers, which a peer in delayed-ACK mode holds back for up to ~40 ms.
// llama-server sizes the pool max(n_parallel + 2, hardware threads − 1) unless `--threads-http N` says otherwise.
import { createServer as createHttpServer, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';

export interface WorkerPoolShape {
  /** Worker threads: connections served at once. */
  workers: number;
  /** Idle time after which the server closes a kept-alive connection (cpp-httplib's default: 5 s). */
  keepAliveMs?: number;
  /** Requests served on one connection before the server closes it (cpp-httplib's default: 100; 0: no cap, none advertised). */
  maxRequestsPerConnection?: number;
}

export interface PoolStats {
  /** Connections accepted so far. */
  accepted: number;
  /** Connections a worker is serving now. */
  serving: number;
  /** Connections accepted and waiting for a free worker now. */
  queued: number;
  /** The longest a connection waited for a worker, in ms. */
  longestQueueWaitMs: number;
}

export interface PooledServer {
  server: Server;
  stats: PoolStats;
}

/** A listening socket whose connections are served by `shape.workers` workers running `listener`. Not yet listening. */
export function createPooledServer(listener: RequestListener, shape: WorkerPoolShape): PooledServer {
  const keepAliveMs = shape.keepAliveMs ?? 5000;
  // Nagle stays on: this server never sets TCP_NODELAY, like cpp-httplib.
  const http = createHttpServer({ noDelay: false, keepAliveTimeout: keepAliveMs }, (req, res) => {
    writeHeadersSeparately(res);
    listener(req, res);
  });
  http.maxRequestsPerSocket = shape.maxRequestsPerConnection ?? 100;
  const stats: PoolStats = { accepted: 0, serving: 0, queued: 0, longestQueueWaitMs: 0 };
  const queue: { socket: Socket; since: number }[] = [];

  const dispatch = () => {
    while (stats.serving < shape.workers && queue.length > 0) {
      const { socket, since } = queue.shift() as { socket: Socket; since: number };
      stats.queued = queue.length;
      stats.longestQueueWaitMs = Math.max(stats.longestQueueWaitMs, Date.now() - since);
      // A connection the client gave up on while it waited still takes a worker, which reads its end and moves on.
      stats.serving++;
      socket.once('close', () => {
        stats.serving--;
        dispatch();
      });
      http.emit('connection', socket);
      socket.resume();
    }
  };
  // The kernel completes the handshake at once (the listen backlog); nothing reads the connection until a worker takes it.
  const server = createNetServer({ pauseOnConnect: true, noDelay: false }, (socket) => {
    stats.accepted++;
    queue.push({ socket, since: Date.now() });
    stats.queued = queue.length;
    dispatch();
  });
  return { server, stats };
}

/**
 * cpp-httplib writes the status line and headers, then the body, in separate writes. Node would coalesce them into one
 * packet; flushing the headers first gives the same two writes (with a Content-Length, as cpp-httplib always sends).
 */
function writeHeadersSeparately(res: ServerResponse): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const chunk = args[0];
    if ((typeof chunk === 'string' || Buffer.isBuffer(chunk)) && chunk.length > 0) {
      // `headersSent` turns true at writeHead, before a byte is written; flushHeaders then writes them (a no-op once written).
      if (!res.headersSent && !res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(chunk));
      res.flushHeaders();
    }
    return end(...args);
  }) as ServerResponse['end'];
}
