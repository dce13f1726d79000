// Starting a zoo app the way its author runs it: the app's folder and its language's shared modules (the fake model and the
// guard helpers) copied into a fresh temporary folder, its own server (uvicorn, Flask's, Node, Django's runserver) on a
// loopback port, and, where the app is deployed behind one, nginx or Caddy in front. Everything is stopped and removed by
// `stop()`, and by the launcher itself when a step fails half-way.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxTestMainConfig } from '../../src/knowledge/index.js';
import { CADDY_TEST_GLOBALS, selfSignedCert, startCaddy, startDjango, startFlask, startNginx, startNode, startPythonScript, tempDir } from '../real/servers.js';
import { freePort, type RealServer, startUvicorn } from '../real/uvicorn.js';

const APPS = fileURLToPath(new URL('./apps/', import.meta.url));

export type Runner = 'uvicorn' | 'flask' | 'node' | 'django' | 'python';

/** What stands in front of the app: nginx under a path prefix, nginx terminating TLS (https only), or Caddy. */
export type Front = { kind: 'nginx-prefix'; prefix: string } | { kind: 'nginx-tls' } | { kind: 'caddy' };

export interface TlsOptions {
  insecure?: boolean;
  /** PEM text of the CA that signed the server's certificate. */
  ca?: string;
}

export interface Launched {
  /** The URL a user would type to scan this app. */
  url: string;
  /** What the user must add to the scan for this URL to be reachable at all (the self-signed certificate). */
  tls?: TlsOptions;
  /** How many times the app's fake model has run so far (its own count, from its log). */
  generations(): number;
  /** The app server's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface LaunchSpec {
  app: string;
  runner: Runner;
  /** Path (and query) of the URL a user would type, on the app's origin or the proxy's. */
  path: string;
  front?: Front;
  env: Record<string, string>;
}

/** The variables that choose a form: each form sets its own and never inherits another's from the test's environment. */
const ZOO_VARIABLES = ['ZOO_FORM', 'ZOO_API_KEY'];

const LIBRARY: Record<Runner, string> = { uvicorn: '_lib/python', flask: '_lib/python', django: '_lib/python', python: '_lib/python', node: '_lib/node' };

const GENERATED = /^zoo-model: generated \d+ word\(s\)$/gm;

/** The fake model appends a line to this file before the answer leaves the app (its stderr may arrive later). */
function countGenerations(file: string): number {
  return existsSync(file) ? (readFileSync(file, 'utf8').match(GENERATED)?.length ?? 0) : 0;
}

function startServer(runner: Runner, dir: string, env: Record<string, string>): Promise<RealServer> {
  // The starters delete `unset` after layering `env`: only what this form does not set is removed.
  const unset = ZOO_VARIABLES.filter((name) => !(name in env));
  switch (runner) {
    case 'uvicorn':
      return startUvicorn(dir, 'app:app', env, unset);
    case 'flask':
      return startFlask(dir, env, unset);
    case 'django':
      return startDjango(dir, env, unset);
    case 'node':
      return startNode(dir, 'server.mjs', env, unset);
    case 'python':
      return startPythonScript(dir, 'app.py', env, unset);
  }
}

async function startFront(front: Front, dir: string, upstream: RealServer): Promise<{ server: RealServer; base: string; tls?: TlsOptions }> {
  const port = await freePort();
  const target = `http://127.0.0.1:${upstream.port}`;
  if (front.kind === 'caddy') {
    const caddyfile = `${CADDY_TEST_GLOBALS}http://127.0.0.1:${port} {\n\treverse_proxy ${target}\n}\n`;
    const run = await startCaddy(dir, caddyfile, port);
    if (!run.server) throw new Error(`caddy validate refused the Caddyfile:\n${run.validate.output}`);
    return { server: run.server, base: run.server.url };
  }
  const proxy = [
    `        proxy_pass ${target}/;`,
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    // Streamed answers (SSE, NDJSON) reach the client as they are written.
    '        proxy_buffering off;',
  ].join('\n');
  if (front.kind === 'nginx-prefix') {
    const conf = `server {\n    listen 127.0.0.1:${port};\n    location ${front.prefix} {\n${proxy}\n    }\n}\n`;
    const run = await startNginx(dir, conf, port, nginxTestMainConfig);
    if (!run.server) throw new Error(`nginx -t refused the configuration:\n${run.test.output}`);
    return { server: run.server, base: run.server.url };
  }
  const pair = selfSignedCert(dir);
  if (!pair) throw new Error('openssl could not make a self-signed certificate');
  const conf = [
    'server {',
    `    listen 127.0.0.1:${port} ssl;`,
    `    ssl_certificate ${pair.cert};`,
    `    ssl_certificate_key ${pair.key};`,
    '    location / {',
    proxy,
    '    }',
    '}',
    '',
  ].join('\n');
  const run = await startNginx(dir, conf, port, nginxTestMainConfig);
  if (!run.server) throw new Error(`nginx -t refused the configuration:\n${run.test.output}`);
  return { server: run.server, base: `https://127.0.0.1:${port}`, tls: { ca: readFileSync(pair.cert, 'utf8') } };
}

/** Every launch not yet stopped, so that a test cut short by its timeout leaves no process and no folder behind. */
const live = new Set<() => Promise<void>>();

/** Stops whatever is still running (for a suite's afterAll). */
export async function stopEverything(): Promise<void> {
  await Promise.all([...live].map((stop) => stop()));
}

export async function launch(spec: LaunchSpec): Promise<Launched> {
  const { dir, remove } = tempDir(`zoo-${spec.app}`);
  const running: RealServer[] = [];
  const stop = async () => {
    live.delete(stop);
    await Promise.all(running.splice(0).map((s) => s.stop()));
    remove();
  };
  live.add(stop);
  try {
    const appDir = join(dir, 'app');
    cpSync(join(APPS, spec.app), appDir, { recursive: true });
    cpSync(join(APPS, LIBRARY[spec.runner]), appDir, { recursive: true });
    const generationsFile = join(dir, 'generations.log');
    const server = await startServer(spec.runner, appDir, { ...spec.env, ZOO_GENERATIONS_FILE: generationsFile });
    running.push(server);
    let base = server.url;
    let tls: TlsOptions | undefined;
    if (spec.front) {
      const front = await startFront(spec.front, dir, server);
      running.push(front.server);
      base = front.base;
      tls = front.tls;
    }
    return {
      url: `${base}${spec.path}`,
      ...(tls ? { tls } : {}),
      generations: () => countGenerations(generationsFile),
      log: () => server.output(),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
