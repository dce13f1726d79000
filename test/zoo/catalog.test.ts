// The zoo's catalog is consistent with its apps and its documentation (no servers: this runs in milliseconds).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FRAMEWORKS, MODEL_REPLY, ZOO } from './catalog.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ENTRY_FILE = { FastAPI: 'app.py', Flask: 'app.py', Django: 'manage.py', Express: 'server.mjs', 'node:http': 'server.mjs' } as const;

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

  it('has exactly one deliberately weak guard, one template-only app and one self-signed app, and keyed scans of 3+ apps', () => {
    expect(ZOO.filter((a) => a.weakQueryKey).map((a) => a.name)).toHaveLength(1);
    expect(ZOO.filter((a) => a.request).map((a) => a.name)).toHaveLength(1);
    expect(ZOO.filter((a) => a.selfSignedTls).map((a) => a.name)).toHaveLength(1);
    expect(ZOO.filter((a) => a.scanWithKey && !a.weakQueryKey).length).toBeGreaterThanOrEqual(3);
  });

  it("agrees with both fake models on the model's reply", () => {
    const python = readFileSync(here('./apps/_lib/python/zoo_model.py'), 'utf8');
    const node = readFileSync(here('./apps/_lib/node/zoo-model.mjs'), 'utf8');
    expect(python).toContain(`REPLY = "${MODEL_REPLY}"`);
    expect(node).toContain(`REPLY = '${MODEL_REPLY}'`);
  });

  it('is described app by app in docs/zoo.md', () => {
    const doc = readFileSync(here('../../docs/zoo.md'), 'utf8');
    for (const a of ZOO) expect(doc, a.name).toContain(`| \`${a.name}\` |`);
  });
});
