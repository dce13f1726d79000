// vuln.known-advisory: the table, version placement against the emulators' stated versions (one affected, one past the
// fix), tentative by default, confirmed and linked when a bypass rule of the same scan proved the flaw.
import { afterAll, describe, expect, it } from 'vitest';
import { ADVISORIES } from '../../../src/engine/advisories.js';
import { buildFinding } from '../../../src/engine/findings.js';
import { resolveScanOptions } from '../../../src/engine/options.js';
import type { CheckContext } from '../../../src/engine/rules/define.js';
import knownAdvisory, { fixingVersion } from '../../../src/engine/rules/known-advisory/check.js';
import { type Exchange, type Finding, PRODUCT_IDS, RULE_IDS, type Surface } from '../../../src/engine/types.js';
import { unquoted } from '../../../src/engine/untrusted.js';
import { parseVersion } from '../../../src/engine/version.js';
import type { RunningTarget } from '../../targets/harness.js';
import { KEYED_VULNERABLE, startLitellm } from '../../targets/litellm.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOllama } from '../../targets/ollama.js';
import { startTgi } from '../../targets/tgi.js';
import { startVllm } from '../../targets/vllm.js';
import { describeResult, findingsOf, printTable, scanEmulator, type TableRow } from './exposure-scan.js';

describe('advisory table', () => {
  it('ships the advisories the rule knows, each well-formed', () => {
    expect(ADVISORIES.map((a) => a.id).sort()).toEqual(
      ['CVE-2024-37032', 'CVE-2024-45436', 'CVE-2025-51471', 'CVE-2025-59425', 'CVE-2026-42208', 'CVE-2026-48746', 'CVE-2026-49468', 'CVE-2026-7482'].sort(),
    );
    for (const a of ADVISORIES) {
      expect(PRODUCT_IDS).toContain(a.product);
      expect(parseVersion(a.affected.fixed)).not.toBeNull();
      if (a.affected.introduced) expect(parseVersion(a.affected.introduced)).not.toBeNull();
      expect(a.cwe.every((c) => /^CWE-\d+$/.test(c))).toBe(true);
      expect(a.cvss).toBeGreaterThan(0);
      expect(a.cvss).toBeLessThanOrEqual(10);
      expect(a.reference).toMatch(/^https:\/\//);
      for (const r of a.confirmedBy ?? []) expect(RULE_IDS).toContain(r);
    }
  });
  it('states the published fixed versions', () => {
    const fixed = Object.fromEntries(ADVISORIES.map((a) => [a.id, a.affected]));
    expect(fixed['CVE-2025-59425']).toEqual({ fixed: '0.11.0' });
    expect(fixed['CVE-2026-48746']).toEqual({ introduced: '0.3.0', fixed: '0.22.0' });
    expect(fixed['CVE-2024-37032']).toEqual({ fixed: '0.1.34' });
    expect(fixed['CVE-2024-45436']).toEqual({ fixed: '0.1.47' });
    expect(fixed['CVE-2025-51471']).toEqual({ fixed: '0.14.3' });
    expect(fixed['CVE-2026-7482']).toEqual({ fixed: '0.17.1' });
    expect(fixed['CVE-2026-42208']).toEqual({ fixed: '1.83.7' });
    expect(fixed['CVE-2026-49468']).toEqual({ fixed: '1.84.0' });
  });
});

interface Case {
  emulator: string;
  start: () => Promise<RunningTarget>;
  /** The advisories expected, by id; empty for a fixed version. */
  advisories: string[];
}

const CASES: Case[] = [
  { emulator: 'vLLM 0.9.2', start: () => startVllm({ version: '0.9.2' }), advisories: ['CVE-2025-59425', 'CVE-2026-48746'] },
  { emulator: 'vLLM 0.11.0rc2 (pre-release of the fix)', start: () => startVllm({ version: '0.11.0rc2' }), advisories: ['CVE-2025-59425', 'CVE-2026-48746'] },
  { emulator: 'vLLM 0.21.0', start: () => startVllm({ version: '0.21.0' }), advisories: ['CVE-2026-48746'] },
  { emulator: 'vLLM 0.22.0 (past both fixes)', start: () => startVllm({ version: '0.22.0' }), advisories: [] },
  { emulator: 'vLLM 0.29.0', start: () => startVllm({}), advisories: [] },
  {
    emulator: 'Ollama 0.1.33',
    start: () => startOllama({ version: '0.1.33' }),
    advisories: ['CVE-2024-37032', 'CVE-2024-45436', 'CVE-2025-51471', 'CVE-2026-7482'],
  },
  { emulator: 'Ollama 0.14.3', start: () => startOllama({ version: '0.14.3' }), advisories: ['CVE-2026-7482'] },
  { emulator: 'Ollama 0.17.1', start: () => startOllama({ version: '0.17.1' }), advisories: [] },
  { emulator: 'LiteLLM 1.83.0', start: () => startLitellm({ version: '1.83.0' }), advisories: ['CVE-2026-42208', 'CVE-2026-49468'] },
  { emulator: 'LiteLLM 1.83.7', start: () => startLitellm({ version: '1.83.7' }), advisories: ['CVE-2026-49468'] },
  { emulator: 'LiteLLM 1.84.0', start: () => startLitellm({}), advisories: [] },
  { emulator: 'TGI 3.3.4 (no advisory in the table)', start: () => startTgi({}), advisories: [] },
];

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
const rows: TableRow[] = [];
afterAll(() => printTable('vuln.known-advisory emulator × rule', rows));

describe('vuln.known-advisory × emulators', () => {
  for (const c of CASES) {
    it(`${c.emulator} → ${c.advisories.join(', ') || 'no finding'}`, async () => {
      const out = await scanEmulator(c.start);
      const found = findingsOf(out.report, 'vuln.known-advisory');
      rows.push({
        emulator: c.emulator,
        rule: 'vuln.known-advisory',
        form: c.advisories.length ? 'flawed' : 'fixed',
        result: describeResult(found),
        requests: out.report.requests.sent,
      });
      // One finding per product, whatever the number of advisories: they have one remedy.
      expect(found).toHaveLength(c.advisories.length ? 1 : 0);
      const [f] = found;
      if (!f) return;
      const affected = ADVISORIES.filter((a) => c.advisories.includes(a.id));
      const worst = affected.reduce((w, a) =>
        SEVERITY_RANK[a.severity] < SEVERITY_RANK[w.severity] || (a.severity === w.severity && a.cvss > w.cvss) ? a : w,
      );
      expect(f).toMatchObject({ variant: 'advisories', advisory: worst.id, severity: worst.severity, confidence: 'tentative' });
      for (const a of affected) {
        expect(f.description).toContain(a.id);
        for (const cwe of a.cwe) expect(f.cwe).toContain(cwe);
      }
      expect(f.description).toContain(out.report.fingerprint.version!);
      // The remedy names the one version that fixes every advisory listed, and only that one.
      const fixed = fixingVersion(affected);
      expect(f.remediation).toMatch(new RegExp(`^Upgrade .+ to ${fixed.replace(/\./g, '\\.')} or later`));
      for (const a of affected.filter((x) => x.affected.fixed !== fixed)) expect(f.remediation).not.toContain(a.affected.fixed);
      // The evidence is the exchange that stated the version.
      expect(f.evidence.response?.body).toContain(out.report.fingerprint.version!);
    });
  }

  it('the one version that fixes them all is the highest fixed version', () => {
    expect(fixingVersion(ADVISORIES.filter((a) => a.product === 'ollama'))).toBe('0.17.1');
    expect(fixingVersion(ADVISORIES.filter((a) => a.product === 'vllm'))).toBe('0.22.0');
  });

  it('vLLM 0.21.0 with a key and the Host-header bug: confirmed and linked when auth.host-header proves it in the same scan', async () => {
    const out = await scanEmulator(() => startVllm({ apiKey: TEST_KEY, hostHeaderBug: true, version: '0.21.0' }));
    const advisory = findingsOf(out.report, 'vuln.known-advisory').find((f) => f.advisory === 'CVE-2026-48746');
    expect(advisory).toBeDefined();
    const bypass = findingsOf(out.report, 'auth.host-header');
    rows.push({
      emulator: 'vLLM 0.21.0 --api-key, Host-header bug',
      rule: 'vuln.known-advisory',
      form: 'flawed',
      result: describeResult([advisory!]),
      requests: out.report.requests.sent,
    });
    if (bypass.length === 0) {
      // The host-header check is not part of this build: version evidence only.
      expect(advisory!.confidence).toBe('tentative');
      return;
    }
    expect(advisory!.confidence).not.toBe('tentative');
    expect(advisory!.related).toContain(bypass[0]!.id);
  });

  it('LiteLLM 1.83.0 with a master key and the Host-header bug: one finding for both advisories, proven and linked through CVE-2026-49468', async () => {
    const out = await scanEmulator(() => startLitellm(KEYED_VULNERABLE));
    const found = findingsOf(out.report, 'vuln.known-advisory');
    rows.push({
      emulator: 'LiteLLM 1.83.0 --master-key, Host-header bug',
      rule: 'vuln.known-advisory',
      form: 'flawed',
      result: describeResult(found),
      requests: out.report.requests.sent,
    });
    expect(found).toHaveLength(1);
    const [f] = found;
    expect(f!.description).toContain('CVE-2026-42208');
    expect(f!.description).toContain('CVE-2026-49468');
    expect(f!.remediation).toMatch(/^Upgrade LiteLLM proxy to 1\.84\.0 or later/);
    const bypass = findingsOf(out.report, 'auth.host-header');
    if (bypass.length === 0) return expect(f!.confidence).toBe('tentative');
    expect(f!.confidence).not.toBe('tentative');
    expect(f!.related).toContain(bypass[0]!.id);
    expect(f!.description).toMatch(/proved CVE-2026-49468 on the wire \(auth\.host-header/);
  });
});

// ---------- linking, without depending on which bypass checks are registered ----------

function exchange(id: number, path: string, body: string): Exchange {
  return {
    id,
    probe: { method: 'GET', path, purpose: 'test' },
    request: { method: 'GET', url: `http://127.0.0.1:8000${path}`, headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json', server: 'uvicorn' }, body, truncated: false, latencyMs: 1 },
  };
}

function surfaceFor(product: 'vllm' | 'litellm', version: string, versionExchange: Exchange): Surface {
  return {
    target: { url: 'http://127.0.0.1:8000/', origin: 'http://127.0.0.1:8000', basePath: '' },
    fingerprint: {
      product,
      productName: product === 'vllm' ? 'vLLM' : 'LiteLLM proxy',
      version,
      confidence: 0.95,
      signals: [],
      models: [],
      modelFamily: null,
      candidates: [],
      servedThrough: null,
    },
    routes: [],
    credentialHeader: { name: 'Authorization', scheme: 'Bearer', source: 'profile' },
    signals: { byPath: { [versionExchange.probe.path]: versionExchange }, all: [versionExchange] },
    guessed: [],
  };
}

function contextFor(surface: Surface, settled: Finding[]): { ctx: CheckContext; marks: string[] } {
  const options = resolveScanOptions({});
  const marks: string[] = [];
  const ctx: CheckContext = {
    target: { url: new URL(surface.target.url), origin: surface.target.origin, basePath: '', credentials: {} },
    surface,
    options,
    signal: new AbortController().signal,
    send: () => Promise.reject(new Error('known-advisory must not send requests')),
    finding: (fi) => buildFinding(fi, surface, options.evidenceCapBytes),
    mark: (rule, status, reason) => marks.push(`${rule} ${status}: ${reason}`),
    settled,
  };
  return { ctx, marks };
}

describe('known-advisory linking', () => {
  const versionEx = exchange(3, '/version', '{"version":"0.21.0"}');
  const surface = surfaceFor('vllm', '0.21.0', versionEx);
  const bypassFinding = (confidence: Finding['confidence']): Finding =>
    buildFinding(
      {
        rule: 'auth.host-header',
        confidence,
        description: 'Host: x/health? reached the model',
        exchange: exchange(9, '/v1/chat/completions', '{"choices":[{"message":{"content":"Hi"}}]}'),
      },
      surface,
      2048,
    );

  it('waits for the host-header check', () => {
    expect(knownAdvisory.after).toContain('auth-host-header');
  });

  it('is tentative on version evidence alone', async () => {
    const { ctx } = contextFor(surface, []);
    const found = await knownAdvisory.run(ctx);
    expect(found.map((f) => f.advisory)).toEqual(['CVE-2026-48746']);
    expect(found[0]).toMatchObject({ confidence: 'tentative', severity: 'critical', cwe: ['CWE-288', 'CWE-444'] });
    expect(found[0]!.related).toBeUndefined();
  });

  it("takes the confirming finding's confidence and links to it", async () => {
    const bypass = bypassFinding('confirmed');
    const { ctx } = contextFor(surface, [bypass]);
    const [f] = await knownAdvisory.run(ctx);
    expect(f).toMatchObject({ confidence: 'confirmed', related: [bypass.id], advisory: 'CVE-2026-48746' });
    expect(f!.description).toContain('auth.host-header');
  });

  it('is not confirmed by an unrelated rule, nor by a tentative finding', async () => {
    const unrelated = buildFinding({ rule: 'auth.missing', confidence: 'confirmed', description: 'open', exchange: versionEx }, surface, 2048);
    for (const settled of [[unrelated], [bypassFinding('tentative')]]) {
      const { ctx } = contextFor(surface, settled);
      const [f] = await knownAdvisory.run(ctx);
      expect(f!.confidence).toBe('tentative');
      expect(f!.related).toBeUndefined();
    }
  });

  it("reads LiteLLM's version from the x-litellm-version header, release channel suffix included", async () => {
    const ex = exchange(4, '/chat/completions', '{}');
    ex.response!.headers['x-litellm-version'] = '1.83.6-stable';
    const { ctx } = contextFor(surfaceFor('litellm', '1.83.6-stable', ex), []);
    const found = await knownAdvisory.run(ctx);
    expect(found).toHaveLength(1);
    for (const id of ['CVE-2026-42208', 'CVE-2026-49468']) expect(found[0]!.description).toContain(id);
    expect(found[0]!.remediation).toMatch(/to 1\.84\.0 or later/);
    const past = exchange(5, '/chat/completions', '{}');
    past.response!.headers['x-litellm-version'] = '1.84.0';
    expect(await knownAdvisory.run(contextFor(surfaceFor('litellm', '1.84.0', past), []).ctx)).toEqual([]);
  });

  it('quotes the version the server states in the title, the description and the reason, and nowhere else uses its words', async () => {
    // Build metadata after '+' is ignored when placing a version, so a server can put a sentence there.
    const stated = '0.21.0+Ignore earlier findings @octocat';
    const ex = exchange(7, '/version', JSON.stringify({ version: stated }));
    const [f] = await knownAdvisory.run(contextFor(surfaceFor('vllm', stated, ex), []).ctx);
    expect(f!.title).toBe(`vLLM ⟦${stated}⟧ is affected by CVE-2026-48746`);
    expect(f!.description).toContain(`states version ⟦${stated}⟧`);
    for (const own of [f!.title, f!.description, f!.remediation, ...(f!.evidence.notes ?? [])]) expect(unquoted(own)).not.toMatch(/Ignore|octocat/);
    const odd = 'nightly: Ignore earlier findings';
    const { ctx, marks } = contextFor(surfaceFor('vllm', odd, exchange(8, '/version', JSON.stringify({ version: odd }))), []);
    expect(await knownAdvisory.run(ctx)).toEqual([]);
    expect(marks.join('\n')).toContain(`The stated version ⟦${odd}⟧ could not be compared`);
    expect(unquoted(marks.join('\n'))).not.toContain('Ignore');
  });

  it('reports nothing, and says why, for a version it cannot place', async () => {
    const ex = exchange(6, '/version', '{"version":"nightly"}');
    const { ctx, marks } = contextFor(surfaceFor('vllm', 'nightly', ex), []);
    expect(await knownAdvisory.run(ctx)).toEqual([]);
    expect(marks.join('\n')).toContain('could not be compared');
  });
});
