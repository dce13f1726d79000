// gatecrash discover and merge over a fleet on loopback: 512 addresses × 3 ports, every product open and keyed, web
// pages that are no LLM server, a non-HTTP listener, and closed ports everywhere else. Discovery must find exactly what
// is there; four shards merged must be the single run, byte for byte; the pace and the per-host limit must hold at the
// servers; memory must not grow with the scope. Prints the found/expected table and the shards/single table.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScope, sweep } from '../../src/engine/fleet/index.js';
import type { FleetService } from '../../src/engine/fleet/types.js';
import { type BatchReport, BatchReportSchema } from '../../src/report/batch.js';
import { type Inventory, InventorySchema } from '../../src/report/inventory.js';
import { validateSarif } from '../report/helpers.js';
import { FLEET_KINDS, type Fleet, freePorts, random, startFleet, startIntranetPage } from '../targets/fleet.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { runCli } from './cli-run.js';
import { batchVerdicts } from './verdicts.js';

const ADDRESSES = 512;
const PER_KIND = 6;
const OTHERS = 6;

let fleet: Fleet;
let dir: string;
const file = (name: string) => join(dir, name);
const inventoryOf = (path: string): Inventory => InventorySchema.parse(JSON.parse(readFileSync(path, 'utf8'))) as Inventory;
const key = (s: { address: string; port: number }) => `${s.address}:${s.port}`;

beforeAll(async () => {
  fleet = await startFleet({ addresses: ADDRESSES, perKind: PER_KIND, others: OTHERS, seed: 17 });
  dir = mkdtempSync(join(tmpdir(), 'gatecrash-fleet-'));
}, 60_000);

afterAll(async () => {
  await fleet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function discoverArgs(scope: string, extra: string[] = []): string[] {
  return ['discover', scope, '--ports', fleet.ports.join(','), '--rate', '4000', '--per-host', '2', ...extra];
}

describe(`gatecrash discover over ${ADDRESSES} loopback addresses × 3 ports`, () => {
  it('finds exactly the servers that are there, each with its product and auth state', async () => {
    const run = await runCli([...discoverArgs(fleet.cidr), '--format', 'json', '--output', file('single.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const inventory = inventoryOf(file('single.json'));
    const http = fleet.slots.filter((s) => s.kind.product !== null);
    const expected = new Map(http.map((s) => [key(s), s]));
    const found = new Map(inventory.services.map((s) => [key(s), s]));

    const rows = FLEET_KINDS.map((kind) => {
      const mine = fleet.slots.filter((s) => s.kind === kind);
      const right = mine.filter((s) => {
        const f = found.get(key(s));
        return kind.product === null ? !f : f?.product === kind.product && f.auth === kind.auth && f.llm === kind.llm;
      });
      return { kind, expected: mine.length, right: right.length };
    });
    console.log(
      [
        `Fleet discovery: ${fleet.cidr} (${ADDRESSES} addresses) × ports ${fleet.ports.join(', ')} = ` +
          `${ADDRESSES * 3} slots, ${fleet.slots.length} open (single run, ${(run.ms / 1000).toFixed(1)} s)`,
        '| kind | expected product | expected auth | slots | found as expected |',
        '|---|---|---|---:|---:|',
        ...rows.map(
          (r) =>
            `| ${r.kind.name} | ${r.kind.product ?? '(not HTTP: not listed)'} | ` +
            `${r.kind.product === null ? '—' : r.kind.auth} | ${r.expected} | ${r.right}/${r.expected} |`,
        ),
        `| closed | — | — | ${ADDRESSES * 3 - fleet.slots.length} | ${inventory.stats.closed}/${ADDRESSES * 3 - fleet.slots.length} |`,
      ].join('\n'),
    );

    // Exactly the listening HTTP services: nothing missing, nothing invented, every product and auth state right.
    expect([...found.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, slot] of expected) {
      const f = found.get(k)!;
      expect({ at: k, kind: slot.kind.name, product: f.product, auth: f.auth, llm: f.llm }).toEqual({
        at: k,
        kind: slot.kind.name,
        product: slot.kind.product,
        auth: slot.kind.auth,
        llm: slot.kind.llm,
      });
      expect(f.url).toBe(`http://${k}/`);
    }
    for (const r of rows) expect(r.right, r.kind.name).toBe(r.expected);
    expect(inventory.stats).toEqual({
      hosts: ADDRESSES,
      refused: 0,
      unresolved: 0,
      probes: ADDRESSES * 3,
      open: fleet.slots.length,
      closed: ADDRESSES * 3 - fleet.slots.length,
      filtered: 0,
      unreachable: 0,
      notHttp: OTHERS,
      services: http.length,
      llm: http.filter((s) => s.kind.llm).length,
    });
    // Sorted by address, then port.
    const order = inventory.services.map((s) => s.address.split('.').map(Number).concat(s.port));
    const sorted = [...order].sort((a, b) => a.reduce((d, v, i) => d || v - b[i]!, 0));
    expect(order).toEqual(sorted);
    // The fingerprint never ran a model and never sent a credential.
    expect(run.stderr).not.toContain(TEST_KEY);
  }, 120_000);

  it('--shard 1/4 … 4/4 then merge gives the single run, byte for byte, in JSON, CSV and Markdown', async () => {
    const shards = [1, 2, 3, 4].map((k) => file(`shard-${k}.json`));
    const runs = await Promise.all(
      shards.map((out, i) => runCli([...discoverArgs(fleet.cidr, ['--rate', '1000']), '--shard', `${i + 1}/4`, '--format', 'json', '--output', out])),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const parts = shards.map(inventoryOf);
    const single = inventoryOf(file('single.json'));
    console.log(
      [
        'Shards vs single run (discover)',
        '| run | shard | hosts | probes | open | services | LLM servers |',
        '|---|---|---:|---:|---:|---:|---:|',
        ...parts.map(
          (p) =>
            `| shard | ${p.shard!.index}/${p.shard!.count} | ${p.stats.hosts} | ${p.stats.probes} | ${p.stats.open} | ${p.stats.services} | ${p.stats.llm} |`,
        ),
        `| 4 shards summed | — | ${parts.reduce((n, p) => n + p.stats.hosts, 0)} | ` +
          `${parts.reduce((n, p) => n + p.stats.probes, 0)} | ${parts.reduce((n, p) => n + p.stats.open, 0)} | ` +
          `${parts.reduce((n, p) => n + p.stats.services, 0)} | ${parts.reduce((n, p) => n + p.stats.llm, 0)} |`,
        `| single run | — | ${single.stats.hosts} | ${single.stats.probes} | ${single.stats.open} | ${single.stats.services} | ${single.stats.llm} |`,
      ].join('\n'),
    );
    // Balanced: 512 hosts in four shares of 128, each host in exactly one.
    expect(parts.map((p) => p.stats.hosts)).toEqual([128, 128, 128, 128]);
    const hostsOf = (p: Inventory) => new Set(p.services.map((s) => s.address));
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) for (const a of hostsOf(parts[i]!)) expect(hostsOf(parts[j]!).has(a)).toBe(false);

    const merged = await runCli(['merge', ...shards, '--format', 'json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(readFileSync(file('single.json'), 'utf8'));
    for (const format of ['csv', 'markdown']) {
      const fromShards = await runCli(['merge', ...shards, '--format', format]);
      const fromSingle = await runCli(['merge', file('single.json'), '--format', format]);
      expect(fromShards.code).toBe(0);
      expect(fromShards.stdout).toBe(fromSingle.stdout);
    }
    // An incomplete set is refused with a sentence, never merged into a smaller "whole".
    const missing = await runCli(['merge', shards[0]!, shards[1]!, shards[3]!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Shard 3\/4 is missing/);
  }, 120_000);

  it('keeps the pace (--rate) and the per-host limit, as measured at the servers', async () => {
    // Every port of this block listens, so every connection the sweep opens is seen and timed by a server.
    const page = await startIntranetPage();
    const [port1, port2] = await freePorts(2, random(5));
    const b = Number(fleet.cidr.split('.')[1]); // 127.b.7.0/26: beside the fleet's 127.b.0.0/23
    const listeners: Server[] = [];
    const seen: { address: string; openedAt: number; closedAt?: number }[] = [];
    try {
      for (let h = 0; h < 48; h++) {
        for (const port of [port1!, port2!]) {
          const address = `127.${b}.7.${h}`;
          const server = createServer((socket) => {
            const c: (typeof seen)[number] = { address, openedAt: performance.now() };
            seen.push(c);
            socket.on('close', () => (c.closedAt = performance.now()));
            page.serve(socket);
          });
          await new Promise<void>((r) => server.listen(port, address, r));
          listeners.push(server);
        }
      }
      const rate = 100;
      // The servers share this process with others: a connection is timed when the event loop gets to it, so a late tick
      // can bunch a few into one instant. The loop's worst delay during the sweep is measured and allowed for.
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const run = await runCli([
        'discover',
        `127.${b}.7.0-127.${b}.7.47`,
        '--ports',
        `${port1},${port2}`,
        '--rate',
        String(rate),
        '--per-host',
        '2',
        '--format',
        'json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      lag.disable();
      const lagMs = lag.max / 1e6;
      const inventory = InventorySchema.parse(JSON.parse(run.stdout));
      expect(inventory.services).toHaveLength(96);
      const granted = Number(/\((\d+) connections/.exec(run.stderr)?.[1]);
      // Every connection the limiter let through reached a server here, and nothing else did.
      expect(seen.length).toBe(granted);
      const times = seen.map((c) => c.openedAt).sort((x, y) => x - y);
      let worst = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= 1000) j++;
        worst = Math.max(worst, i - j + 1);
      }
      const span = (times[times.length - 1]! - times[0]!) / 1000;
      const perHost = new Map<string, number>();
      for (const c of seen) {
        const overlapping = seen.filter((o) => o.address === c.address && o.openedAt <= c.openedAt && (o.closedAt ?? Infinity) > c.openedAt).length;
        perHost.set(c.address, Math.max(perHost.get(c.address) ?? 0, overlapping));
      }
      const worstHost = Math.max(...perHost.values());
      console.log(
        [
          `Pace and per-host limit, measured at the servers (${seen.length} connections to 48 addresses × 2 ports, all listening)`,
          '| --rate | busiest 1 s window | server event-loop lag (max) | average over the sweep | --per-host | most connections open at once to one address |',
          '|---:|---:|---:|---:|---:|---:|',
          `| ${rate}/s | ${worst} | ${lagMs.toFixed(0)} ms | ${(seen.length / span).toFixed(1)}/s | 2 | ${worstHost} |`,
        ].join('\n'),
      );
      // The bucket holds a twentieth of a second's worth: no second ever sees more than the rate and that burst (plus what
      // the servers' late ticks may have pushed into it).
      expect(worst).toBeLessThanOrEqual(Math.ceil((rate * (1000 + lagMs)) / 1000) + rate / 20 + 1);
      expect(seen.length / span).toBeLessThanOrEqual(rate * 1.05);
      expect(worstHost).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all(listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
      await page.close();
    }
  }, 60_000);

  it('keeps memory flat: a shard of a /12 holds no more than a small range does', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const [port] = await freePorts(1, random(9));
    const b = Number(fleet.cidr.split('.')[1]);
    const live = async (scopeText: string, shard?: { index: number; count: number }) => {
      gc();
      const before = process.memoryUsage().heapUsed;
      let middle = 0;
      const scope = parseScope([scopeText]);
      const result = await sweep(scope, {
        ports: [port!],
        policy: { allowPrivate: false, allow: [] },
        rate: 20_000,
        ...(shard ? { shard } : {}),
        onProgress: (p) => {
          if (p.done === Math.floor(p.total / 2)) {
            gc();
            middle = process.memoryUsage().heapUsed - before;
          }
        },
      });
      gc();
      return { hosts: result.stats.hosts, middle, after: process.memoryUsage().heapUsed - before };
    };
    // Warm-up: the code V8 optimizes during a first long sweep is heap too, and belongs to no sweep.
    await live(`127.${(b & 0xf0) ^ 0x10}.0.0/12`, { index: 2, count: 256 });
    // 127.(b+16)/12 avoids the fleet's own addresses; all closed, as most of a real range is.
    const big = await live(`127.${(b & 0xf0) ^ 0x10}.0.0/12`, { index: 1, count: 64 });
    const small = await live(`127.${b}.200.0/22`);
    const MiB = 1024 * 1024;
    console.log(
      [
        'Memory of a sweep (live heap after a collection, relative to before it)',
        '| scope | hosts visited | in the middle | at the end |',
        '|---|---:|---:|---:|',
        `| /12, shard 1/64 (1,048,576 addresses) | ${big.hosts} | ${(big.middle / MiB).toFixed(2)} MiB | ${(big.after / MiB).toFixed(2)} MiB |`,
        `| /22 (1,024 addresses) | ${small.hosts} | ${(small.middle / MiB).toFixed(2)} MiB | ${(small.after / MiB).toFixed(2)} MiB |`,
      ].join('\n'),
    );
    expect(big.hosts).toBe(16_384);
    // A list of the scope's million addresses would be tens of MiB; a record per visited host, a few.
    expect(big.middle).toBeLessThan(4 * MiB);
    expect(big.after).toBeLessThan(1 * MiB);
    expect(big.middle - small.middle).toBeLessThan(2 * MiB);
  }, 120_000);
});

describe('sharded scans and merge', () => {
  it('discover --scan on 4 shards, merged, gives the single run: the same servers scanned in the same order with the same verdicts', async () => {
    // The first sixteen addresses of the fleet that hold at least four LLM servers, scanned fully.
    const [b1, b2] = fleet.cidr.split('.');
    const block = (s: { address: string }) => Math.floor((Number(s.address.split('.')[2]) * 256 + Number(s.address.split('.')[3])) / 16);
    const counts = new Map<number, number>();
    for (const s of fleet.slots) if (s.kind.llm) counts.set(block(s), (counts.get(block(s)) ?? 0) + 1);
    const first = Math.min(...[...counts].filter(([, n]) => n >= 4).map(([blk]) => blk)) * 16;
    const scope = `${b1}.${b2}.${first >> 8}.${first & 255}/28`;
    const args = discoverArgs(scope, ['--scan', '--fail-on', 'none', '--format', 'json']);
    const single = await runCli([...args, '--output', file('scan-single.json')]);
    expect(single.code, single.stderr).toBe(0);
    const shardFiles = [1, 2, 3, 4].map((k) => file(`scan-shard-${k}.json`));
    const runs = await Promise.all(shardFiles.map((out, i) => runCli([...args, '--shard', `${i + 1}/4`, '--output', out])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const merged = await runCli(['merge', ...shardFiles, '--format', 'json', '--fail-on', 'none']);
    expect(merged.code, merged.stderr).toBe(0);
    const a = inventoryOf(file('scan-single.json'));
    const b = InventorySchema.parse(JSON.parse(merged.stdout)) as Inventory;
    expect({ ...b, scans: undefined }).toEqual({ ...a, scans: undefined });
    const llm = a.services.filter((s: FleetService) => s.llm);
    expect(llm.length).toBeGreaterThan(0);
    expect(a.scans!.reports.map((r) => r.target.url)).toEqual(llm.map((s) => s.url));
    expect(batchVerdicts(b.scans!)).toEqual(batchVerdicts(a.scans!));

    const sarif = await runCli(['merge', ...shardFiles, '--format', 'sarif', '--fail-on', 'none']);
    const log = JSON.parse(sarif.stdout);
    expect(validateSarif(log).valid).toBe(true);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].invocations).toHaveLength(llm.length);
  }, 180_000);

  it('scan --targets --shard K/N on 4 shards, merged, gives the single batch in the order of the file', async () => {
    const llm = fleet.slots
      .filter((s) => s.kind.llm)
      .filter((_, i) => i % 13 === 0)
      .slice(0, 9);
    const lines = [...llm.map((s) => `http://${key(s)}/`), 'http://169.254.169.254/latest/meta-data/', `http://${key(llm[0]!).replace(/:\d+$/, ':1')}/`];
    writeFileSync(file('targets.txt'), `${lines.join('\n')}\n`);
    const args = ['scan', '--targets', file('targets.txt'), '--format', 'json', '--fail-on', 'none', '--parallel', '4'];
    const single = await runCli([...args, '--output', file('batch-single.json')]);
    expect(single.code, single.stderr).toBe(2); // two targets cannot be scanned
    const shardFiles = [1, 2, 3, 4].map((k) => file(`batch-shard-${k}.json`));
    const runs = await Promise.all(shardFiles.map((out, i) => runCli([...args, '--shard', `${i + 1}/4`, '--output', out])));
    const shards = shardFiles.map((f) => BatchReportSchema.parse(JSON.parse(readFileSync(f, 'utf8'))));
    // index modulo N over the file: 11 targets in shares of 3, 3, 3, 2
    expect(shards.map((s) => s.reports.length + s.errors.length)).toEqual([3, 3, 3, 2]);
    for (const r of runs) expect([0, 2]).toContain(r.code);
    const merged = await runCli(['merge', ...shardFiles, '--format', 'json', '--fail-on', 'none']);
    expect(merged.code).toBe(2);
    const a = BatchReportSchema.parse(JSON.parse(readFileSync(file('batch-single.json'), 'utf8'))) as BatchReport;
    const b = BatchReportSchema.parse(JSON.parse(merged.stdout)) as BatchReport;
    expect(b.shard).toBeUndefined();
    expect(batchVerdicts(b)).toEqual(batchVerdicts(a));
    expect(b.reports.map((r) => r.target.url)).toEqual(llm.map((s) => `http://${key(s)}/`));

    const sarif = JSON.parse((await runCli(['merge', ...shardFiles, '--format', 'sarif', '--fail-on', 'none'])).stdout);
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].invocations).toHaveLength(lines.length);
    expect(sarif.runs[0].invocations.filter((i: { executionSuccessful: boolean }) => !i.executionSuccessful)).toHaveLength(2);
  }, 180_000);
});

describe('discover by name, from a file, and cancelled', () => {
  it('resolves each name once through the guard, pins it, and lists the service under its name', async () => {
    const slot = fleet.slots.find((s) => s.kind.product === 'ollama')!;
    const lookups: string[] = [];
    const result = await sweep(parseScope(['ollama-box.lan', 'gone.lan', 'imds.lan']), {
      ports: [slot.port],
      policy: { allowPrivate: false, allow: [] },
      rate: 1000,
      resolver: async (name) => {
        lookups.push(name);
        if (name === 'gone.lan') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        return [{ address: name === 'imds.lan' ? '169.254.169.254' : slot.address, family: 4 }];
      },
    });
    expect(lookups.sort()).toEqual(['gone.lan', 'imds.lan', 'ollama-box.lan']);
    expect(result.services.map((s) => [s.host, s.address, s.url, s.product])).toEqual([
      ['ollama-box.lan', slot.address, `http://ollama-box.lan:${slot.port}/`, 'ollama'],
    ]);
    expect(result.stats).toMatchObject({ hosts: 3, unresolved: 1, refused: 1, probes: 1 });
    expect(result.errors.map((e) => e.target)).toEqual(['gone.lan', 'imds.lan']);
    expect(result.errors[1]!.message).toMatch(/metadata/);
  });

  it('reads the scope from --targets, and on Ctrl-C writes the partial inventory and exits 2', async () => {
    writeFileSync(file('scope.txt'), `# the fleet, and a wide range swept slowly\n${fleet.cidr}\n127.${Number(fleet.cidr.split('.')[1])}.64.0/18  # closed\n`);
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('./mcp-client.js');
    const child = spawn(
      process.execPath,
      [CLI, 'discover', '--targets', file('scope.txt'), '--ports', fleet.ports.join(','), '--rate', '300', '--format', 'json'],
      {
        env: { ...process.env, GATECRASH_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/cancelled; the inventory is partial/);
    const partial = InventorySchema.parse(JSON.parse(stdout));
    expect(partial.partial).toBe(true);
    expect(partial.scope).toEqual([fleet.cidr, `127.${Number(fleet.cidr.split('.')[1])}.64.0/18`]);
    expect(partial.stats.hosts).toBeGreaterThan(0);
    expect(partial.stats.hosts).toBeLessThan(ADDRESSES + 16_384);
  }, 30_000);
});

describe('discover refuses what it must never touch, in one sentence', () => {
  it('refuses metadata and link-local always, and private ranges without --allow-private, before any connection', async () => {
    const cases: [string[], RegExp][] = [
      [['discover', '169.254.169.254', '--allow-private', '--allow', '169.254.0.0/16'], /metadata or link-local/],
      [['discover', '169.254.0.0/16', '--allow-private'], /metadata or link-local/],
      [['discover', '10.0.0.0/8'], /private-network address.*--allow-private/],
      [['discover', '10.0.0.5', '--allow', '127.0.0.1'], /No host of the scope could be swept.*10\.0\.0\.5/],
      [['discover', '0.0.0.0/4'], /at most 16,777,216/],
      [['discover', 'fd00::/64'], /at most 16,777,216/],
      [['discover', '127.0.0.1', '--shard', '0/4'], /--shard takes K\/N/],
      [['discover', '127.0.0.1', '--ports', '0'], /--ports takes ports from 1 to 65535/],
      [['discover', '127.0.0.1', '--rate', '0'], /--rate takes a whole number of new connections a second from 1 to \d+; got '0'\./],
      [['discover', '127.0.0.1', '--format', 'sarif'], /SARIF holds the findings of scans/],
      [['discover', 'not_a host!'], /neither an address/],
      [['merge', join(tmpdir(), 'gatecrash-no-such-file.json')], /does not exist/],
      [['discover', '--targets', join(tmpdir(), 'gatecrash-no-such-scope.txt')], /scope file .* does not exist/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const run = runs[i]!;
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
    }
  }, 60_000);

  it('counts metadata addresses inside a swept range as refused and never probes them, whatever the allow-list says', async () => {
    const connects: string[] = [];
    const result = await sweep(parseScope(['100.100.100.199-100.100.100.201']), {
      ports: [80],
      policy: { allowPrivate: true, allow: ['127.0.0.0/8', '100.100.100.200'] },
      rate: 1000,
      onService: (s) => connects.push(s.url),
    });
    // .200 is Alibaba's metadata service: refused though listed; .199 and .201 are off the allow-list.
    expect(result.stats).toMatchObject({ hosts: 3, refused: 3, probes: 0 });
    expect(connects).toEqual([]);
  });
});
