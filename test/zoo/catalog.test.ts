// The zoo's catalog is consistent with its apps and its documentation (no servers: this runs in milliseconds).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SYSTEM_PYTHON } from '../real/uvicorn.js';
import { FRAMEWORKS, MODEL_REPLY, MODEL_WORDS, PROMPT, ZOO } from './catalog.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ENTRY_FILE = {
  FastAPI: 'app.py',
  Flask: 'app.py',
  Django: 'manage.py',
  Express: 'server.mjs',
  'node:http': 'server.mjs',
  'http.server': 'app.py',
} as const;

describe('the wrapper zoo catalog', () => {
  it('has at least 32 apps with distinct names, in every framework', () => {
    expect(ZOO.length).toBeGreaterThanOrEqual(32);
    expect(new Set(ZOO.map((a) => a.name)).size).toBe(ZOO.length);
    for (const f of FRAMEWORKS) expect(ZOO.filter((a) => a.framework === f).length, f).toBeGreaterThanOrEqual(3);
  });

  it("names an app folder with the framework's entry file for every entry", () => {
    for (const a of ZOO) expect(existsSync(here(`./apps/${a.name}/${ENTRY_FILE[a.framework]}`)), a.name).toBe(true);
  });

  it('gives every guarded form a real key whose case can be changed', () => {
    for (const a of ZOO) {
      expect(a.key.length, a.name).toBeGreaterThanOrEqual(16);
      expect(a.key.toLowerCase() !== a.key && a.key.toUpperCase() !== a.key, a.name).toBe(true);
    }
    expect(new Set(ZOO.map((a) => a.key)).size).toBe(ZOO.length);
  });

  it('has exactly one deliberately weak guard, a few template-only apps, one self-signed app, and keyed scans of 3+ apps', () => {
    expect(ZOO.filter((a) => a.weakQueryKey).map((a) => a.name)).toHaveLength(1);
    expect(ZOO.filter((a) => a.request).length).toBeGreaterThanOrEqual(1);
    expect(ZOO.filter((a) => a.selfSignedTls).map((a) => a.name)).toHaveLength(1);
    expect(ZOO.filter((a) => a.scanWithKey && !a.weakQueryKey).length).toBeGreaterThanOrEqual(3);
  });

  it("agrees with both fake models: the catalog's reply cut to the limit, never the prompt, each run counted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecrash-zoo-model-'));
    try {
      const count = join(dir, 'generations.log');
      const script =
        `import zoo_model\nprint(zoo_model.generate(${JSON.stringify(PROMPT)}, ` + `2))\nprint("".join(zoo_model.stream(${JSON.stringify(PROMPT)}, 99)))`;
      const py = spawnSync(SYSTEM_PYTHON, ['-c', script], {
        encoding: 'utf8',
        env: { ...process.env, PYTHONPATH: here('./apps/_lib/python'), ZOO_GENERATIONS_FILE: count },
      });
      const twoWords = MODEL_WORDS.slice(0, 2).join(' ');
      expect(py.stdout.split('\n').slice(0, 2), py.stderr).toEqual([twoWords, MODEL_REPLY]);
      process.env.ZOO_GENERATIONS_FILE = count;
      const node = (await import(here('./apps/_lib/node/zoo-model.mjs'))) as {
        generate(p: string, n: number): string;
        stream(p: string, n: number): Iterable<string>;
      };
      expect(node.generate(PROMPT, 2)).toBe(twoWords);
      expect([...node.stream(PROMPT, 99)].join('')).toBe(MODEL_REPLY);
      const runs = [2, MODEL_WORDS.length, 2, MODEL_WORDS.length].map((n) => `zoo-model: generated ${n} word(s)`);
      expect(readFileSync(count, 'utf8').trim().split('\n')).toEqual(runs);
    } finally {
      delete process.env.ZOO_GENERATIONS_FILE;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is described app by app in docs/zoo.md', () => {
    const doc = readFileSync(here('../../docs/zoo.md'), 'utf8');
    for (const a of ZOO) expect(doc, a.name).toContain(`| \`${a.name}\` |`);
  });
});
