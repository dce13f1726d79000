// One batch measurement in a fresh process, so that its peak RSS is its own: N slow targets on loopback (in this
// process, as a CI job scanning an inventory would face them), `runBatch` from dist/, a JSON line on stdout.
// Usage: node bench/batch.mjs '{"count":200,"parallel":16,"concurrency":8,"latencyMs":0}'
import v8 from 'node:v8';
import vm from 'node:vm';
import { startSlowTarget } from './slow-target.mjs';

const { runBatch } = await import(new URL('../dist/batch.js', import.meta.url).href);
const args = JSON.parse(process.argv[2] ?? '{}');
const count = args.count ?? 200;
const parallel = args.parallel ?? 4;
const concurrency = args.concurrency ?? 8;
const latencyMs = args.latencyMs ?? 0;

// A collection before the measured run, so garbage from start-up and warm-up does not count as the batch's memory.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const targets = await Promise.all(Array.from({ length: count }, () => startSlowTarget({ kind: 'wrapper', latencyMs })));
// Warm-up on separate targets: module loading and JIT would otherwise be charged to whichever run comes first.
const warm = await Promise.all(Array.from({ length: 32 }, () => startSlowTarget({ kind: 'wrapper' })));
await runBatch(
  warm.map((t) => ({ url: `${t.url}/generate` })),
  { parallel, scanOptions: { concurrency } },
);
await Promise.all(warm.map((t) => t.close()));
gc();

const rssBefore = process.memoryUsage.rss();
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
const t0 = performance.now();
const report = await runBatch(
  targets.map((t) => ({ url: `${t.url}/generate` })),
  { parallel, scanOptions: { concurrency, timeoutMs: 600_000 } },
);
const ms = performance.now() - t0;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());

const sent = report.reports.reduce((n, r) => n + r.requests.sent, 0);
const modelRuns = targets.reduce((n, t) => n + t.stats.inference, 0);
await Promise.all(targets.map((t) => t.close()));
process.stdout.write(
  `${JSON.stringify({ count, parallel, concurrency, latencyMs, ms, targetsPerSec: (count / ms) * 1000, rssBefore, peakRss: peak, sent, modelRuns, scanned: report.reports.length, errors: report.errors.length })}\n`,
);
