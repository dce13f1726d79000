// The credential rules against their emulators: every flawed configuration yields exactly its intended rule(s)
// with confirmed or firm confidence, every fixed twin none of them. Each scan runs at standard depth within the default
// budget, never reaches a management handler, and never shows the user's key in the report. The table printed at the end
// is the closing note's emulator × rule result with each scan's request count.
import { afterAll, describe, expect, it } from 'vitest';
import { reached } from '../../../src/engine/probes/credentials.js';
import { latencyGrows } from '../../../src/engine/rules/auth-brute-force/check.js';
import { ruleForAcceptedValue, serverToken } from '../../../src/engine/rules/auth-header-bypass/check.js';
import { jwtOf, revealsJwt } from '../../../src/engine/rules/auth-jwt/check.js';
import { scan } from '../../../src/engine/scan.js';
import type { Exchange, RuleId, ScanReport } from '../../../src/engine/types.js';
import { startFastapiWrapper } from '../../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../../targets/harness.js';
import { issueToken, startJwtService } from '../../targets/jwt-service.js';
import { startLocalai } from '../../targets/localai.js';
import { startLooseAuthGateway } from '../../targets/loose-auth.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOpenAICompatible } from '../../targets/openai-compatible.js';
import { startTgi } from '../../targets/tgi.js';
import { NEVER_THROTTLES, startThrottleGateway, THROTTLES_AFTER_FIVE } from '../../targets/throttle.js';
import { startVllm } from '../../targets/vllm.js';

const MINE = [
  'auth.header-bypass',
  'auth.insecure-default-key',
  'auth.brute-force',
  'auth.weak-key-handling',
  'auth.jwt',
  'auth.credentials-ignored',
] as const satisfies readonly RuleId[];
type Mine = (typeof MINE)[number];

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Row {
  name: string;
  start: () => Promise<RunningTarget>;
  path: string;
  headers?: () => Promise<Record<string, string>> | Record<string, string>;
  /** The intended findings: rule → the variants expected (exactly), or [] when the rule has no variant. */
  expect: Partial<Record<Mine, string[]>>;
  /** A fixed twin: no auth.* finding at all, except auth.brute-force where the twin has no failed-key limiter (true there). */
  twin?: { noLimiter: boolean };
  /** Rules of others that are true on this emulator (a real vLLM leaves /invocations open): not this table's business. */
  othersTrue?: RuleId[];
}

const ROWS: Row[] = [
  // auth.insecure-default-key: the tutorial's remediations with MISTRAL_API_KEY unset, and their fixed twins.
  {
    name: 'wrapper Depends, key unset',
    start: () => startFastapiWrapper({ auth: { mode: 'depends-header', key: null } }),
    path: '/generate',
    expect: { 'auth.insecure-default-key': ['x-api-key=""'], 'auth.brute-force': [] },
  },
  {
    name: 'wrapper Depends, key set (twin)',
    start: () => startFastapiWrapper({ auth: { mode: 'depends-header' } }),
    path: '/generate',
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
  {
    name: 'wrapper decorator, key unset',
    start: () => startFastapiWrapper({ auth: { mode: 'bearer-decorator', key: null } }),
    path: '/generate',
    expect: { 'auth.insecure-default-key': ['authorization="None"'] },
  },
  {
    name: 'wrapper decorator, key set (twin)',
    start: () => startFastapiWrapper({ auth: { mode: 'bearer-decorator' } }),
    path: '/generate',
    expect: {},
    twin: { noLimiter: true },
  },
  // auth.header-bypass: loose key checks, and the strict twin.
  {
    name: 'gateway, key from a config object',
    start: () => startLooseAuthGateway('object-key'),
    path: '/v1/chat/completions',
    expect: { 'auth.header-bypass': ['authorization="[object Object]"'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, API_KEY=false',
    start: () => startLooseAuthGateway('boolean-key'),
    path: '/v1/chat/completions',
    expect: { 'auth.header-bypass': ['authorization="false"'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, presence-only check',
    start: () => startLooseAuthGateway('presence-only'),
    path: '/v1/chat/completions',
    expect: { 'auth.header-bypass': ['authorization=<random>'] },
  },
  {
    name: 'gateway, trusted X-API-Key',
    start: () => startLooseAuthGateway('trusted-alt-header'),
    path: '/v1/chat/completions',
    expect: { 'auth.header-bypass': ['x-api-key=<random>'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, layers read different duplicates',
    start: () => startLooseAuthGateway('duplicate-last'),
    path: '/v1/chat/completions',
    expect: { 'auth.header-bypass': ['authorization=<twice>'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, strict (twin)',
    start: () => startLooseAuthGateway('strict'),
    path: '/v1/chat/completions',
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
  // auth.brute-force
  { name: 'gateway, never throttles', start: () => startThrottleGateway(NEVER_THROTTLES), path: '/v1/chat/completions', expect: { 'auth.brute-force': [] } },
  {
    name: 'gateway, 429 after five (twin)',
    start: () => startThrottleGateway(THROTTLES_AFTER_FIVE),
    path: '/v1/chat/completions',
    expect: {},
    twin: { noLimiter: false },
  },
  // auth.jwt
  {
    name: 'JWT alg none, user token',
    start: () => startJwtService('alg-none'),
    path: '/v1/chat/completions',
    headers: async () => bearer(await issueToken()),
    expect: { 'auth.jwt': ['alg-none'], 'auth.brute-force': [] },
  },
  {
    name: 'JWT alg none, no token',
    start: () => startJwtService('alg-none'),
    path: '/v1/chat/completions',
    expect: { 'auth.jwt': ['alg-none'], 'auth.brute-force': [] },
  },
  {
    name: 'JWT ignores exp, expired token',
    start: () => startJwtService('ignores-exp'),
    path: '/v1/chat/completions',
    headers: async () => bearer(await issueToken({ expired: true })),
    expect: { 'auth.jwt': ['expired'], 'auth.brute-force': [] },
  },
  {
    name: 'JWT empty secret, no token',
    start: () => startJwtService('empty-secret'),
    path: '/v1/chat/completions',
    expect: { 'auth.jwt': ['empty-secret'], 'auth.brute-force': [] },
  },
  {
    name: 'JWT unverified, user token',
    start: () => startJwtService('unverified'),
    path: '/v1/chat/completions',
    headers: async () => bearer(await issueToken()),
    expect: { 'auth.jwt': ['alg-none', 'empty-secret', 'tampered-payload'], 'auth.brute-force': [] },
  },
  {
    name: 'JWT verified, user token (twin)',
    start: () => startJwtService('strict'),
    path: '/v1/chat/completions',
    headers: async () => bearer(await issueToken()),
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
  {
    name: 'JWT verified, expired token (twin)',
    start: () => startJwtService('strict'),
    path: '/v1/chat/completions',
    headers: async () => bearer(await issueToken({ expired: true })),
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
  {
    name: 'JWT verified, no token (twin)',
    start: () => startJwtService('strict'),
    path: '/v1/chat/completions',
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
  // auth.weak-key-handling (the user's key)
  {
    name: 'TGI keyed, case-insensitive key',
    start: () => startTgi({ apiKey: TEST_KEY }),
    path: '/generate',
    headers: () => ({ 'X-Request-Source': 'gatecrash-ci', ...bearer(TEST_KEY) }),
    expect: { 'auth.weak-key-handling': ['case'], 'auth.brute-force': [] },
    othersTrue: ['auth.alternate-path'],
  },
  {
    name: 'LocalAI keyed, bare key accepted',
    start: () => startLocalai({ apiKeys: [TEST_KEY] }),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.weak-key-handling': ['no-scheme'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, key in the query string',
    start: () => startLooseAuthGateway('query-key'),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.weak-key-handling': ['query'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, prefix compare',
    start: () => startLooseAuthGateway('prefix-compare'),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.weak-key-handling': ['prefix'], 'auth.brute-force': [] },
  },
  {
    name: 'gateway, strict, user key (twin)',
    start: () => startLooseAuthGateway('strict'),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
  {
    name: 'vLLM keyed, strict compare (twin)',
    start: () => startVllm({ apiKey: TEST_KEY }),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.brute-force': [] },
    othersTrue: ['auth.missing', 'auth.alternate-path', 'auth.admin-exposed'],
  },
  // auth.credentials-ignored
  {
    name: 'OpenAI-compatible open, user key',
    start: () => startOpenAICompatible({}),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.credentials-ignored': [] },
    othersTrue: ['auth.missing'],
  },
  {
    name: 'OpenAI-compatible keyed, user key (twin)',
    start: () => startOpenAICompatible({ apiKey: TEST_KEY }),
    path: '/v1/chat/completions',
    headers: () => bearer(TEST_KEY),
    expect: { 'auth.brute-force': [] },
    twin: { noLimiter: true },
  },
];

const table: string[] = [];

function secretsOf(headers: Record<string, string>): string[] {
  return Object.values(headers)
    .flatMap((v) => [v, v.replace(/^Bearer\s+/i, '')])
    .filter((s) => s.length >= 8);
}

describe('credential rules × emulators (standard depth, default budget)', () => {
  afterAll(() => {
    console.log(['', '| emulator | expected | result | requests |', '|---|---|---|---|', ...table].join('\n'));
  });

  it.each(ROWS.map((r) => [r.name, r] as const))(
    '%s',
    async (_name, row) => {
      const target = await row.start();
      let report: ScanReport;
      const headers = row.headers ? await row.headers() : {};
      try {
        report = await scan({ url: target.url + row.path, headers });
      } finally {
        await target.close();
      }
      const got = report.findings.filter((f) => (MINE as readonly string[]).includes(f.rule));
      const summary = MINE.filter((r) => got.some((f) => f.rule === r))
        .map(
          (r) =>
            `${r}${got
              .filter((f) => f.rule === r && f.variant)
              .map((f) => ` ${f.variant}`)
              .join('')} (${[...new Set(got.filter((f) => f.rule === r).map((f) => f.confidence))].join('/')})`,
        )
        .join('; ');
      const expected = Object.entries(row.expect)
        .map(([r, v]) => `${r}${v.length ? ` ${v.join(' ')}` : ''}`)
        .join('; ');
      table.push(`| ${row.name} | ${expected || '–'} | ${summary || 'no finding'} | ${report.requests.sent} |`);

      for (const rule of MINE) {
        const mine = got.filter((f) => f.rule === rule);
        const want = row.expect[rule];
        if (!want) {
          expect(
            mine.map((f) => `${f.variant}: ${f.description}`),
            `${rule} must not fire`,
          ).toEqual([]);
          continue;
        }
        expect(mine.length, `${rule} must fire: ${JSON.stringify(report.rules.find((x) => x.rule === rule))}`).toBeGreaterThan(0);
        for (const f of mine) expect(['confirmed', 'firm']).toContain(f.confidence);
        if (want.length) expect(mine.map((f) => f.variant).sort()).toEqual([...want].sort());
        // Differential evidence: a refused baseline beside the accepted variant.
        for (const f of mine) if (rule !== 'auth.credentials-ignored') expect(f.evidence.baseline?.response?.status, `${rule} baseline`).toBeDefined();
      }
      if (row.twin) {
        const allowed = new Set<string>(row.twin.noLimiter ? ['auth.brute-force'] : []);
        for (const r of row.othersTrue ?? []) allowed.add(r);
        expect(report.findings.filter((f) => f.rule.startsWith('auth.') && !allowed.has(f.rule)).map((f) => `${f.rule}: ${f.description}`)).toEqual([]);
      }
      for (const f of report.findings.filter((x) => x.rule.startsWith('auth.') && !(MINE as readonly string[]).includes(x.rule))) {
        expect(row.othersTrue ?? [], `unexpected ${f.rule}: ${f.description}`).toContain(f.rule);
      }

      expect(report.requests.sent).toBeLessThanOrEqual(150);
      expect(report.requests.overBudget).toBe(0);
      expect(target.managementCount()).toBe(0);
      const text = JSON.stringify(report).toLowerCase();
      for (const s of secretsOf(headers)) expect(text.includes(s.toLowerCase()), 'the key appears in the report').toBe(false);
    },
    60_000,
  );
});

describe('auth.brute-force at deep depth', () => {
  it('sends 20 wrong keys one after another and still reports a server that never throttles', async () => {
    const target = await startThrottleGateway(NEVER_THROTTLES);
    try {
      const report = await scan({ url: `${target.url}/v1/chat/completions` }, { depth: 'deep', budget: 300 });
      const f = report.findings.find((x) => x.rule === 'auth.brute-force');
      expect(f, JSON.stringify(report.rules.find((x) => x.rule === 'auth.brute-force'))).toBeDefined();
      // The gateway reads Authorization; its header is a guess, so X-API-Key gets its own run of 20 too, but only the header
      // the server reads counts: a wrong key in a header it ignores is, to it, no key at all.
      expect(f!.description).toMatch(/answered 20 wrong keys \(20 in Authorization\)/);
      expect(f!.evidence.notes).toContainEqual(expect.stringMatching(/^the server reads Authorization/));
      const statuses = f!.evidence.notes
        ?.find((n) => n.startsWith('20 wrong keys in Authorization'))
        ?.split('statuses ')[1]
        ?.split(', ');
      expect(statuses).toEqual(Array(20).fill('401'));
      // One after another: the gateway saw every wrong key in Authorization, the crafted values among them.
      const wrongInAuthorization = target.requests.filter(
        (r) => r.headers['authorization'] !== undefined && r.headers['authorization'] !== `Bearer ${TEST_KEY}`,
      );
      expect(wrongInAuthorization.length).toBeGreaterThanOrEqual(20);
      expect(target.managementCount()).toBe(0);
    } finally {
      await target.close();
    }
  }, 60_000);
});

describe('auth.weak-key-handling names the query parameter the server reads', () => {
  it('sends ?api_key= and ?key= together, then narrows to the one that was accepted', async () => {
    const target = await startLooseAuthGateway('query-key');
    try {
      const report = await scan({ url: `${target.url}/v1/chat/completions`, headers: { Authorization: `Bearer ${TEST_KEY}` } });
      const f = report.findings.find((x) => x.rule === 'auth.weak-key-handling' && x.variant === 'query');
      expect(f, JSON.stringify(report.rules.find((x) => x.rule === 'auth.weak-key-handling'))).toBeDefined();
      // The gateway reads api_key first: the finding names it alone, with the request that proves it.
      expect(f!.description).toContain('your key as ?api_key= and no Authorization header');
      expect(f!.evidence.request.url).toMatch(/\?api_key=\[REDACTED\]$/);
      const combined = target.requests.filter((r) => /[?&]api_key=/.test(r.url) && /[?&]key=/.test(r.url));
      expect(combined).toHaveLength(1);
    } finally {
      await target.close();
    }
  }, 60_000);
});

// ---------- the judgements the rules rest on ----------

function exchange(status: number, body: string, headers: Record<string, string> = {}, requestBody = '{"text":"Say hello."}'): Exchange {
  return {
    id: 1,
    probe: { method: 'POST', path: '/generate', purpose: 'test', body: requestBody },
    request: { method: 'POST', url: 'http://127.0.0.1:1/generate', headers: {}, body: requestBody },
    response: { status, headers, body, truncated: false, latencyMs: 1 },
  };
}

describe('credential judgements', () => {
  it('one accepted value → one rule: unset-variable renderings are insecure-default-key, the rest header-bypass', () => {
    for (const v of ['', 'Bearer ', 'Bearer', 'None', 'Bearer None', 'null', 'Bearer null', 'undefined', 'Bearer undefined']) {
      expect(ruleForAcceptedValue(v), JSON.stringify(v)).toBe('auth.insecure-default-key');
    }
    for (const v of ['false', '0', '[object Object]', 'Bearer [object Object]', 'Bearer false', 'none', 'NULL']) {
      expect(ruleForAcceptedValue(v), JSON.stringify(v)).toBe('auth.header-bypass');
    }
    expect(serverToken('Bearer None')).toBe(serverToken('None'));
    expect(serverToken('Bearer ')).toBe(serverToken(''));
  });

  it('model output proves a bypass; body validation only behind a 401/403 baseline with the same body', () => {
    const prompt = 'Say hello.';
    expect(reached(exchange(200, '{"generated":"Hello"}'), prompt)?.confidence).toBe('confirmed');
    expect(reached(exchange(200, '{"detail":"Unauthorized"}'), prompt)).toBeNull();
    expect(reached(exchange(200, '{"status":"unauthorized","reason":"invalid api key"}'), prompt)).toBeNull();
    const bodyError = exchange(422, '{"detail":[{"loc":["body","prompt"],"msg":"Field required","type":"missing"}]}');
    // Auth before validation refused the same body: reaching validation means passing auth.
    expect(reached(bodyError, prompt, exchange(401, '{"detail":"Invalid API key"}'))?.confidence).toBe('firm');
    // FastAPI's missing-header 422: a present header passes parameter validation whatever the endpoint's own check says.
    expect(reached(bodyError, prompt, exchange(422, '{"detail":[{"loc":["header","x-api-key"],"msg":"Field required","type":"missing"}]}'))).toBeNull();
    expect(reached(bodyError, prompt)).toBeNull();
    expect(reached(bodyError, prompt, exchange(401, '{}', {}, '{"other":1}'))).toBeNull();
  });

  it('a tarpit is a throttle: growing latency, not jitter', () => {
    expect(latencyGrows([5, 6, 5, 7, 5, 6, 80, 5, 6, 5, 7, 6])).toBe(false);
    expect(latencyGrows([40, 42, 41, 40, 43, 41, 42, 40, 44, 41, 40, 42])).toBe(false);
    expect(latencyGrows([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200])).toBe(true);
  });

  it('JWTs are recognised in a credential value, and JWT use in refusals', () => {
    const t = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    expect(jwtOf(`Bearer ${t}`)).toBe(t);
    expect(jwtOf('sk-test-gatecrash-key-123')).toBeNull();
    expect(jwtOf('a.b.c')).toBeNull();
    expect(revealsJwt(exchange(401, '{"detail":"Invalid token: Not enough segments"}'))).toBe(true);
    expect(revealsJwt(exchange(401, '{}', { 'www-authenticate': 'Bearer error="invalid_token"' }))).toBe(true);
    expect(revealsJwt(exchange(401, '{"detail":"Invalid API key"}'))).toBe(false);
    expect(revealsJwt(exchange(200, '{"note":"jwt"}'))).toBe(false);
  });
});

describe('auth.brute-force judges only a header the server reads', () => {
  it('a refusal that carries a fresh request id is still the same refusal: wrong keys in an ignored header prove nothing', async () => {
    // A gateway that reads its key from X-Token (named nowhere) and refuses everything else alike, each refusal with its
    // own request id, as many gateways do. The scanner's wrong keys go in headers it never reads.
    const { randomUUID } = await import('node:crypto');
    const { sendJson, startTarget } = await import('../../targets/harness.js');
    const target = await startTarget((_req, res) => sendJson(res, 401, { error: 'unauthorized', request_id: randomUUID() }));
    try {
      const report = await scan({ url: `${target.url}/v1/chat/completions` });
      expect(report.findings.filter((f) => f.rule === 'auth.brute-force')).toEqual([]);
      expect(report.rules.find((r) => r.rule === 'auth.brute-force')?.status).not.toBe('fail');
    } finally {
      await target.close();
    }
  });
});
