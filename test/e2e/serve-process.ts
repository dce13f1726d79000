// Spawns `gatecrash serve` (the built CLI) and learns its URL and token from stderr, as a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CLI } from './mcp-client.js';

export interface ServeProcess {
  url: string;
  /** The token from the "generated bearer token" line, or the one passed in the environment. */
  token: string;
  stderr: () => string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+\/mcp)/;
const GENERATED = /generated bearer token[^:]*: (\S+)/;

/** Resolves once the server listens; rejects with its stderr when it exits first (e.g. a refused bind). */
export function startServe(args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  const baseEnv = { ...(process.env as Record<string, string>) };
  delete baseEnv.GATECRASH_TOKEN;
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...baseEnv, GATECRASH_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 10 s: ${err}`)), 10_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      const m = LISTENING.exec(err);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        token: env.GATECRASH_TOKEN ?? GENERATED.exec(err)?.[1] ?? '',
        stderr: () => err,
        child,
        stop: () =>
          new Promise<void>((r) => {
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`serve exited with ${code}: ${err}`), { code, stderr: err }));
    });
  });
}

/** 'legacy' speaks the 2025 era (initialize, sessions); 'auto' negotiates 2026-07-28 (per-request, no session). */
export async function connectHttp(url: string, token: string, era: 'legacy' | 'auto' = 'legacy'): Promise<Client> {
  const client = new Client({ name: 'gatecrash-e2e-http', version: '0.0.0' }, { versionNegotiation: { mode: era } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: { token: async () => token } }));
  return client;
}

export async function connectSse(sseUrl: string, token: string): Promise<Client> {
  const client = new Client({ name: 'gatecrash-e2e-sse', version: '0.0.0' });
  await client.connect(new SSEClientTransport(new URL(sseUrl), { authProvider: { token: async () => token } }));
  return client;
}
