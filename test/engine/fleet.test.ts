// The pieces of a fleet sweep on their own: scopes, shards, ports, the connection pace, the guard on ranges and on
// port probes, and the one definition of a server's auth state.
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { authStateOf, isLlmServer } from '../../src/engine/fleet/auth-state.js';
import { MAX_SCOPE_ADDRESSES, parsePorts, parseScope, ScopeError, scopeHosts, shardSize } from '../../src/engine/fleet/scope.js';
import { inShard, parseShard, ShardError } from '../../src/engine/fleet/shard.js';
import { checkRange, GuardError } from '../../src/engine/http/guard.js';
import { RateLimiter } from '../../src/engine/http/limits.js';
import { probePort } from '../../src/engine/http/port-probe.js';
import type { Exchange, Route, Surface } from '../../src/engine/types.js';

const hostsOf = (scope: ReturnType<typeof parseScope>, shard?: { index: number; count: number }) =>
  [...scopeHosts(scope, shard)].map((h) => h.address ?? h.name);

describe('scope', () => {
  it('reads CIDR ranges, address ranges, addresses and names, in canonical spelling, merged and deduplicated', () => {
    const scope = parseScope(['10.0.0.7/30, 10.0.0.2-10.0.0.5', 'GPU-Box.lan.', '[::1]', '::ffff:10.0.0.9', 'gpu-box.lan', '10.0.0.4/30']);
    expect(scope.items).toEqual(['10.0.0.4/30', '10.0.0.2-10.0.0.5', 'gpu-box.lan', '::1', '10.0.0.9']);
    expect(scope.size).toBe(9); // 10.0.0.2-10.0.0.7 and .9, ::1, one name
    expect(hostsOf(scope)).toEqual(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.9', '::1', 'gpu-box.lan']);
    expect(hostsOf(parseScope(['fd00::fe/127']))).toEqual(['fd00::fe', 'fd00::ff']);
  });

  it('refuses what is not a scope, and more than a /8, with a sentence', () => {
    const bad: [string, RegExp][] = [
      ['http://10.0.0.1:8000/', /is a URL/],
      ['10.0.0.0/33', /prefix length that is not 0 to 32/],
      ['10.0.0.0/x', /prefix length/],
      ['010.0.0.1', /four decimal numbers/],
      ['10.0.0.9-10.0.0.1', /ends before it starts/],
      ['10.0.0.1-fd00::1', /mixes IPv4 and IPv6/],
      ['under_score.lan', /neither an address/],
      ['9.0.0.0/7', /at most 16,777,216/],
      ['fd00::/64', /more than a trillion/],
    ];
    for (const [item, message] of bad) expect(() => parseScope([item]), item).toThrow(message);
    expect(() => parseScope([' , '])).toThrow(ScopeError);
    expect(parseScope(['10.0.0.0/8']).size).toBe(MAX_SCOPE_ADDRESSES);
  });

  it('shards a scope into disjoint shares that differ by one host at most and together are the whole', () => {
    const scope = parseScope(['10.1.0.0/22', '10.3.0.5-10.3.0.9', 'a.lan', 'b.lan', 'fd00::/126']);
    const all = hostsOf(scope);
    for (const count of [1, 3, 4, 7, 64]) {
      const shares = Array.from({ length: count }, (_, i) => hostsOf(scope, { index: i + 1, count }));
      expect(shares.flat().sort()).toEqual([...all].sort());
      expect(new Set(shares.flat()).size).toBe(all.length);
      const sizes = shares.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const [i, s] of shares.entries()) expect(s.length).toBe(shardSize(scope.size, { index: i + 1, count }));
    }
    // Deterministic: the same shard twice is the same list.
    expect(hostsOf(scope, { index: 2, count: 5 })).toEqual(hostsOf(scope, { index: 2, count: 5 }));
  });

  it('draws hosts lazily: the millionth host of a /8 comes without building a list', () => {
    const hosts = scopeHosts(parseScope(['10.0.0.0/8']), { index: 3, count: 4 });
    let last: string | undefined;
    for (let i = 0; i < 250_000; i++) last = hosts.next().value?.address;
    expect(last).toBe('10.15.66.62'); // position 2 + 4 × 249,999 = 999,998
  });

  it('reads ports as lists and ranges', () => {
    expect(parsePorts('11434, 8000-8002,8000')).toEqual([8000, 8001, 8002, 11434]);
    for (const bad of ['0', '65536', '9-8', 'http', '']) expect(() => parsePorts(bad), bad).toThrow(ScopeError);
    expect(() => parsePorts('1-2000')).toThrow(/more than 1024 ports/);
  });
});

describe('shard', () => {
  it('parses K/N counted from 1 and refuses anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '1/0', '1/5000', '1', 'a/b', '-1/4']) expect(() => parseShard(bad), bad).toThrow(ShardError);
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((p) => inShard(p, { index: 2, count: 4 }))).toEqual([1, 5]);
    expect(inShard(12345)).toBe(true);
  });
});

describe('connection pace', () => {
  it('never lets more than the rate and a twentieth of it through in any second', async () => {
    // On a fake clock, so that a grant's time is when the limiter granted it, not when a busy machine got round to it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      await paceOnFakeClock();
    } finally {
      vi.useRealTimers();
    }
  });

  async function paceOnFakeClock(): Promise<void> {
    const rate = 400;
    const limiter = new RateLimiter(rate);
    const times: number[] = [];
    const t0 = performance.now();
    const all = Promise.all(Array.from({ length: 600 }, () => limiter.take().then(() => times.push(performance.now()))));
    await vi.advanceTimersByTimeAsync(3000);
    await all;
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(rate + rate / 20);
    // 600 grants at 400/s, less the 20 the bucket starts with: at least 1.45 s.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(limiter.granted).toBe(600);
  }

  it('lets a waiter go when its signal aborts', async () => {
    const limiter = new RateLimiter(1);
    await limiter.take();
    const controller = new AbortController();
    const waiting = limiter.take(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limiter.granted).toBe(1);
    expect(() => new RateLimiter(0)).toThrow(RangeError);
  });
});

describe('the guard on ranges and probes', () => {
  const open = { allowPrivate: false, allow: [] };
  it('refuses a range at once when every address of it is refused, and only then', () => {
    expect(() => checkRange('169.254.0.0/16', '169.254.0.0', '169.254.255.255', { allowPrivate: true, allow: ['169.254.0.0/16'] })).toThrow(
      /metadata or link-local/,
    );
    expect(() => checkRange('fe80::/64', 'fe80::', 'fe80::ffff:ffff:ffff:ffff', { allowPrivate: true, allow: [] })).toThrow(GuardError);
    expect(() => checkRange('10.0.0.0/8', '10.0.0.0', '10.255.255.255', open)).toThrow(/--allow-private/);
    expect(() => checkRange('10.0.0.0/8', '10.0.0.0', '10.255.255.255', { allowPrivate: true, allow: [] })).not.toThrow();
    // An allow-list may lift part of a private range: each address is judged then.
    expect(() => checkRange('10.0.0.0/8', '10.0.0.0', '10.255.255.255', { allowPrivate: false, allow: ['10.0.0.5'] })).not.toThrow();
    expect(() => checkRange('127.0.0.0/8', '127.0.0.0', '127.255.255.255', open)).not.toThrow();
    // 169.254.0.0/15 is only half link-local: its addresses are judged one by one.
    expect(() => checkRange('169.254.0.0/15', '169.254.0.0', '169.255.255.255', open)).not.toThrow();
  });

  it('probes a port only after the guard passed its address: metadata is refused whatever the flags', async () => {
    const options = { policy: { allowPrivate: true, allow: ['169.254.169.254', '100.100.100.200'] }, connectTimeoutMs: 500 };
    await expect(probePort('169.254.169.254', '169.254.169.254', 80, options)).rejects.toThrow(GuardError);
    await expect(probePort('100.100.100.200', '100.100.100.200', 80, options)).rejects.toThrow(/metadata/);
    await expect(probePort('10.0.0.1', '10.0.0.1', 80, { policy: open, connectTimeoutMs: 500 })).rejects.toThrow(/--allow-private/);
  });

  it('tells open from closed on loopback, and connects through the pace', async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const rate = new RateLimiter(1000);
    try {
      expect(await probePort('127.0.0.1', '127.0.0.1', port, { policy: open, connectTimeoutMs: 1000, rate })).toBe('open');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(await probePort('127.0.0.1', '127.0.0.1', port, { policy: open, connectTimeoutMs: 1000, rate })).toBe('closed');
    expect(rate.granted).toBe(2);
  });
});

describe('auth state', () => {
  const route = (access: Route['access'], kind: Route['kind'] = 'inference'): Route => ({ method: 'POST', path: '/x', kind, access, source: 'profile:vllm' });
  const exchange = (status: number, body = ''): Exchange => ({
    id: 1,
    probe: { method: 'GET', path: '/', purpose: '' },
    request: { method: 'GET', url: '', headers: {} },
    response: { status, headers: {}, body, truncated: false, latencyMs: 1 },
  });
  const surface = (routes: Route[], byPath: Record<string, Exchange> = {}, product: Surface['fingerprint']['product'] = 'vllm'): Surface => ({
    target: { url: 'http://127.0.0.1/', origin: 'http://127.0.0.1', basePath: '' },
    fingerprint: {
      product,
      productName: null,
      version: null,
      confidence: 0.9,
      signals: [],
      models: [],
      modelFamily: null,
      candidates: [],
      servedThrough: null,
    },
    routes,
    credentialHeader: { name: 'Authorization', scheme: 'Bearer', source: 'default' },
    signals: { byPath, all: Object.values(byPath) },
    guessed: [],
  });

  it('lets inference routes decide: one open route makes the server open, all refused make it keyed', () => {
    expect(authStateOf(surface([route('guarded'), route('open')]))).toBe('open');
    expect(authStateOf(surface([route('guarded'), route('guarded')]))).toBe('keyed');
    // A model list open by design with a key set (llama.cpp) does not make a guarded server open.
    expect(
      authStateOf(surface([route('guarded')], { '/v1/models': exchange(200, JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model' }] })) })),
    ).toBe('keyed');
  });

  it('falls back on the model list when no inference route was found, and says unknown when nothing told', () => {
    const list = JSON.stringify({ object: 'list', data: [{ id: 'mistral', object: 'model' }] });
    expect(authStateOf(surface([route('open', 'metadata')], { '/v1/models': exchange(200, list) }))).toBe('open');
    expect(authStateOf(surface([], { '/v1/models': exchange(401, '{"error":"Unauthorized"}') }))).toBe('keyed');
    expect(authStateOf(surface([], { '/': exchange(200, '<html>') }, 'unknown'))).toBe('unknown');
  });

  it('calls a server an LLM server when Gatecrash names its product or an inference route exists', () => {
    expect(isLlmServer(surface([], {}, 'ollama'))).toBe(true);
    expect(isLlmServer(surface([], {}, 'fastapi'))).toBe(false);
    expect(isLlmServer(surface([], {}, 'express'))).toBe(false);
    expect(isLlmServer(surface([route('guarded')], {}, 'fastapi'))).toBe(true);
    expect(isLlmServer(surface([route('unknown')], {}, 'unknown'))).toBe(false);
  });
});
