// Connection use that adapts to the server (src/engine/http/connections.ts): against llama-server's thread pool the scan
// falls back to one request per connection instead of waiting seconds on connections no worker reads, finds exactly what
// it finds against an unlimited server, sends nothing twice, and remembers the origin; an unlimited server keeps its
// kept-alive connections.
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPolicy, forgetConnectionPolicies, POOL_SERVER_CONNECTIONS } from '../../src/engine/http/connections.js';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { KEYED, type LlamaCppOptions, OPEN, startLlamaCpp } from '../targets/llamacpp.js';
import { TEST_KEY } from '../targets/mistral-model.js';

afterEach(() => forgetConnectionPolicies());

/** What a scan concluded, without ids, times or evidence bytes. */
const verdicts = (r: ScanReport) => ({
  findings: r.findings.map((f) => `${f.rule} ${f.severity} ${f.confidence} ${f.endpoint.method} ${new URL(f.endpoint.url).pathname}`).sort(),
  rules: r.rules.map((x) => `${x.rule} ${x.status}`).sort(),
  sent: r.requests.sent,
});

async function scanOf(options: LlamaCppOptions, headers: Record<string, string> = {}) {
  const target = await startLlamaCpp(options);
  try {
    // Waiting on a connection no worker reads costs ~3 s per stall (15–18 s for these scans): the deadline would cut it.
    const report = await scan({ url: target.url, headers }, { depth: 'standard', timeoutMs: 5000 });
    return { report, received: target.requests.length, pool: target.pool };
  } finally {
    await target.close();
  }
}

describe('a server whose worker threads are held by kept-alive connections (llama-server, 3 HTTP threads)', () => {
  it.each([
    ['open', OPEN, {}],
    ['keyed, no key given', KEYED, {}],
    ['keyed, key given', KEYED, { Authorization: `Bearer ${TEST_KEY}` }],
  ] as const)('%s: the scan switches to one request per connection and finds what it finds on an unlimited server', async (_label, options, headers) => {
    const unlimited = await scanOf(options, headers);
    const pooled = await scanOf({ ...options, threadsHttp: 3 }, headers);
    expect(pooled.report.partial).toBe(false);
    expect(pooled.report.errors).toEqual([]);
    expect(verdicts(pooled.report)).toEqual(verdicts(unlimited.report));
    // Nothing resent: the server received exactly the requests the report counts.
    expect(pooled.received).toBe(pooled.report.requests.sent);
    expect(pooled.report.timings).toMatchObject({ keepAlive: 0, connectionPolicyLearned: 0 });
    // cpp-httplib advertises its cap (`Keep-Alive: timeout=5, max=100`): the first answer switches, before any stall.
    expect(pooled.report.timings).toMatchObject({ connectionsCapped: 1, connectionStalls: 0 });
    expect(pooled.report.timings.connectionsMax).toBeGreaterThanOrEqual(1);
    expect(unlimited.report.timings).toMatchObject({ keepAlive: 1, connectionsCapped: 0, connectionStalls: 0, delayedAcks: 0 });
  });

  it('a pool that does not advertise its cap: the stalls or the delayed ACKs show it, and the scan finds the same', async () => {
    const unlimited = await scanOf(KEYED);
    const pooled = await scanOf({ ...KEYED, threadsHttp: 3, advertisesCap: false });
    expect(pooled.report.partial).toBe(false);
    expect(verdicts(pooled.report)).toEqual(verdicts(unlimited.report));
    expect(pooled.received).toBe(pooled.report.requests.sent);
    expect(pooled.report.timings).toMatchObject({ keepAlive: 0, connectionsCapped: 0 });
    expect((pooled.report.timings.connectionStalls ?? 0) + (pooled.report.timings.delayedAcks ?? 0)).toBeGreaterThan(0);
  });

  it('remembers the origin: the next scan of it starts with one request per connection', async () => {
    const target = await startLlamaCpp({ ...KEYED, threadsHttp: 3 });
    try {
      const first = await scan({ url: target.url }, { depth: 'standard', timeoutMs: 5000 });
      const second = await scan({ url: target.url }, { depth: 'standard', timeoutMs: 5000 });
      expect(first.timings).toMatchObject({ keepAlive: 0, connectionPolicyLearned: 0 });
      expect(second.timings).toMatchObject({ keepAlive: 0, connectionPolicyLearned: 1, connectionStalls: 0, delayedAcks: 0 });
      // Fewer connections at once than such a server's short accept queue holds (the real cpp-httplib test shows why).
      expect(second.timings.connectionsMax).toBeLessThanOrEqual(POOL_SERVER_CONNECTIONS);
      expect(verdicts(second)).toEqual(verdicts(first));
      expect(target.pool?.longestQueueWaitMs).toBeLessThan(2000);
    } finally {
      await target.close();
    }
  });
});

describe('ConnectionPolicy', () => {
  /** A policy on a fake clock; the event loop's own delay is `lag` ms over any window. */
  function policy(lag = 0) {
    let now = 0;
    let switches = 0;
    const loopDelay = { maxSince: () => lag, stop: () => undefined };
    const p = new ConnectionPolicy({ key: `test ${Math.random()}`, onSwitch: () => switches++, now: () => now, loopDelay });
    return { p, at: (ms: number) => (now = ms), switches: () => switches };
  }

  it('judges a cheap request stalled when requests sent after it were answered long before', () => {
    const { p, at, switches } = policy();
    const early = p.sent(true);
    at(1);
    const later = p.sent(true);
    at(3);
    p.answered(later);
    at(40);
    p.answered(p.sent(true));
    expect(p.keepAlive).toBe(true); // 40 ms is within the 50 ms floor
    at(60);
    p.answered(p.sent(true));
    expect(p.keepAlive).toBe(false);
    expect(switches()).toBe(1);
    expect(p.timings()).toMatchObject({ keepAlive: 0, connectionStalls: 1 });
    p.settled(early);
    p.dispose();
  });

  it('switches on the first answer from a server that caps requests per connection (Keep-Alive max=), not on timeout= alone', () => {
    const node = policy();
    node.p.answered(node.p.sent(true), 'timeout=5');
    node.p.answered(node.p.sent(true), '');
    expect(node.p.keepAlive).toBe(true);
    node.p.dispose();
    const pool = policy();
    pool.p.answered(pool.p.sent(true), 'timeout=5, max=100');
    expect(pool.p.keepAlive).toBe(false);
    expect(pool.switches()).toBe(1);
    expect(pool.p.timings()).toMatchObject({ keepAlive: 0, connectionsCapped: 1, connectionStalls: 0, delayedAcks: 0 });
    pool.p.dispose();
  });

  it('never judges an inference request, nor a request nothing later has overtaken', () => {
    const { p, at } = policy();
    p.sent(false); // the model is slow, not the connection
    at(1);
    const alone = p.sent(true);
    at(5000);
    p.answered(p.sent(true)); // sent after both, answered: but only the cheap one older than it counts
    expect(p.timings().connectionStalls).toBe(1);
    p.settled(alone);
    const { p: q, at: atQ } = policy();
    const slow = q.sent(true);
    atQ(5000);
    q.answered(slow); // slow, but nothing overtook it
    expect(q.keepAlive).toBe(true);
    p.dispose();
    q.dispose();
  });

  it('scales the stall threshold with the latency of the answers', () => {
    const { p, at } = policy();
    const warm = p.sent(true);
    at(100);
    p.answered(warm); // a remote server: answers take 100 ms
    const early = p.sent(true);
    at(101);
    const later = p.sent(true);
    at(201);
    p.answered(later);
    at(700);
    p.answered(p.sent(true));
    expect(p.keepAlive).toBe(true); // 600 ms is not 8 × 100 ms
    at(950);
    p.answered(p.sent(true));
    expect(p.keepAlive).toBe(false);
    p.settled(early);
    p.dispose();
  });

  it("counts no wait that the event loop's own delay explains", () => {
    const { p, at } = policy(30);
    const early = p.sent(true);
    at(1);
    p.answered(p.sent(true));
    at(55);
    p.answered(p.sent(true)); // 55 ms overtaken, but the loop itself stood still 30 of them
    at(56);
    p.answered(early);
    p.settled(early);
    for (const start of [100, 200]) {
      at(start);
      const t = p.sent(true);
      at(start + 1);
      p.answered(t);
      at(start + 45);
      p.bodyRead(t, 200); // 44 ms after the headers, 30 of them the loop's own
      p.settled(t);
    }
    expect(p.timings()).toMatchObject({ keepAlive: 1, connectionStalls: 0, delayedAcks: 0 });
    p.dispose();
  });

  it('switches after two small bodies that each waited a delayed ACK behind their headers', () => {
    const { p, at } = policy();
    const body = (sentAt: number, gap: number, bytes: number, cheap = true) => {
      at(sentAt);
      const t = p.sent(cheap);
      at(sentAt + 1);
      p.answered(t);
      at(sentAt + 1 + gap);
      p.bodyRead(t, bytes);
      p.settled(t);
    };
    body(0, 41, 64 * 1024); // a large body streams: not a sign
    body(100, 300, 200); // far beyond any delayed ACK: a slow body
    body(500, 41, 200, false); // inference output
    body(600, 5, 200);
    expect(p.keepAlive).toBe(true);
    body(700, 41, 200);
    expect(p.keepAlive).toBe(true); // one could be the scanner's own event loop
    body(800, 44, 300);
    expect(p.keepAlive).toBe(false);
    expect(p.timings()).toMatchObject({ keepAlive: 0, delayedAcks: 2, connectionStalls: 0 });
    p.dispose();
  });
});
