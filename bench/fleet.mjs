// The fleet measurements, in a fresh process: addresses probed per second (a sweep of closed loopback addresses, as most
// of a real range is), and servers fingerprinted per second (a sweep where every address serves an LLM endpoint), each
// at the highest --rate and at a polite one. Prints one JSON line per measurement on stdout.
// Usage: node bench/fleet.mjs '{"probeBits":16,"servers":256}'
import { createServer } from 'node:net';
import { startSlowTarget } from './slow-target.mjs';

const { parseScope, sweep, FLEET_LIMITS } = await import(new URL('../dist/engine/fleet/index.js', import.meta.url).href);
const { RateLimiter } = await import(new URL('../dist/engine/http/limits.js', import.meta.url).href);
const args = JSON.parse(process.argv[2] ?? '{}');
const probeBits = args.probeBits ?? 16;
const servers = args.servers ?? 256;
const policy = { allowPrivate: false, allow: [] };

/** A port no one listens on, anywhere on this machine (bound on the wildcard address, then released). */
async function freePort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const ok = await new Promise((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

const octet = 100 + Math.floor(Math.random() * 140);
const port = await freePort();

async function measure(label, scope, rate, requestsServed = () => 0) {
  const connectionRate = new RateLimiter(rate);
  const requestsBefore = requestsServed();
  const t0 = performance.now();
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const result = await sweep(parseScope([scope]), { ports: [port], policy, connectionRate, perHost: 2 });
  clearInterval(sampler);
  const ms = performance.now() - t0;
  const { hosts, probes, services, llm } = result.stats;
  const connections = connectionRate.granted;
  const requests = requestsServed() - requestsBefore;
  process.stdout.write(
    `${JSON.stringify({ label, scope, rate, ms, hosts, probes, services, llm, connections, requests, perSecond: { hosts: (hosts * 1000) / ms, services: (services * 1000) / ms, connections: (connections * 1000) / ms }, peakRss: peak })}\n`,
  );
}

// 1. Closed addresses: the port probe's own cost.
await measure('probe', `127.${octet}.0.0/${32 - probeBits}`, FLEET_LIMITS.maxRate);
await measure('probe', `127.${octet}.0.0/22`, 500);

// 2. Every address an LLM server (half FastAPI wrappers, half OpenAI-compatible servers, one process each kind).
const kinds = await Promise.all(['wrapper', 'openai'].map((kind) => startSlowTarget({ kind })));
const listeners = [];
const fleetOctet = octet === 239 ? 99 : octet + 1;
for (let i = 0; i < servers; i++) {
  const target = kinds[i % 2];
  const server = createServer((socket) => target.serve(socket));
  await new Promise((resolve) => server.listen(port, `127.${fleetOctet}.${i >> 8}.${i & 255}`, resolve));
  listeners.push(server);
}
const last = servers - 1;
const served = () => kinds.reduce((n, t) => n + t.stats.requests, 0);
await measure('fingerprint', `127.${fleetOctet}.0.0-127.${fleetOctet}.${last >> 8}.${last & 255}`, FLEET_LIMITS.maxRate, served);
await measure('fingerprint', `127.${fleetOctet}.0.0-127.${fleetOctet}.${last >> 8}.${last & 255}`, 200, served);
await Promise.all(listeners.map((l) => new Promise((resolve) => l.close(resolve))));
await Promise.all(kinds.map((t) => t.close()));
