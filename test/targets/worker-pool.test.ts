// Proof that the worker-pool front behaves like cpp-httplib's thread pool on the wire: kept-alive connections hold their
// worker, a connection beyond the pool is not read until one of them closes, and a reused connection's body waits for
// the client's delayed ACK.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningTarget, sendJson, startTarget } from './harness.js';
import { startLlamaCpp } from './llamacpp.js';

const opened: Socket[] = [];
let target: RunningTarget | undefined;

afterEach(async () => {
  for (const s of opened.splice(0)) s.destroy();
  await target?.close();
  target = undefined;
});

/** A raw keep-alive connection: send a request, resolve with the whole response once its Content-Length is in. */
function keepAliveConnection(port: number) {
  const socket = connect(port, '127.0.0.1');
  opened.push(socket);
  let buffer = '';
  let waiter: ((text: string) => void) | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const end = buffer.indexOf('\r\n\r\n');
    const length = /content-length: (\d+)/i.exec(buffer)?.[1];
    if (end !== -1 && length !== undefined && buffer.length >= end + 4 + Number(length)) {
      const response = buffer.slice(0, end + 4 + Number(length));
      buffer = buffer.slice(response.length);
      waiter?.(response);
    }
  });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    closed,
    get(path: string): Promise<string> {
      return new Promise((resolve) => {
        waiter = resolve;
        socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      });
    },
    close: () => socket.destroy(),
  };
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> =>
  Promise.race([p, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms))]);

describe('worker pool (cpp-httplib thread pool)', () => {
  it('serves no more kept-alive connections than it has workers; the next waits until one closes', async () => {
    target = await startTarget((req, res) => sendJson(res, 200, { path: req.path }), { pool: { workers: 2 } });
    const a = keepAliveConnection(target.port);
    const b = keepAliveConnection(target.port);
    expect(await a.get('/a')).toMatch(/^HTTP\/1\.1 200[\s\S]*keep-alive: timeout=5, max=100[\s\S]*\{"path":"\/a"\}$/i);
    expect(await b.get('/b')).toMatch(/"\/b"/);
    const c = keepAliveConnection(target.port);
    const third = c.get('/c');
    // a and b are idle, yet each still holds its worker: c is accepted but nobody reads it.
    expect(await within(third, 300)).toBe('still waiting');
    expect(target.pool).toMatchObject({ serving: 2, queued: 1 });
    a.close();
    expect(await within(third, 2000)).toMatch(/"\/c"/);
    expect(target.pool?.longestQueueWaitMs).toBeGreaterThanOrEqual(250);
  });

  it('frees a worker when its idle connection reaches the keep-alive timeout', async () => {
    target = await startTarget((req, res) => sendJson(res, 200, { path: req.path }), { pool: { workers: 1, keepAliveMs: 400 } });
    const a = keepAliveConnection(target.port);
    await a.get('/a');
    const b = keepAliveConnection(target.port);
    const second = b.get('/b');
    expect(await within(second, 150)).toBe('still waiting');
    await a.closed; // the server hung up on the idle connection
    expect(await within(second, 2000)).toMatch(/"\/b"/);
  });

  it('writes headers and body apart without TCP_NODELAY: a reused connection waits for the delayed ACK', async () => {
    target = await startTarget((req, res) => sendJson(res, 200, { path: req.path }), { pool: { workers: 2 } });
    const a = keepAliveConnection(target.port);
    await a.get('/warm');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await a.get(`/again-${i}`);
      waits.push(performance.now() - t0);
    }
    // Linux holds a delayed ACK at least 40 ms; the body is sent only once the headers are acknowledged.
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(30);
  });

  it('puts llama-server behind it with --threads-http', async () => {
    target = await startLlamaCpp({ threadsHttp: 3 });
    const conns = [0, 1, 2].map(() => keepAliveConnection((target as RunningTarget).port));
    for (const c of conns) expect(await c.get('/health')).toMatch(/^HTTP\/1\.1 200[\s\S]*server: llama\.cpp[\s\S]*\{"status":"ok"\}$/i);
    const fourth = keepAliveConnection(target.port).get('/health');
    expect(await within(fourth, 300)).toBe('still waiting');
    conns[0]?.close();
    expect(await within(fourth, 2000)).toMatch(/"ok"/);
  });
});
