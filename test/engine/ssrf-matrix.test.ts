// The SSRF guard, complete: every spelling of a forbidden address, names that resolve to one, redirects towards one,
// DNS answers that change between lookups, and the allow-list. The claim under test is "no connection to a forbidden
// address ever leaves the process", so it is asserted with connection accounting: every socket the process opens
// (net.connect via diagnostics_channel, tls.connect via a spy, undici's own connect channels) has its address recorded,
// and at the end of the file every recorded address must be loopback — the only place the emulators listen.
import { spawn } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFrom } from '../../src/commands/options.js';
import { classifyAddress, GuardError, type Resolver, resolveAndPin } from '../../src/engine/http/guard.js';
import { scan } from '../../src/engine/scan.js';
import type { ScanOptions } from '../../src/engine/types.js';
import { createServer } from '../../src/server.js';
import { CLI } from '../e2e/mcp-client.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import { type RunningTarget, startTarget } from '../targets/harness.js';

// ---------- connection accounting ----------

/** Every address a socket of this process tried to connect to, in order. */
const connects: string[] = [];
const onNetSocket = (message: unknown) => {
  const socket = (message as { socket: Socket }).socket;
  socket.on('connectionAttempt', (ip: string) => connects.push(ip));
};
/** Cross-check from undici's side: the peer of every connection undici reports as established. */
const undiciPeers: string[] = [];
const onUndiciConnected = (message: unknown) => {
  const ip = (message as { socket?: Socket }).socket?.remoteAddress;
  if (ip) undiciPeers.push(ip);
};
const realTlsConnect = tls.connect;

function startAccounting(): void {
  dc.subscribe('net.client.socket', onNetSocket);
  dc.subscribe('undici:client:connected', onUndiciConnected);
  // tls.connect does not publish on net.client.socket; undici calls it through the module object, so a wrapper sees it.
  (tls as { connect: unknown }).connect = (...args: unknown[]) => {
    const socket = (realTlsConnect as (...a: unknown[]) => tls.TLSSocket)(...args);
    socket.on('connectionAttempt', (ip: string) => connects.push(ip));
    return socket;
  };
}

function stopAccounting(): void {
  dc.unsubscribe('net.client.socket', onNetSocket);
  dc.unsubscribe('undici:client:connected', onUndiciConnected);
  (tls as { connect: unknown }).connect = realTlsConnect;
}

const isLoopback = (ip: string) => classifyAddress(ip).cls === 'loopback';

// ---------- the matrix ----------

interface Row {
  group: string;
  input: string;
  expected: 'refused' | 'scanned' | 'pinned';
  outcome: string;
  connects: string;
}
const rows: Row[] = [];

interface StubResolver extends Resolver {
  calls: string[];
}

/** A DNS stub: fixed answers per name (trailing dot and case ignored), or a function of the call number (rebinding). */
function stubResolver(answers: Record<string, string[] | ((call: number) => string[])>): StubResolver {
  const calls: string[] = [];
  const r = (async (host: string) => {
    calls.push(host);
    const a = answers[host.replace(/\.$/, '').toLowerCase()];
    if (a === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const list = typeof a === 'function' ? a(calls.filter((c) => c.replace(/\.$/, '').toLowerCase() === host.replace(/\.$/, '').toLowerCase()).length) : a;
    return list.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  }) as StubResolver;
  r.calls = calls;
  return r;
}

interface Outcome {
  refused?: string;
  sent?: number;
  newConnects: string[];
}

async function scanCase(url: string, options: Partial<ScanOptions> = {}, resolver?: Resolver): Promise<Outcome> {
  const before = connects.length;
  try {
    const report = await scan({ url }, { timeoutMs: 8000, ...options }, resolver ? { resolver } : {});
    return { sent: report.requests.sent, newConnects: connects.slice(before) };
  } catch (e) {
    // Only the guard (and the URL parser) may stop a scan before it starts.
    expect(['GuardError', 'TargetError'], (e as Error).message).toContain((e as Error).name);
    return { refused: (e as Error).message, newConnects: connects.slice(before) };
  }
}

function summarize(addresses: string[]): string {
  if (addresses.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const a of addresses) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts].map(([a, n]) => `${a}×${n}`).join(' ');
}

function short(message: string): string {
  const m = /^Refused to scan [^:]+: (.*)$/.exec(message)?.[1] ?? message;
  return m.length > 70 ? `${m.slice(0, 67)}…` : m;
}

async function expectRefused(group: string, url: string, options: Partial<ScanOptions> = {}, resolver?: Resolver, label = url): Promise<Outcome> {
  const out = await scanCase(url, options, resolver);
  rows.push({
    group,
    input: label,
    expected: 'refused',
    outcome: out.refused ? `refused: ${short(out.refused)}` : `SCANNED (${out.sent} requests)`,
    connects: summarize(out.newConnects),
  });
  expect(out.refused, `${url} must be refused`).toBeDefined();
  expect(out.newConnects, `${url} opened connections`).toEqual([]);
  return out;
}

async function expectScanned(group: string, url: string, options: Partial<ScanOptions> = {}, resolver?: Resolver, label = url): Promise<Outcome> {
  const out = await scanCase(url, options, resolver);
  rows.push({
    group,
    input: label,
    expected: 'scanned',
    outcome: out.refused ? `REFUSED: ${short(out.refused)}` : `scanned (${out.sent} requests)`,
    connects: summarize(out.newConnects),
  });
  expect(out.refused, `${url} must be scanned`).toBeUndefined();
  expect(out.sent).toBeGreaterThan(0);
  expect(out.newConnects.length).toBeGreaterThan(0);
  for (const ip of out.newConnects) expect(isLoopback(ip), `${url} connected to ${ip}`).toBe(true);
  return out;
}

function printMatrix(): void {
  const head: Row = { group: 'group', input: 'input', expected: 'refused', outcome: 'outcome', connects: 'connections opened' };
  const width = (k: keyof Row) => Math.max(...[head, ...rows].map((r) => String(k === 'expected' && r === head ? 'expect' : r[k]).length));
  const cols: (keyof Row)[] = ['group', 'input', 'expected', 'outcome', 'connects'];
  const line = (r: Row) => `| ${cols.map((k) => String(k === 'expected' && r === head ? 'expect' : r[k]).padEnd(width(k))).join(' | ')} |`;
  const out = [line(head), `|${cols.map((k) => '-'.repeat(width(k) + 2)).join('|')}|`, ...rows.map(line)];
  console.log(`\nSSRF matrix (${rows.length} cases; every connection of the process recorded)\n${out.join('\n')}\n`);
}

describe('SSRF matrix', () => {
  let wrapper: RunningTarget;
  let redirector: RunningTarget;
  let P: number;

  beforeAll(async () => {
    startAccounting();
    wrapper = await startFastapiWrapper({});
    P = wrapper.port;
    // Every answer is a redirect towards a forbidden address (or back to itself): none may be followed.
    const locations = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
      '/loop',
    ];
    const statuses = [301, 302, 303, 307, 308];
    let n = 0;
    redirector = await startTarget((_req, res) => {
      const i = n++;
      res.writeHead(statuses[i % statuses.length]!, { location: locations[i % locations.length]!, 'content-length': '0' });
      res.end();
    });
  });

  afterAll(async () => {
    stopAccounting();
    await wrapper?.close();
    await redirector?.close();
    printMatrix();
  });

  it('refuses every spelling of the metadata address, with no connection', async () => {
    const g = 'metadata spelling';
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/', // decimal
      'http://0251.0376.0251.0376/', // octal
      'http://0xa9fea9fe/', // hex
      'http://0xa9.0376.43518/', // mixed radix, short form
      'http://169.254.43518/', // short form
      'http://169.254.169.254./', // trailing dot
      'http://%31%36%39.254.169.254/', // percent-encoded
      'http://１６９.２５４.１６９.２５４/', // full-width digits (IDNA maps them)
      'http://[::ffff:169.254.169.254]/', // IPv4-mapped IPv6
      'http://[::ffff:a9fe:a9fe]/',
      'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
      'http://[::169.254.169.254]/', // IPv4-compatible IPv6 (deprecated)
      'http://[64:ff9b::a9fe:a9fe]/', // NAT64
      'http://[2002:a9fe:a9fe::]/', // 6to4
      'http://[fe80::a9fe:a9fe]/', // IPv6 link-local
      'http://[fd00:ec2::254]/', // AWS IMDS over IPv6
      'http://100.100.100.200/', // Alibaba
      'http://168.63.129.16/', // Azure wireserver
      'http://169.254.170.2/v2/credentials', // ECS task credentials
      `http://169.254.169.254:${P}/`,
    ]) {
      await expectRefused(g, url, { allowPrivate: true });
    }
  });

  it('refuses userinfo tricks, whatever sits on either side of the @', async () => {
    const g = 'userinfo';
    const r = stubResolver({ 'good.example': ['127.0.0.1'] });
    for (const url of [
      'http://good@169.254.169.254/',
      `http://127.0.0.1:${P}@169.254.169.254/`,
      'http://169.254.169.254@good.example/',
      'http://user:pass@good.example/',
      'http://%40@169.254.169.254/',
    ]) {
      await expectRefused(g, url, {}, r);
    }
    // A backslash is a path separator in special URLs: the host is good.example, and only it is contacted.
    await expectScanned(g, `http://good.example:${P}\\@169.254.169.254/`, {}, r);
  });

  it('refuses unspecified, broadcast, multicast and reserved addresses in every spelling', async () => {
    const g = 'unspecified/reserved';
    for (const url of [
      'http://0/',
      'http://0.0.0.0/',
      `http://0.0.0.0:${P}/`,
      'http://0x0/',
      'http://000.0.0.0/',
      `http://[::]:${P}/`,
      'http://[::ffff:0.0.0.0]/',
      'http://[::0]/',
      'http://255.255.255.255/',
      'http://224.0.0.1/',
      'http://[ff02::1]/',
      'http://240.0.0.1/',
      'http://192.0.2.1/',
      'http://[2001:db8::1]/',
    ]) {
      await expectRefused(g, url);
    }
  });

  it('refuses private ranges unless --allow-private, in every spelling', async () => {
    const g = 'private (default)';
    for (const url of [
      'http://10.0.0.1/',
      'http://0x0a000001/',
      'http://012.0.0.1/',
      'http://10.1/',
      'http://172.16.0.1/',
      'http://192.168.0.1/',
      'http://100.64.0.1/',
      'http://[fc00::1]/',
      'http://[fec0::1]/',
      'http://[::ffff:10.0.0.1]/',
      'http://[::ffff:c0a8:1]/',
    ]) {
      await expectRefused(g, url);
    }
    // With --allow-private the guard pins the address (checked here without a scan: no traffic to a real network).
    for (const url of ['http://0x0a000001/', 'http://[::ffff:c0a8:1]/', 'http://[fec0::1]/']) {
      const pinned = await resolveAndPin(new URL(url), { allowPrivate: true, allow: [] });
      rows.push({
        group: 'private (--allow-private)',
        input: url,
        expected: 'pinned',
        outcome: `pinned ${pinned.address} (guard only)`,
        connects: 'not scanned',
      });
    }
  });

  it('scans loopback in every spelling, and connects to loopback only', async () => {
    const g = 'loopback spelling';
    for (const url of [
      `http://127.0.0.1:${P}/generate`,
      `http://2130706433:${P}/generate`,
      `http://017700000001:${P}/generate`,
      `http://0x7f000001:${P}/generate`,
      `http://127.1:${P}/generate`,
      `http://127.0.0.1.:${P}/generate`,
      `http://[::ffff:127.0.0.1]:${P}/generate`,
    ]) {
      await expectScanned(g, url, { surfaceOnly: true });
    }
  });

  it('refuses names whose answers are forbidden, and pins names whose answers are allowed', async () => {
    const g = 'name → answer (stub DNS)';
    const r = stubResolver({
      '169.254.169.254.nip.io': ['169.254.169.254'],
      'metadata.google.internal': ['169.254.169.254'],
      'imds6.test': ['fd00:ec2::254'],
      'mapped.test': ['::ffff:169.254.169.254'],
      'compat.test': ['::a9fe:a9fe'],
      'octal-answer.test': ['0251.0376.0251.0376'],
      'mixed.test': ['127.0.0.1', '169.254.169.254'],
      'mixed6.test': ['::1', 'fe80::1'],
      'zero.test': ['0.0.0.0'],
      'unspecified6.test': ['::'],
      'private.test': ['10.0.0.5'],
      'junk.test': ['not-an-address'],
      'empty.test': [],
      'localtest.test': ['127.0.0.1'],
      'hexloop.test': ['0x7f.0.0.1'],
      'upper6.test': ['::FFFF:7F00:1'],
    });
    for (const host of [
      '169.254.169.254.nip.io',
      'metadata.google.internal',
      'imds6.test',
      'mapped.test',
      'compat.test',
      'octal-answer.test',
      'mixed.test',
      'mixed6.test',
      'zero.test',
      'unspecified6.test',
      'private.test',
      'junk.test',
      'empty.test',
      'nxdomain.test',
    ]) {
      const answer = host === 'nxdomain.test' ? 'ENOTFOUND' : `[${(await r(host)).map((a) => a.address).join(', ')}]`;
      const lookups = r.calls.length;
      await expectRefused(g, `http://${host}:${P}/`, {}, r, `${host} → ${answer}`);
      // One lookup per scan: the guard never asks twice.
      expect(r.calls.length - lookups).toBe(1);
    }
    await expectScanned(g, `http://localtest.test:${P}/generate`, { surfaceOnly: true }, r, 'localtest.test → 127.0.0.1');
    await expectScanned(g, `http://LOCALTEST.test.:${P}/generate`, { surfaceOnly: true }, r, 'LOCALTEST.test. (trailing dot) → 127.0.0.1');
    // A resolver answering in a non-canonical spelling: the pin is the canonical form of what was judged.
    await expectScanned(g, `http://hexloop.test:${P}/generate`, { surfaceOnly: true }, r, 'hexloop.test → 0x7f.0.0.1');
    await expectScanned(g, `http://upper6.test:${P}/generate`, { surfaceOnly: true }, r, 'upper6.test → ::FFFF:7F00:1');
  });

  it('never follows a redirect: 3xx towards metadata, IPv6 IMDS, a name or itself lead to no further connection', async () => {
    const r = stubResolver({ 'redirect.test': ['127.0.0.1'], 'metadata.google.internal': ['169.254.169.254'] });
    const before = redirector.requests.length;
    const connectsBefore = connects.length;
    const report = await scan({ url: `http://redirect.test:${redirector.port}/generate` }, { timeoutMs: 8000 }, { resolver: r });
    const out = connects.slice(connectsBefore);
    const seen = redirector.requests.length - before;
    rows.push({
      group: 'redirects',
      input: 'redirect.test → 3xx to 169.254.169.254, [::ffff:a9fe:a9fe], metadata.google.internal, [fd00:ec2::254], /loop',
      expected: 'scanned',
      outcome: `${report.requests.sent} requests sent, ${seen} received, 0 followed; ${r.calls.length} lookup`,
      connects: summarize(out),
    });
    // Every request the engine sent arrived at the redirector, and nothing else did: no redirect was followed, not even to itself.
    expect(seen).toBe(report.requests.sent);
    expect(report.requests.sent).toBeGreaterThan(5);
    expect(r.calls).toEqual(['redirect.test']);
    for (const ip of out) expect(isLoopback(ip), ip).toBe(true);
  });

  it('resolves once and pins: a DNS answer that changes to metadata after the first lookup is never used', async () => {
    // Rebinding: the first answer is allowed (loopback, where the emulator listens), every later answer is IMDS.
    const r = stubResolver({ 'rebind.test': (call) => (call === 1 ? ['127.0.0.1'] : ['169.254.169.254']) });
    const before = connects.length;
    const requestsBefore = wrapper.requests.length;
    const report = await scan({ url: `http://rebind.test:${P}/generate` }, { timeoutMs: 8000 }, { resolver: r });
    const mine = connects.slice(before);
    rows.push({
      group: 'DNS rebinding',
      input: 'rebind.test → 127.0.0.1, then 169.254.169.254',
      expected: 'scanned',
      outcome: `${report.requests.sent} requests over ${mine.length} connections; ${r.calls.length} lookup`,
      connects: summarize(mine),
    });
    expect(r.calls).toEqual(['rebind.test']);
    expect(report.requests.sent).toBeGreaterThan(10);
    expect(wrapper.requests.length - requestsBefore).toBe(report.requests.sent);
    // Several sockets were opened (concurrency 8), each through the pinned answer, none through a second lookup.
    expect(mine.length).toBeGreaterThan(1);
    for (const ip of mine) expect(ip).toBe('127.0.0.1');
    // The next scan is a new resolution: it sees the metadata answer and is refused before any connection.
    await expectRefused('DNS rebinding', `http://rebind.test:${P}/generate`, {}, r, 'rebind.test, next scan → 169.254.169.254');
    expect(r.calls).toEqual(['rebind.test', 'rebind.test']);
  });

  it('honours the allow-list (--allow / GATECRASH_ALLOW): hosts, IPs, CIDRs; never lifts the metadata refusal', async () => {
    const g = 'allow-list';
    const r = stubResolver({ 'llm.test': ['127.0.0.1'], 'evil.test': ['169.254.169.254'] });
    const url = `http://127.0.0.1:${P}/generate`;
    await expectRefused(g, url, { allow: ['other.example'] }, r, `${url}  allow=other.example`);
    await expectScanned(g, url, { allow: ['127.0.0.1'], surfaceOnly: true }, r, `${url}  allow=127.0.0.1`);
    await expectScanned(g, url, { allow: ['127.0.0.0/8'], surfaceOnly: true }, r, `${url}  allow=127.0.0.0/8`);
    await expectScanned(
      g,
      `http://[::ffff:127.0.0.1]:${P}/generate`,
      { allow: ['[::ffff:127.0.0.1]'], surfaceOnly: true },
      r,
      `[::ffff:127.0.0.1]  allow=[::ffff:127.0.0.1]`,
    );
    await expectScanned(g, `http://LLM.test.:${P}/generate`, { allow: ['llm.test'], surfaceOnly: true }, r, 'LLM.test. → 127.0.0.1  allow=llm.test');
    await expectRefused(g, `http://llm.test:${P}/generate`, { allow: ['other.test', '10.0.0.0/8'] }, r, 'llm.test → 127.0.0.1  allow=other.test,10.0.0.0/8');
    await expectRefused(g, `http://evil.test:${P}/`, { allow: ['evil.test'] }, r, 'evil.test → 169.254.169.254  allow=evil.test');
    await expectRefused(
      g,
      'http://169.254.169.254/',
      { allow: ['169.254.169.254', '169.254.0.0/16'], allowPrivate: true },
      r,
      '169.254.169.254  allow=169.254.169.254,169.254.0.0/16',
    );
    await expectRefused(g, 'http://good.example@169.254.169.254/', { allow: ['good.example'] }, r, 'good.example@169.254.169.254  allow=good.example');
    // A listed private host needs no --allow-private: naming it is the user's consent (guard only, no traffic).
    const pinned = await resolveAndPin(new URL('http://10.0.0.5:8000/'), { allowPrivate: false, allow: ['10.0.0.0/8'] });
    rows.push({
      group: g,
      input: 'http://10.0.0.5:8000/  allow=10.0.0.0/8',
      expected: 'pinned',
      outcome: `pinned ${pinned.address} (guard only)`,
      connects: 'not scanned',
    });
    await expect(resolveAndPin(new URL('http://10.0.0.5:8000/'), { allowPrivate: false, allow: [] })).rejects.toBeInstanceOf(GuardError);
    // The environment variable maps onto the same option.
    expect(configFrom({ values: {}, positionals: [], spelt: {} }, { GATECRASH_ALLOW: ' llm.test, 10.0.0.0/8 ,' }).allow).toEqual(['llm.test', '10.0.0.0/8']);
  });

  it('the CLI maps --allow and GATECRASH_ALLOW (flags win)', async () => {
    const g = 'allow-list (CLI)';
    const url = `http://127.0.0.1:${P}/generate`;
    const cases: { label: string; args: string[]; env: Record<string, string>; refused: boolean }[] = [
      { label: 'GATECRASH_ALLOW=other.example', args: [], env: { GATECRASH_ALLOW: 'other.example' }, refused: true },
      { label: '--allow other.example', args: ['--allow', 'other.example'], env: {}, refused: true },
      { label: '--allow 127.0.0.1', args: ['--allow', '127.0.0.1'], env: {}, refused: false },
      { label: 'GATECRASH_ALLOW=127.0.0.1 --allow other.example', args: ['--allow', 'other.example'], env: { GATECRASH_ALLOW: '127.0.0.1' }, refused: true },
      {
        label: 'GATECRASH_ALLOW=other.example --allow 127.0.0.0/8',
        args: ['--allow', '127.0.0.0/8'],
        env: { GATECRASH_ALLOW: 'other.example' },
        refused: false,
      },
    ];
    for (const c of cases) {
      const before = wrapper.requests.length;
      const run = await runCli(['scan', url, '--format', 'json', '--depth', 'quick', ...c.args], c.env);
      const received = wrapper.requests.length - before;
      rows.push({
        group: g,
        input: c.label,
        expected: c.refused ? 'refused' : 'scanned',
        outcome: c.refused ? `exit ${run.code}: ${short(run.stderr.replace(/^gatecrash: /, '').trim())}` : `exit ${run.code}, ${received} requests received`,
        connects: 'child process',
      });
      if (c.refused) {
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toMatch(/allow-list/);
        expect(received).toBe(0);
      } else {
        expect([0, 1], run.stderr).toContain(run.code);
        expect(received).toBeGreaterThan(0);
      }
    }
  });

  it('the MCP server applies the allow-list fixed at start; a tool call cannot lift it', async () => {
    const g = 'allow-list (MCP)';
    const server = createServer({ settings: { allow: ['other.example'] } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'ssrf-matrix', version: '0.0.0' });
    await Promise.all([server.connect(serverSide), client.connect(clientSide as never)]);
    try {
      for (const url of [`http://127.0.0.1:${P}/generate`, 'http://169.254.169.254/latest/meta-data/', `http://[::169.254.169.254]:${P}/`]) {
        const before = connects.length;
        const res = await client.callTool({ name: 'scan_endpoint', arguments: { url, timeoutMs: 5000 } });
        const text = JSON.stringify(res.content);
        rows.push({
          group: g,
          input: `scan_endpoint ${url}  (server --allow other.example)`,
          expected: 'refused',
          outcome: res.isError ? `isError: ${short(/"text":"([^"]*)/.exec(text)?.[1] ?? text)}` : 'SCANNED',
          connects: summarize(connects.slice(before)),
        });
        expect(res.isError).toBe(true);
        expect(connects.slice(before)).toEqual([]);
      }
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('no connection of this file went anywhere but loopback', () => {
    expect(connects.length).toBeGreaterThan(20);
    // undici agrees with the socket layer: as many established connections, all to loopback.
    expect(undiciPeers.length).toBe(connects.length);
    const forbidden = [...connects, ...undiciPeers].filter((ip) => !isLoopback(ip));
    rows.push({
      group: 'total',
      input: 'every connection attempt of the file',
      expected: 'scanned',
      outcome: `${connects.length} attempts (${undiciPeers.length} established per undici), ${forbidden.length} non-loopback`,
      connects: summarize(connects.map((ip) => (isLoopback(ip) ? ip : `FORBIDDEN ${ip}`))),
    });
    expect(forbidden).toEqual([]);
  });
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, GATECRASH_ALLOW: '', GATECRASH_LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
