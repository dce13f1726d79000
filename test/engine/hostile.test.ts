// Hostile targets: each scan ends within its deadline + 1 s with a report that names what went wrong, resident memory
// grows by less than 200 MiB, and the MCP server running the scan keeps answering other calls meanwhile. The scans run
// through an in-process MCP server (same event loop, same heap), so a scan that blocked the loop or buffered a body would
// show here as a slow list_checks or an RSS jump.
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { Exchange, ScanReport } from '../../src/engine/types.js';
import { recentScans, scanById } from '../../src/scan-runner.js';
import { createServer } from '../../src/server.js';
import { GIB, GZIP_BOMB_MEMBERS, type HostileKind, type HostileTarget, startHostile } from '../targets/hostile.js';

const DEADLINE_MS = 4000;
const SLACK_MS = 1000;
const MIB = 1024 * 1024;
const RSS_LIMIT = 200 * MIB;
/** list_checks is a pure, in-memory answer: anything slower means the scan is starving the event loop. */
const PROMPT_MS = 500;

interface Row {
  kind: HostileKind;
  ms: number;
  rssDelta: number;
  rssPeak: number;
  pings: number;
  pingMax: number;
  sent: number;
  error: string;
}
const rows: Row[] = [];

/** What each case's report must say (report.errors, rule reasons, or the tool's isError sentence). */
const EXPECTED: Record<HostileKind, RegExp> = {
  'slow-headers': /deadline of \d+ ms passed \(no response headers had arrived\)/,
  'slow-body': /deadline of \d+ ms passed \(HTTP 200 received, body cut after \d+ bytes\)/,
  'stalled-body': /deadline of \d+ ms passed \(HTTP 200 received, body cut after 1038 bytes\)/,
  'huge-body': /./, // answered (cut at the read cap): no error is due; checked below on the exchanges
  'gzip-bomb': /./,
  'invalid-utf8': /./,
  garbage: /not valid HTTP/,
  reset: /closed or reset the connection before the response was complete \(HTTP 200 received, body cut after \d+ bytes\)/,
  'redirect-loop': /./,
  'retry-after': /./,
  silent: /deadline of \d+ ms passed \(no response headers had arrived\)/,
  'tls-stall': /deadline of \d+ ms passed \(no response headers had arrived\)/,
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Samples RSS every 20 ms until stopped; returns the peak. */
function rssSampler(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

function describeOutcome(report: ScanReport | undefined, toolText: string | null): string {
  const parts: string[] = [];
  if (toolText) parts.push('isError');
  // The report's own words; the tool's sentence adds only "Check that the server is running…" to the reach error.
  for (const e of report?.errors ?? []) parts.push(`${e.phase}: ${e.message.replace(/^Could not reach \S+: /, '')}`);
  if (toolText && !report) parts.push(toolText);
  if (parts.length === 0 && report) {
    const count = (status: string) => report.rules.filter((r) => r.status === status).length;
    const why = report.rules.find((r) => r.status === 'inconclusive' && r.reason);
    parts.push(
      `complete, no error: ${count('pass')} pass, ${count('inconclusive')} inconclusive, ${count('fail')} fail${why ? `; ${why.rule}: ${why.reason}` : ''}`,
    );
  }
  return parts.join(' | ');
}

function printTable(): void {
  const head = ['case', 'time', 'RSS Δ (peak)', 'list_checks (n, max)', 'sent', 'error named in the report'];
  const body = rows.map((r) => [
    r.kind,
    `${(r.ms / 1000).toFixed(2)} s`,
    `${(r.rssDelta / MIB).toFixed(1)} MiB (${(r.rssPeak / MIB).toFixed(0)})`,
    `${r.pings}, ${r.pingMax} ms`,
    String(r.sent),
    r.error.length > 170 ? `${r.error.slice(0, 167)}…` : r.error,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `\nHostile targets (deadline ${DEADLINE_MS} ms, bound ${DEADLINE_MS + SLACK_MS} ms, RSS limit ` +
      `${RSS_LIMIT / MIB} MiB)\n${[line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n')}\n`,
  );
}

describe('hostile targets', () => {
  let client: Client;
  let server: ReturnType<typeof createServer>;

  beforeAll(async () => {
    server = createServer();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'hostile', version: '0.0.0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide as never)]);
    // Warm up (module loading, JIT, the first TLS context) so the first case's RSS delta is the case's own.
    const warm = await startHostile('redirect-loop');
    await client.callTool({ name: 'scan_endpoint', arguments: { url: `${warm.url}/generate`, timeoutMs: DEADLINE_MS } });
    await client.callTool({ name: 'scan_endpoint', arguments: { url: `${warm.url.replace('http:', 'https:')}/generate`, timeoutMs: DEADLINE_MS } });
    await warm.close();
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    printTable();
  });

  /** Runs one scan_endpoint call against the target while list_checks is called every 100 ms. */
  async function scanThroughMcp(target: HostileTarget): Promise<{ report: ScanReport | undefined; toolText: string | null; row: Row }> {
    const rss0 = process.memoryUsage.rss();
    const sampler = rssSampler();
    let running = true;
    const latencies: number[] = [];
    const pinger = (async () => {
      while (running) {
        const t = performance.now();
        const res = await client.callTool({ name: 'list_checks', arguments: {} });
        expect(res.isError).toBeFalsy();
        latencies.push(Math.round(performance.now() - t));
        await sleep(100);
      }
    })();
    const t0 = performance.now();
    const res = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${target.url}/generate`, timeoutMs: DEADLINE_MS } });
    const ms = Math.round(performance.now() - t0);
    running = false;
    await pinger;
    const peak = sampler.stop();
    const toolText = res.isError ? ((res.content as { text?: string }[])[0]?.text ?? '') : null;
    // The full report is the session's (the result is its brief); a refused or unreachable target comes back as isError,
    // and its report is in the session's history too.
    const scanId = (res.structuredContent as { scanId?: string } | undefined)?.scanId;
    const report = (scanId ? scanById(scanId) : undefined) ?? recentScans().find((r) => r.target.origin === target.url);
    const row: Row = {
      kind: target.kind,
      ms,
      rssDelta: Math.max(0, peak - rss0),
      rssPeak: peak,
      pings: latencies.length,
      pingMax: Math.max(0, ...latencies),
      sent: report?.requests.sent ?? 0,
      error: describeOutcome(report, toolText),
    };
    rows.push(row);
    return { report, toolText, row };
  }

  for (const kind of Object.keys(EXPECTED) as HostileKind[]) {
    it(`${kind}: ends by the deadline, bounded memory, MCP stays responsive`, async () => {
      const target = await startHostile(kind);
      try {
        const { report, row } = await scanThroughMcp(target);
        expect(row.ms, `${kind} took ${row.ms} ms`).toBeLessThanOrEqual(DEADLINE_MS + SLACK_MS);
        expect(row.rssDelta, `${kind} grew RSS by ${(row.rssDelta / MIB).toFixed(1)} MiB`).toBeLessThan(RSS_LIMIT);
        expect(row.pings).toBeGreaterThan(0);
        expect(row.pingMax, `list_checks took ${row.pingMax} ms during ${kind}`).toBeLessThan(PROMPT_MS);
        expect(report, 'the scan left a report').toBeDefined();
        expect(row.error).toMatch(EXPECTED[kind]);
        expect(target.requests()).toBeGreaterThan(0);
        if (EXPECTED[kind].source.startsWith('deadline')) expect(report!.partial).toBe(true);
      } finally {
        await target.close();
      }
    });
  }
});

describe('hostile bodies at the engine', () => {
  const exchangesOf = async (target: HostileTarget): Promise<{ report: ScanReport; exchanges: Exchange[] }> => {
    const exchanges: Exchange[] = [];
    const report = await scan({ url: `${target.url}/generate` }, { timeoutMs: DEADLINE_MS }, { onExchange: (ex) => exchanges.push(ex) });
    return { report, exchanges };
  };

  it('a 1 GiB body is cut at the read cap: the target writes a small fraction of it', async () => {
    const target = await startHostile('huge-body');
    try {
      const { report, exchanges } = await exchangesOf(target);
      const answered = exchanges.filter((ex) => ex.response);
      expect(answered.length).toBeGreaterThan(0);
      for (const ex of answered) {
        expect(ex.response!.truncated).toBe(true);
        expect(ex.response!.body.length).toBeLessThanOrEqual(256 * 1024);
      }
      // Each request costs the cap plus what the kernel had buffered, nowhere near a GiB.
      expect(target.bytesWritten()).toBeLessThan(report.requests.sent * 8 * MIB);
      expect(target.bytesWritten()).toBeLessThan(GIB / 4);
    } finally {
      await target.close();
    }
  });

  it('a gzip bomb is never decompressed: bodies stay compressed bytes, no Accept-Encoding is sent', async () => {
    const target = await startHostile('gzip-bomb');
    try {
      const { exchanges } = await exchangesOf(target);
      const answered = exchanges.filter((ex) => ex.response);
      expect(answered.length).toBeGreaterThan(0);
      for (const ex of answered) {
        expect(ex.request.headers['accept-encoding']).toBeUndefined();
        expect(ex.response!.headers['content-encoding']).toBe('gzip');
        // 0x1f 0x8b: the gzip magic, decoded leniently (0x8b is not UTF-8): the raw member, not 1 GiB of NULs.
        expect(ex.response!.body.startsWith('\u001f\ufffd')).toBe(true);
        // Every ~1 KiB a new gzip member starts: the body is the members themselves, not their 1 MiB of zeros each.
        expect(ex.response!.body.split('\u001f\ufffd\b').length - 1).toBeGreaterThan(1);
        expect(ex.response!.body.length).toBeLessThanOrEqual(256 * 1024);
      }
      expect(target.bytesWritten()).toBeLessThanOrEqual(exchanges.length * GZIP_BOMB_MEMBERS * 1100 + 64 * 1024);
    } finally {
      await target.close();
    }
  });

  it('invalid UTF-8 in bodies and headers is decoded leniently (U+FFFD), never an exception', async () => {
    const target = await startHostile('invalid-utf8');
    try {
      const { report, exchanges } = await exchangesOf(target);
      const answered = exchanges.filter((ex) => ex.response);
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.some((ex) => ex.response!.body.includes('\ufffd'))).toBe(true);
      expect(report.errors.filter((e) => e.phase.startsWith('check:'))).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('redirects are recorded, never followed: the loop costs one request per probe', async () => {
    const target = await startHostile('redirect-loop');
    try {
      const { report, exchanges } = await exchangesOf(target);
      expect(exchanges.filter((ex) => ex.response).every((ex) => [302, 307].includes(ex.response!.status))).toBe(true);
      expect(target.requests()).toBe(report.requests.sent);
    } finally {
      await target.close();
    }
  });

  it('a huge Retry-After is never waited for', async () => {
    const target = await startHostile('retry-after');
    try {
      const t0 = performance.now();
      const { report } = await exchangesOf(target);
      expect(performance.now() - t0).toBeLessThan(DEADLINE_MS);
      expect(report.partial).toBe(false);
    } finally {
      await target.close();
    }
  });
});
