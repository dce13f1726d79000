// Runs the built CLI as a child process and collects what it printed: one helper for every test that drives `gatecrash`.
import { spawn } from 'node:child_process';
import { CLI } from './mcp-client.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `env` is layered over the test's environment; logs are silent unless `GATECRASH_LOG_LEVEL` is given. */
export function runCli(args: string[], env: Record<string, string> = {}, options: { cwd?: string } = {}): Promise<CliRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, GATECRASH_LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}
