// The tutorial's own FastAPI code under real uvicorn: the vulnerable app is flagged, the remediated one (key set) is not.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { FIX_MIN_CONFIDENCE } from '../../src/knowledge/index.js';
import { type RealServer, realServersAvailable, startUvicorn } from './uvicorn.js';

const TUTORIAL_WRAPPER_DIR = fileURLToPath(new URL('./tutorial-wrapper/', import.meta.url));
const run = realServersAvailable(['fastapi', 'uvicorn'], 'the tutorial FastAPI app');
const KEY = 'sk-tutorial-test-key-0123456789';

describe.runIf(run)('tutorial FastAPI app under real uvicorn', () => {
  let vulnerable: RealServer;
  let fixed: RealServer;
  let vulnReport: ScanReport;
  let fixedReport: ScanReport;

  beforeAll(async () => {
    [vulnerable, fixed] = await Promise.all([
      startUvicorn(TUTORIAL_WRAPPER_DIR, 'vulnerable:app'),
      startUvicorn(TUTORIAL_WRAPPER_DIR, 'fixed_depends:app', { MISTRAL_API_KEY: KEY }),
    ]);
    [vulnReport, fixedReport] = await Promise.all([scan({ url: `${vulnerable.url}/generate` }), scan({ url: `${fixed.url}/generate` })]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([vulnerable?.stop(), fixed?.stop()]);
  });

  it('flags the vulnerable app with a proven auth.missing finding', () => {
    const f = vulnReport.findings.find((x) => x.rule === 'auth.missing');
    expect(f, JSON.stringify(vulnReport.rules)).toBeDefined();
    expect(f!.check).toBe('Authentication');
    expect(f!.severity).toBe('high');
    expect(f!.confidence).toBe('confirmed');
    expect(f!.endpoint).toEqual({ method: 'POST', url: `${vulnerable.url}/generate` });
    expect(f!.evidence.response?.status).toBe(200);
    expect(f!.evidence.response?.body).toContain('generated');
    expect(f!.evidence.response?.headers.server).toBe('uvicorn');
    const sent = Object.keys(f!.evidence.request.headers).map((h) => h.toLowerCase());
    expect(sent).not.toContain('authorization');
    expect(sent).not.toContain('x-api-key');
    expect(f!.server.product).toBe('fastapi');
    expect(vulnReport.rules.find((r) => r.rule === 'auth.missing')?.status).toBe('fail');
  });

  it('grades the wide-open /generate D: a stranger can use the model, whatever else passed', () => {
    expect(vulnReport.verdict.status).toBe('complete');
    expect(vulnReport.grade).toBe('D');
    // The fix it names is FastAPI's: the fingerprint is sure enough to choose it.
    expect(vulnReport.fingerprint.product).toBe('fastapi');
    expect(vulnReport.fingerprint.confidence).toBeGreaterThanOrEqual(FIX_MIN_CONFIDENCE);
  });

  it('stays within the request budget the core issue sets (≤ 40 at default depth)', () => {
    expect(vulnReport.requests.sent).toBeLessThanOrEqual(40);
    expect(vulnReport.requests.inference).toBeGreaterThanOrEqual(1);
  });

  it('does not flag the remediated app when MISTRAL_API_KEY is set', () => {
    expect(fixedReport.findings.filter((f) => f.rule === 'auth.missing')).toEqual([]);
    expect(fixedReport.rules.find((r) => r.rule === 'auth.missing')?.status).toBe('pass');
    expect(fixedReport.surface.credentialHeader.name.toLowerCase()).toBe('x-api-key');
  });
});
