// Findings and reasons that must not repeat or contradict each other: one open route reported by two rules is linked and
// counted once; a rule with nothing to compare says what the server actually answered; a rule that leaves the case to
// auth.missing says so only when auth.missing decided. (One advisory finding per product: checks/advisory.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposureKey } from '../../src/engine/findings.js';
import { scan } from '../../src/engine/scan.js';
import { scoreFindings } from '../../src/engine/score.js';
import type { Finding, ScanReport } from '../../src/engine/types.js';
import { type RunningTarget, sendJson, sendText, startTarget } from '../targets/harness.js';
import { startVllm, KEYED as VLLM_KEYED } from '../targets/vllm.js';

const f = (rule: string, severity: Finding['severity'], url = 'http://h/invocations') =>
  ({ id: `${rule}-${url}`, rule, severity, confidence: 'confirmed', endpoint: { method: 'POST', url } }) as Finding;

describe('one exposure, two rules: linked, counted once', () => {
  it('the score counts auth.missing and auth.alternate-path on one endpoint once (the heavier), other endpoints as before', () => {
    expect(scoreFindings([f('auth.alternate-path', 'high'), f('auth.missing', 'high')])).toBe(75);
    expect(scoreFindings([f('auth.alternate-path', 'high'), f('auth.missing', 'high', 'http://h/generate')])).toBe(50);
    expect(exposureKey(f('auth.missing', 'high'))).toBe(exposureKey(f('auth.alternate-path', 'high')));
    expect(exposureKey(f('auth.brute-force', 'medium'))).toBeNull();
  });

  describe('vLLM 0.29 with --api-key: /invocations is open', () => {
    let target: RunningTarget;
    let report: ScanReport;
    beforeAll(async () => {
      target = await startVllm(VLLM_KEYED);
      report = await scan({ url: `${target.url}/v1/chat/completions` });
    }, 60_000);
    afterAll(async () => {
      await target?.close();
    });

    it('its auth.missing and auth.alternate-path findings point at each other and count once in the score', () => {
      const onInvocations = report.findings.filter(
        (x) => x.endpoint.url.endsWith('/invocations') && (x.rule === 'auth.missing' || x.rule === 'auth.alternate-path'),
      );
      expect(onInvocations.map((x) => x.rule).sort()).toEqual(['auth.alternate-path', 'auth.missing']);
      const [a, b] = onInvocations;
      expect(a!.related).toContain(b!.id);
      expect(b!.related).toContain(a!.id);
      for (const x of onInvocations) expect(x.evidence.notes?.some((n) => /counted once in the score/.test(n))).toBe(true);
      const withoutMissing = report.findings.filter((x) => x !== onInvocations.find((y) => y.rule === 'auth.missing'));
      expect(report.score).toBe(scoreFindings(withoutMissing));
    });
  });
});

describe('reasons say what happened', () => {
  let gateway: RunningTarget;
  let unreadable: RunningTarget;
  beforeAll(async () => {
    // Every GET is refused, so discovery takes the routes for guarded; the one-token POST gets 503 from the gateway.
    gateway = await startTarget((req, res) =>
      req.method === 'POST' ? sendJson(res, 503, { error: 'upstream unavailable' }) : sendJson(res, 401, { error: 'Unauthorized' }),
    );
    // An open route whose answer has no model output in it: auth.missing cannot decide.
    unreadable = await startTarget((req, res) =>
      req.path === '/generate' && req.method === 'POST'
        ? sendText(res, 200, '<html><body>queued</body></html>', { 'content-type': 'text/html' })
        : sendJson(res, 404, { detail: 'Not Found' }),
    );
  });
  afterAll(async () => {
    await Promise.all([gateway?.close(), unreadable?.close()]);
  });

  it('a gateway that refuses every GET and fails the one-token request: the bypass rules name the answer they got', async () => {
    const report = await scan({ url: `${gateway.url}/v1/chat/completions` });
    const reasons = report.rules
      .filter((r) => ['auth.alternate-path', 'auth.path-confusion', 'auth.method-override', 'auth.host-header'].includes(r.rule))
      .map((r) => r.reason ?? '');
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) {
      expect(reason).not.toMatch(/did not refuse/);
      expect(reason).toMatch(/its one-token request answered 503 \(server error\)/);
    }
  }, 60_000);

  it('a rule that leaves the case to auth.missing says so only when auth.missing decided; here it could not', async () => {
    const report = await scan({ url: `${unreadable.url}/generate` });
    const missing = report.rules.find((r) => r.rule === 'auth.missing')!;
    expect(missing.status).toBe('inconclusive');
    const alternate = report.rules.find((r) => r.rule === 'auth.alternate-path')!;
    expect(alternate.status).toBe('skipped');
    expect(alternate.reason).not.toContain('(see auth.missing)');
    expect(alternate.reason).toMatch(/there is no authentication to bypass, and auth\.missing did not decide either \(inconclusive: /);
  }, 60_000);
});
