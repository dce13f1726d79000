// Real servers for the snippet tests, beside uvicorn.ts: Flask's own server, Node, nginx and Caddy, each as a foreground child
// process on an ephemeral loopback port with every file it writes in a temporary folder (never a system service, never port 80).
// A missing binary skips loudly; with GATECRASH_REQUIRE_REAL_SERVERS=1 (CI) it fails instead.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, REQUIRE_REAL, type RealServer, SYSTEM_PYTHON, startProcess } from './uvicorn.js';

export const REPO_NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/** Null when `cmd` runs (`cmd …versionArgs` exits 0); otherwise why not. */
export function binaryMissing(cmd: string, versionArgs: string[]): string | null {
  const r = spawnSync(cmd, versionArgs, { encoding: 'utf8' });
  if (r.error) return `${cmd} is not installed (${r.error.message})`;
  if (r.status !== 0) return `${cmd} ${versionArgs.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
  return null;
}

/** Skip (loudly) or, under GATECRASH_REQUIRE_REAL_SERVERS=1, fail when a binary is missing. True when the suite should run. */
export function binaryAvailable(cmd: string, versionArgs: string[], what: string, apt: string): boolean {
  const missing = binaryMissing(cmd, versionArgs);
  if (!missing) return true;
  if (REQUIRE_REAL) throw new Error(`Real-server tests for ${what} are required (GATECRASH_REQUIRE_REAL_SERVERS=1) but ${missing}. Install ${apt}.`);
  console.warn(`\n*** SKIPPING real-server tests for ${what}: ${missing}. Install ${apt} (apt-get) to run them. ***\n`);
  return false;
}

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `gatecrash-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function childEnv(env: Record<string, string>, unset: string[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ...extra, ...env };
  for (const k of unset) delete out[k];
  return out;
}

/** `python3 -m flask --app app run` from `dir` (Flask's own server: the Debian package ships no WSGI server). */
export async function startFlask(dir: string, env: Record<string, string> = {}, unset: string[] = []): Promise<RealServer> {
  const port = await freePort();
  const e = childEnv(env, unset, { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir });
  return startProcess(SYSTEM_PYTHON, ['-m', 'flask', '--app', 'app', 'run', '--host', '127.0.0.1', '--port', String(port)], dir, e, port);
}

/**
 * Django's own development server, `python3 manage.py runserver --noreload` from `dir` (its manage.py names the settings
 * module), threaded as by default. Debian's python3-django ships no production server, as python3-flask ships none.
 */
export async function startDjango(dir: string, env: Record<string, string> = {}, unset: string[] = []): Promise<RealServer> {
  const port = await freePort();
  const e = childEnv(env, unset, { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir });
  return startProcess(SYSTEM_PYTHON, ['manage.py', 'runserver', '--noreload', `127.0.0.1:${port}`], dir, e, port);
}

/** `python3 <file>` from `dir`, with PORT and HOST set: a server on the standard library alone (http.server). */
export async function startPythonScript(dir: string, file: string, env: Record<string, string> = {}, unset: string[] = []): Promise<RealServer> {
  const port = await freePort();
  const e = childEnv(env, unset, { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir, PORT: String(port), HOST: '127.0.0.1' });
  return startProcess(SYSTEM_PYTHON, [file], dir, e, port);
}

/** `node <file>` from `dir`, with PORT and HOST set; the repository's node_modules linked in so `import express` resolves. */
export async function startNode(dir: string, file: string, env: Record<string, string> = {}, unset: string[] = []): Promise<RealServer> {
  linkNodeModules(dir);
  const port = await freePort();
  return startProcess(process.execPath, [file], dir, childEnv(env, unset, { PORT: String(port), HOST: '127.0.0.1' }), port);
}

export function linkNodeModules(dir: string): void {
  try {
    symlinkSync(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

export interface Refusal {
  /** Exit status (null when the process was still running at the deadline and had to be killed: it did NOT refuse). */
  status: number | null;
  output: string;
}

/** Runs a server command that must refuse to start; returns how it ended (killed after `timeoutMs` if it kept running). */
export function runExpectingExit(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 10_000): Refusal {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  return { status: r.signal ? null : r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The uvicorn / Flask / Node command lines the snippet tests start, for the refusal checks. */
export function pythonAppCommand(
  kind: 'uvicorn' | 'flask',
  dir: string,
  port: number,
): { cmd: string; args: string[]; env: (env: Record<string, string>, unset: string[]) => NodeJS.ProcessEnv } {
  const args =
    kind === 'uvicorn'
      ? ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port)]
      : ['-m', 'flask', '--app', 'app', 'run', '--host', '127.0.0.1', '--port', String(port)];
  return { cmd: SYSTEM_PYTHON, args, env: (env, unset) => childEnv(env, unset, { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir }) };
}

// ---------- nginx ----------

export interface NginxRun {
  /** `nginx -t` output (it must say "syntax is ok" and "test is successful"). */
  test: { status: number | null; output: string };
  server: RealServer | null;
}

/**
 * A conf.d file (`confText`) inside a whole nginx.conf written by `mainConfig(includeFile, prefix)`, validated with
 * `nginx -t` and, when valid, started in the foreground (`daemon off`) with every path under a temporary prefix.
 */
export async function startNginx(dir: string, confText: string, port: number, mainConfig: (include: string, prefix: string) => string): Promise<NginxRun> {
  // Workers drop to an unprivileged user when nginx runs as root; they must be able to enter the prefix.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'llm-api.conf');
  writeFileSync(conf, confText);
  const main = join(dir, 'nginx.conf');
  writeFileSync(main, mainConfig(conf, dir));
  const base = ['-c', main, '-p', `${dir}/`, '-e', join(dir, 'logs', 'startup.log')];
  const t = spawnSync('nginx', [...base, '-t'], { encoding: 'utf8' });
  const test = { status: t.status, output: `${t.stdout}${t.stderr}` };
  if (t.status !== 0) return { test, server: null };
  const server = await startProcess('nginx', [...base, '-g', 'daemon off;'], dir, { ...process.env }, port);
  return { test, server };
}

// ---------- Caddy ----------

/**
 * Test hygiene around a Caddyfile, as a global options block a deployment would have anyway: no admin API (it would show the
 * key, and parallel test servers would fight over port 2019) and every site bound to loopback only.
 */
export const CADDY_TEST_GLOBALS = '{\n\tadmin off\n\tdefault_bind 127.0.0.1\n}\n\n';

export interface CaddyRun {
  validate: { status: number | null; output: string };
  server: RealServer | null;
}

/** Validates (`caddy validate`) and runs (`caddy run`, foreground) a Caddyfile with its data and config dirs in `dir`. */
export async function startCaddy(dir: string, caddyfile: string, port: number, env: Record<string, string> = {}, unset: string[] = []): Promise<CaddyRun> {
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, caddyfile);
  const e = childEnv(env, unset, { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') });
  const args = ['--config', file, '--adapter', 'caddyfile'];
  const v = spawnSync('caddy', ['validate', ...args], { encoding: 'utf8', env: e, cwd: dir });
  const validate = { status: v.status, output: `${v.stdout}${v.stderr}` };
  if (v.status !== 0) return { validate, server: null };
  const server = await startProcess('caddy', ['run', ...args], dir, e, port);
  return { validate, server };
}

/**
 * Like uvicorn.ts startProcess, but ready when the port accepts a TCP connection: for servers that speak TLS (an http://
 * readiness probe would never succeed against them).
 */
export async function startProcessTcp(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, port: number, timeoutMs = 15_000): Promise<RealServer> {
  let buf = '';
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (buf += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (buf += d.toString()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}:\n${buf}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not listen on ${port} within ${timeoutMs} ms:\n${buf}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    output: () => buf,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/**
 * A self-signed certificate for 127.0.0.1 (openssl), for the TLS snippets, the zoo's https-only proxy and the hostile
 * emulator's certificate: cert.pem and key.pem written into `dir`. Null when openssl is missing or refuses the subject
 * (its fields separated by '/', a slash inside one written `\/`). The address is in the subjectAltName too: Node checks an
 * IP host against the certificate's IP SANs, never its CN, so a client given this certificate as its CA accepts the server.
 */
export function selfSignedCert(dir: string, subject = '/CN=127.0.0.1'): { cert: string; key: string } | null {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-utf8',
      '-subj',
      subject,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  return r.status === 0 ? { cert, key } : null;
}
