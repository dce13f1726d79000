// llama-server's real HTTP layer (cpp-httplib with a fixed pool of 3 workers, test/real/cpp-httplib.ts) in front of the
// llama.cpp emulator. The library shows what the emulator of this shape (test/targets/worker-pool.ts) is built on, a
// kept-alive connection holding a worker until it closes, and the scan handles it as it handles the emulator: it
// switches to one request per connection on the first answer and finds what it finds on the emulator alone.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetConnectionPolicies, POOL_SERVER_CONNECTIONS } from '../../src/engine/http/connections.js';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { KEYED, OPEN, startLlamaCpp } from '../targets/llamacpp.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { cppHttplibAvailable, startPoolFront } from './cpp-httplib.js';

const available = cppHttplibAvailable();

afterEach(() => forgetConnectionPolicies());

/** A kept-alive connection that has sent one request and read its answer: what a pooling client holds while idle. */
async function idleConnection(url: URL): Promise<Socket> {
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', () => resolve());
    socket.write(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  });
  return socket;
}

/** Sends a request on a new connection; resolves with the first bytes of its answer, or null if none came within `ms`. */
function firstAnswer(url: URL, ms: number, socket = connect(Number(url.port), url.hostname)): Promise<string | null> {
  socket.write(`GET /health HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('data', (d) => {
      clearTimeout(timer);
      resolve(d.toString().split('\r\n')[0] ?? '');
    });
  });
}

/** What a scan concluded, without ids, times or evidence bytes. */
const verdicts = (r: ScanReport) => ({
  findings: r.findings.map((f) => `${f.rule} ${f.severity} ${f.confidence} ${f.endpoint.method} ${new URL(f.endpoint.url).pathname}`).sort(),
  rules: r.rules.map((x) => `${x.rule} ${x.status}`).sort(),
});

describe.runIf(available)('llama-server behind its real HTTP layer: cpp-httplib, 3 worker threads', () => {
  it('a kept-alive connection holds its worker: with three held, a fourth connection is not read until one closes', async () => {
    const emulator = await startLlamaCpp(OPEN);
    const front = await startPoolFront(emulator.url, 3);
    const url = new URL(front.url);
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 3; i++) held.push(await idleConnection(url));
      const fourth = connect(Number(url.port), url.hostname);
      // No answer while every worker waits on an idle connection (cpp-httplib keeps one open 5 s)…
      expect(await firstAnswer(url, 300, fourth)).toBeNull();
      // …and the answer as soon as one of them closes.
      const answered = new Promise<string | null>((resolve) => fourth.once('data', (d) => resolve(d.toString().split('\r\n')[0] ?? '')));
      held.shift()?.destroy();
      expect(await answered).toBe('HTTP/1.1 200 OK');
      fourth.destroy();
    } finally {
      for (const s of held) s.destroy();
      await front.stop();
      await emulator.close();
    }
  });

  it.each([
    ['open', OPEN, {}],
    ['keyed, no key given', KEYED, {}],
    ['keyed, key given', KEYED, { Authorization: `Bearer ${TEST_KEY}` }],
  ] as const)('%s: a scan switches on the first answer and finds what it finds on the emulator alone', async (_label, options, headers) => {
    const emulator = await startLlamaCpp(options);
    const front = await startPoolFront(emulator.url, 3);
    try {
      const alone = await scan({ url: emulator.url, headers }, { depth: 'standard' });
      const behind = await scan({ url: front.url, headers }, { depth: 'standard' });
      expect(behind.partial).toBe(false);
      expect(behind.errors).toEqual([]);
      expect(behind.fingerprint.product).toBe('llamacpp');
      expect(verdicts(behind)).toEqual(verdicts(alone));
      // cpp-httplib's own `Keep-Alive: timeout=5, max=100` switched the scan on its first answer. (No assertion on stalls:
      // on a busy machine a worker can be slow to notice a closed connection, which is what the stall sign is for.)
      expect(behind.timings).toMatchObject({ keepAlive: 0, connectionsCapped: 1 });
      // A second scan of the origin starts that way, with fewer connections at once than the listen backlog of 5 admits.
      const again = await scan({ url: front.url, headers }, { depth: 'standard' });
      expect(again.timings).toMatchObject({ keepAlive: 0, connectionPolicyLearned: 1 });
      expect(again.timings.connectionsMax).toBeLessThanOrEqual(POOL_SERVER_CONNECTIONS);
      expect(verdicts(again)).toEqual(verdicts(alone));
    } finally {
      await front.stop();
      await emulator.close();
    }
  });
});
