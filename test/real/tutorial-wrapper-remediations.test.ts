// The tutorial's own remediations under real uvicorn fail open when MISTRAL_API_KEY is unset (docs/tutorial-wrapper.md):
// the Depends version compares against "" (an empty X-API-Key is accepted), the decorator version against the literal
// "Bearer None". Gatecrash must prove both as auth.insecure-default-key, and report neither once the variable is set.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { type RealServer, realServersAvailable, startUvicorn } from './uvicorn.js';

const TUTORIAL_WRAPPER_DIR = fileURLToPath(new URL('./tutorial-wrapper/', import.meta.url));
const run = realServersAvailable(['fastapi', 'uvicorn'], 'the tutorial remediations (fail-open keys)');
const KEY = 'sk-tutorial-remediation-key-0123456789';
const BYPASS_RULES = ['auth.insecure-default-key', 'auth.header-bypass', 'auth.missing'];

describe.runIf(run)('tutorial remediations under real uvicorn', () => {
  const servers: RealServer[] = [];
  const reports: Record<string, ScanReport> = {};

  beforeAll(async () => {
    const started = await Promise.all([
      startUvicorn(TUTORIAL_WRAPPER_DIR, 'fixed_depends:app', {}, ['MISTRAL_API_KEY']),
      startUvicorn(TUTORIAL_WRAPPER_DIR, 'fixed_decorator:app', {}, ['MISTRAL_API_KEY']),
      startUvicorn(TUTORIAL_WRAPPER_DIR, 'fixed_depends:app', { MISTRAL_API_KEY: KEY }),
      startUvicorn(TUTORIAL_WRAPPER_DIR, 'fixed_decorator:app', { MISTRAL_API_KEY: KEY }),
    ]);
    servers.push(...started);
    const [dependsUnset, decoratorUnset, dependsSet, decoratorSet] = started;
    const scans = await Promise.all([
      scan({ url: `${dependsUnset!.url}/generate` }),
      scan({ url: `${decoratorUnset!.url}/chat` }),
      scan({ url: `${dependsSet!.url}/generate` }),
      scan({ url: `${decoratorSet!.url}/chat` }),
    ]);
    [reports.dependsUnset, reports.decoratorUnset, reports.dependsSet, reports.decoratorSet] = scans;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('Depends(verify_api_key) with the variable unset: the empty X-API-Key is accepted → auth.insecure-default-key', () => {
    const r = reports.dependsUnset!;
    const found = r.findings.filter((f) => f.rule === 'auth.insecure-default-key');
    expect(found, JSON.stringify(r.rules)).toHaveLength(1);
    const f = found[0]!;
    expect(f.confidence).toBe('confirmed');
    expect(f.severity).toBe('critical');
    expect(f.endpoint).toEqual({ method: 'POST', url: `${servers[0]!.url}/generate` });
    expect(f.evidence.request.headers['x-api-key']).toBe('');
    expect(f.evidence.response?.status).toBe(200);
    expect(f.evidence.response?.body).toContain('generated');
    // The differential: the same request without the header was refused (FastAPI's 422 naming the header).
    expect(f.evidence.baseline?.request.headers['x-api-key']).toBeUndefined();
    expect([401, 403, 422]).toContain(f.evidence.baseline?.response?.status);
    expect(f.description).toMatch(/unset|falls back/);
    expect(f.remediation).toMatch(/[Ff]ail closed/);
    expect(r.findings.filter((x) => x.rule === 'auth.header-bypass')).toEqual([]);
  });

  it('the decorator with the variable unset: Authorization: Bearer None is accepted → auth.insecure-default-key', () => {
    const r = reports.decoratorUnset!;
    const found = r.findings.filter((f) => f.rule === 'auth.insecure-default-key');
    expect(found, JSON.stringify(r.rules)).toHaveLength(1);
    const f = found[0]!;
    expect(f.confidence).toBe('confirmed');
    expect(f.endpoint).toEqual({ method: 'POST', url: `${servers[1]!.url}/chat` });
    expect(f.evidence.request.headers.authorization).toBe('Bearer None');
    expect(f.evidence.response?.status).toBe(200);
    expect(f.evidence.baseline?.response?.status).toBe(401);
    expect(f.evidence.extra?.[0]?.response?.status).toBe(401); // a random wrong key, refused
    expect(r.findings.filter((x) => x.rule === 'auth.header-bypass')).toEqual([]);
  });

  it('with MISTRAL_API_KEY set, neither version is reported', () => {
    for (const name of ['dependsSet', 'decoratorSet']) {
      const r = reports[name]!;
      expect(
        r.findings.filter((f) => BYPASS_RULES.includes(f.rule)),
        name,
      ).toEqual([]);
      expect(r.rules.find((x) => x.rule === 'auth.insecure-default-key')?.status, name).toBe('pass');
      expect(r.rules.find((x) => x.rule === 'auth.header-bypass')?.status, name).toBe('pass');
    }
  });

  it('stays within the default budget', () => {
    for (const [name, r] of Object.entries(reports)) {
      expect(r.requests.sent, name).toBeLessThanOrEqual(150);
      expect(r.requests.overBudget, name).toBe(0);
    }
  });
});
