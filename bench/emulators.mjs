// Starts test emulators (test/targets/, compiled into dist-bench/ by `npm run bench`) for the bench: each in a process of
// its own (bench/emulator-process.mjs), so the server's work is not charged to the scanner's event loop.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PROCESS = fileURLToPath(new URL('./emulator-process.mjs', import.meta.url));
export const TARGETS = new URL('../dist-bench/test/targets/', import.meta.url);

export function emulatorsBuilt() {
  return existsSync(new URL('llamacpp.js', TARGETS));
}

/** The emulator's test key (mistral-model.ts), to scan keyed targets with their key. */
export async function testKey() {
  return (await import(new URL('mistral-model.js', TARGETS).href)).TEST_KEY;
}

/**
 * @param {{ module: string, start: string, options?: object }} spec
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export function startEmulator(spec) {
  const child = spawn(process.execPath, [PROCESS, JSON.stringify(spec)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator ${spec.module} exited (${code})`)));
    child.stdout.once('data', (d) => {
      child.removeAllListeners('exit');
      resolve({
        url: String(d).trim(),
        close: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.stdin.end();
          }),
      });
    });
  });
}
