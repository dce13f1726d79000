// Runs real Python apps under Debian's uvicorn (or Flask) on an ephemeral loopback port, for tests that must meet the real thing.
// Missing Python packages skip those tests loudly; with GATECRASH_REQUIRE_REAL_SERVERS=1 (set by .ci/run) they fail instead.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** Debian's packages land in the system interpreter; a pyenv python3 earlier on PATH would not see them. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export const REQUIRE_REAL = process.env.GATECRASH_REQUIRE_REAL_SERVERS === '1';

/** Null when the modules import; otherwise the reason, for a loud skip. */
export function pythonMissing(modules: string[]): string | null {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (r.error) return `${SYSTEM_PYTHON} is not available (${r.error.message})`;
  if (r.status !== 0) return `${SYSTEM_PYTHON} cannot import ${modules.join(', ')}: ${r.stderr.trim().split('\n').pop()}`;
  return null;
}

/** Decides skip vs fail once per file: returns true when the suite should run. */
export function realServersAvailable(modules: string[], what: string): boolean {
  const missing = pythonMissing(modules);
  if (!missing) return true;
  if (REQUIRE_REAL)
    throw new Error(
      `Real-server tests for ${what} are required (GATECRASH_REQUIRE_REAL_SERVERS=1) but ${missing}. Install python3-fastapi python3-uvicorn python3-flask.`,
    );
  console.warn(`\n*** SKIPPING real-server tests for ${what}: ${missing}. Install python3-fastapi python3-uvicorn (apt-get) to run them. ***\n`);
  return false;
}

/**
 * A port for a real server that binds it itself, some time after we chose it. Taken below the kernel's ephemeral range
 * (32768–60999 here), where every emulator and client socket of the parallel test workers gets its port: a port released
 * from that range can be handed to another worker's port-0 listener before the real server binds it, and then the
 * readiness probe reaches the wrong server.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export interface RealServer {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, out: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}:\n${out()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server did not listen on ${port} within ${timeoutMs} ms:\n${out()}`);
}

/**
 * Starts `module:app` from `cwd` under uvicorn. `env` is layered on a copy of the environment from which
 * the given `unset` variables are removed (to test fail-open behaviour when a key variable is unset).
 */
export async function startUvicorn(cwd: string, appRef: string, env: Record<string, string> = {}, unset: string[] = []): Promise<RealServer> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: cwd };
  for (const k of unset) delete childEnv[k];
  return startProcess(SYSTEM_PYTHON, ['-m', 'uvicorn', appRef, '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning'], cwd, childEnv, port);
}

export async function startProcess(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, port: number): Promise<RealServer> {
  let buf = '';
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (buf += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (buf += d.toString()));
  const out = () => buf;
  try {
    await waitForPort(port, child, out);
    // A server that lost the port to someone else exits ("address in use") while the probe got an answer from the other.
    await new Promise((r) => setTimeout(r, 150));
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} after the port answered:\n${out()}`);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    output: out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
