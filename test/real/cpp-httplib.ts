// llama-server's HTTP layer for real: a small C++ front on Debian's cpp-httplib (cpp-httplib/pool-front.cpp), a fixed
// pool of worker threads as llama-server configures it, relaying every request to an emulator that answers as
// llama-server does. What the scanner meets on the wire (the thread pool, kept-alive connections holding workers, the
// `Keep-Alive` header, split writes without TCP_NODELAY, a listen backlog of 5) is the library's own. Built once per
// source version into the temporary folder; a missing compiler or library skips loudly, or fails in CI.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryMissing } from './servers.js';
import { freePort, REQUIRE_REAL } from './uvicorn.js';

const APT = 'g++ pkg-config libcpp-httplib-dev';

/** The source, beside this file or, from the bench's compiled copy, in the repository. */
function sourcePath(): string {
  for (const rel of ['./cpp-httplib/pool-front.cpp', '../../../test/real/cpp-httplib/pool-front.cpp']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('test/real/cpp-httplib/pool-front.cpp is missing');
}

/** Null when the front can be built here; otherwise why not. */
export function cppHttplibMissing(): string | null {
  return binaryMissing('g++', ['--version']) ?? binaryMissing('pkg-config', ['--exists', 'cpp-httplib']);
}

/** Skip (loudly) or, under GATECRASH_REQUIRE_REAL_SERVERS=1, fail when the front cannot be built. True when it can. */
export function cppHttplibAvailable(): boolean {
  const missing = cppHttplibMissing();
  if (!missing) return true;
  if (REQUIRE_REAL) throw new Error(`Real cpp-httplib tests are required (GATECRASH_REQUIRE_REAL_SERVERS=1) but ${missing}. Install ${APT}.`);
  console.warn(`\n*** SKIPPING real cpp-httplib tests: ${missing}. Install ${APT} (apt-get) to run them. ***\n`);
  return false;
}

let built: string | undefined;

/** The front's binary, compiled on first use (about 2 s). */
export function buildPoolFront(): string {
  if (built) return built;
  const source = sourcePath();
  const out = join(tmpdir(), `gatecrash-pool-front-${createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16)}`);
  if (!existsSync(out)) {
    const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'cpp-httplib'], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
    const partial = `${out}.${process.pid}.tmp`;
    const r = spawnSync('g++', ['-std=c++17', '-O1', '-pthread', source, '-o', partial, ...flags], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`g++ could not build the cpp-httplib front:\n${r.stderr}`);
    // Test files build it side by side: the rename makes the first finished copy the one every run uses.
    renameSync(partial, out);
  }
  built = out;
  return out;
}

export interface PoolFront {
  url: string;
  stop(): Promise<void>;
}

/** The front on a free loopback port with `threads` workers, relaying to the emulator at `upstreamUrl`. */
export async function startPoolFront(upstreamUrl: string, threads: number): Promise<PoolFront> {
  const binary = buildPoolFront();
  const port = await freePort();
  let output = '';
  const child = spawn(binary, [String(port), String(threads), new URL(upstreamUrl).port], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  // Ready once a TCP connection is accepted. Not an HTTP request: a kept-alive probe would hold one of the workers.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the cpp-httplib front exited with code ${child.exitCode}:\n${output}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the cpp-httplib front did not listen on ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}
