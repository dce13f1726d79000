// `stream: 'first-event'` probes (cost.unbounded-generation's oversized request): the client reads the first body chunk,
// hangs up, and keeps the first server-sent event only, even when the server wrote several in that chunk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanClient } from '../../src/engine/http/client.js';
import { createTarget } from '../../src/engine/target.js';
import { type RunningTarget, startTarget } from '../targets/harness.js';

let target: RunningTarget;
let closedEarly = 0;

beforeAll(async () => {
  target = await startTarget((req, res) => {
    res.on('close', () => {
      if (!res.writableEnded) closedEarly++;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const sep = req.path === '/crlf' ? '\r\n\r\n' : '\n\n';
    // Two events in one write, then a stream that never ends on its own.
    res.write(`data: {"content":"Hello"}${sep}data: {"content":" there"}${sep}`);
    const timer = setInterval(() => res.write(`data: {"content":"."}${sep}`), 20);
    res.on('close', () => clearInterval(timer));
  });
});
afterAll(() => target.close());

describe('first-event reads', () => {
  it.each(['/lf', '/crlf'])('keep the first event of %s and close the connection', async (path) => {
    const client = new ScanClient({
      target: createTarget(`${target.url}${path}`),
      pinned: { address: '127.0.0.1', family: 4 },
      budget: 5,
      concurrency: 1,
      readCapBytes: 65536,
      signal: new AbortController().signal,
    });
    try {
      const before = closedEarly;
      const ex = await client.send({ method: 'POST', path, body: '{}', stream: 'first-event', purpose: 'test' });
      expect(ex.response?.status).toBe(200);
      expect(ex.response?.body.replace(/\r/g, '')).toBe('data: {"content":"Hello"}\n\n');
      expect(ex.response?.truncated).toBe(true);
      await expect.poll(() => closedEarly).toBe(before + 1);
    } finally {
      await client.close();
    }
  });
});
