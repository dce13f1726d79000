// Real llama-server builds, scanned like the emulator: open, keyed without the key, keyed with it. The machine has no
// llama-server of its own, so the table runs only when BENCH_LLAMA_SERVERS names builds: `label=/path/to/llama-server`,
// comma-separated (a bare path is labelled by its directory). Each build serves a model, BENCH_LLAMA_MODEL or else a
// tiny random one written by tiny-gguf.mjs, with one slot (-np 1), as in the slow scans that motivated the thread-pool
// work. The servers stay up across scans, as a real one does, and what a scan learned about the origin is forgotten
// before each scan. Each later build is divided by the first one named (a current build first, then one shaped like the
// older releases, gives the thread-pool ratio on the real server); the last column is the llama.cpp emulator, unlimited.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startEmulator } from './emulators.mjs';
import { tinyGguf } from './tiny-gguf.mjs';

const CASES = [
  { label: 'open', keyed: false, withKey: false },
  { label: 'keyed, no key given', keyed: true, withKey: false },
  { label: 'keyed, key given', keyed: true, withKey: true },
];
const KEY = 'sk-bench-llama-server-0123456789';

/** `label=path,label=path` → [{ label, path }]. */
function llamaServerBuilds(spec = process.env.BENCH_LLAMA_SERVERS ?? '') {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf('=');
      return eq > 0 ? { label: entry.slice(0, eq), path: entry.slice(eq + 1) } : { label: basename(dirname(entry)), path: entry };
    });
}

/** The test suite's process helpers (test/real/uvicorn.ts), compiled into dist-bench/ with the emulators. */
const realServers = () => import(new URL('../dist-bench/test/real/uvicorn.js', import.meta.url).href);

async function startLlamaServer(binary, model, apiKey) {
  const { freePort, startProcess } = await realServers();
  const port = await freePort();
  const args = ['-m', model, '--host', '127.0.0.1', '--port', String(port), '-c', '2048', '-np', '1', ...(apiKey ? ['--api-key', apiKey] : [])];
  const server = await startProcess(binary, args, process.cwd(), process.env, port);
  // llama-server listens before its model is loaded, and answers 503 until it is.
  const deadline = Date.now() + 60_000;
  while (
    (await fetch(`${server.url}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`${binary} did not load ${model} within 60 s:\n${server.output().slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

/**
 * @param {{ timedScan: (url: string, headers: object) => Promise<{ ms: number, report: object }>, table: Function, median: Function, runs: number }} bench
 * @returns {Promise<{ label: string, worstMs: number, worstRatio: number }[] | undefined>} per build, the slowest median and
 *   the worst ratio to the first build (0 for the first); undefined when skipped
 */
export async function benchLlamaServers({ timedScan, table, median, runs }) {
  const builds = llamaServerBuilds();
  if (builds.length === 0) {
    console.log('\nA real llama-server: skipped (BENCH_LLAMA_SERVERS names no build: label=/path/to/llama-server, comma-separated)');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gatecrash-bench-llama-'));
  const model = process.env.BENCH_LLAMA_MODEL ?? join(dir, 'tiny.gguf');
  if (!process.env.BENCH_LLAMA_MODEL) writeFileSync(model, tinyGguf());
  // Every server runs at once, and each case's scans go round them in turn, so a slower moment of the machine falls on
  // all of them alike. The emulator is the reference column; the first build named is the one the others are divided by.
  const targets = [
    { label: 'the emulator, unlimited', start: (key) => startEmulator({ module: 'llamacpp', start: 'startLlamaCpp', options: key ? { apiKey: key } : {} }) },
  ];
  for (const build of builds) targets.push({ label: build.label, start: (key) => startLlamaServer(build.path, model, key) });
  const running = [];
  const rows = [];
  const summary = builds.map((b) => ({ label: b.label, worstMs: 0, worstRatio: 0 }));
  try {
    for (const t of targets) {
      const open = await t.start(undefined);
      running.push(open);
      const keyed = await t.start(KEY);
      running.push(keyed);
      t.urls = { open: open.url, keyed: keyed.url };
    }
    for (const c of CASES) {
      const headers = c.withKey ? { Authorization: `Bearer ${KEY}` } : {};
      const url = (t) => (c.keyed ? t.urls.keyed : t.urls.open);
      // Two unmeasured scans each: the servers' first requests and the scanner's JIT.
      for (let i = 0; i < 2; i++) for (const t of targets) await timedScan(url(t), headers);
      const results = targets.map(() => []);
      for (let i = 0; i < runs; i++) for (let k = 0; k < targets.length; k++) results[k].push(await timedScan(url(targets[k]), headers));
      process.stderr.write('.');
      const ms = results.map((r) => median(r.map((x) => x.ms)));
      builds.forEach((build, b) => {
        const k = b + 1;
        const last = results[k].at(-1).report;
        const t = last.timings;
        const ratio = ms[k] / ms[1];
        summary[b].worstMs = Math.max(summary[b].worstMs, ms[k]);
        if (b > 0) summary[b].worstRatio = Math.max(summary[b].worstRatio, ratio);
        rows.push([
          build.label,
          c.label,
          `${ms[k].toFixed(0)} ms`,
          `${Math.max(...results[k].map((r) => r.ms)).toFixed(0)} ms`,
          b === 0 ? '—' : `${ratio.toFixed(2)}×`,
          `${t.keepAlive ? 'kept alive' : 'one per request'} (capped ${t.connectionsCapped ? 'yes' : 'no'}, stalls ${t.connectionStalls}, ` +
            `delayed ACKs ${t.delayedAcks}, ≤ ${t.connectionsMax} open)`,
          `${last.requests.sent} / ${last.findings.length} (${last.grade?.letter ?? last.grade})`,
          `${ms[0].toFixed(0)} ms (${(ms[k] / ms[0]).toFixed(2)}×)`,
        ]);
      });
    }
  } finally {
    await Promise.all(running.map((r) => (r.stop ?? r.close)()));
    rmSync(dir, { recursive: true, force: true });
  }
  process.stderr.write('\n');
  table(
    `A real llama-server (${process.env.BENCH_LLAMA_MODEL ? basename(model) : 'a tiny random model'}, -np 1, kept running; ` +
      `standard depth, median of ${runs})`,
    ['build', 'case', 'median', 'slowest', `÷ ${builds[0].label}`, 'connections (last run)', 'requests / findings (grade)', 'the emulator, unlimited'],
    rows,
  );
  return summary;
}
