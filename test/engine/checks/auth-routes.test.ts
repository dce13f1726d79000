// Route-based authentication bypasses: auth.admin-exposed, auth.alternate-path, auth.host-header,
// auth.path-confusion, auth.method-override, each proven differentially against the emulators of docs/servers/ and their fixed
// twins. Every row is one standard-depth scan with ALL checks, so the table also proves the budget (≤ 150 requests) and
// that no management route was ever called with a body that could act.
import { afterAll, describe, expect, it } from 'vitest';
import { handlerAnswered, handlerValidated } from '../../../src/engine/probes/differential.js';
import { ALL_PROFILES } from '../../../src/engine/profiles/index.js';
import { spellings } from '../../../src/engine/rules/auth-path-confusion/check.js';
import { scan } from '../../../src/engine/scan.js';
import { isNotRouted, isRefused } from '../../../src/engine/surface/answer.js';
import type { Confidence, Exchange, Finding, RuleId, ScanReport } from '../../../src/engine/types.js';
import { type AuthProxyOptions, startAuthProxy } from '../../targets/auth-proxy.js';
import * as express from '../../targets/express-wrapper.js';
import { startFastapiWrapper } from '../../targets/fastapi-wrapper.js';
import type { RecordedRequest, RunningTarget } from '../../targets/harness.js';
import { KEYED as KOBOLD_KEYED, startKoboldcpp } from '../../targets/koboldcpp.js';
import { KEYED as LITELLM_KEYED, KEYED_VULNERABLE as LITELLM_VULNERABLE, startLitellm } from '../../targets/litellm.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { OPEN as OLLAMA_OPEN, startOllama } from '../../targets/ollama.js';
import { KEYED as SGLANG_KEYED, startSglang } from '../../targets/sglang.js';
import { startTextgenWebui, KEYED as TEXTGEN_KEYED } from '../../targets/textgen-webui.js';
import { startTgi, KEYED as TGI_KEYED } from '../../targets/tgi.js';
import { startVllm, KEYED as VLLM_KEYED } from '../../targets/vllm.js';

const MINE = ['auth.admin-exposed', 'auth.alternate-path', 'auth.host-header', 'auth.path-confusion', 'auth.method-override'] as const;
type Mine = (typeof MINE)[number];

/**
 * Brute-force protection is a property of its own (throttling, not the key being skipped) and no emulator here throttles,
 * so it is the one auth.* rule a fixed twin may still fail; the throttle emulators of auth.brute-force cover it.
 */
const NOT_A_BYPASS: RuleId[] = ['auth.brute-force'];

interface Expectation {
  confidence: Confidence[];
  /** Endpoint paths that must each carry a finding of the rule (URL path, query removed). */
  endpoints?: string[];
  /** Variants that must each carry a finding of the rule (the spelling the server honoured, named after a combined probe). */
  variants?: string[];
}

interface Started {
  /** What the scan is pointed at. */
  scanned: RunningTarget;
  /** Every emulator involved (gateway and what is behind it), for the management assertion and cleanup. */
  all: RunningTarget[];
  url?: string;
}

interface Row {
  name: string;
  start: () => Promise<Started>;
  /** Flawed: exactly these of my rules fire. Absent (fixed twin): no auth.* finding at all besides NOT_A_BYPASS. */
  expect?: Partial<Record<Mine, Expectation>>;
  /** Rule statuses the report must show (e.g. the differential staying inconclusive when auth runs after routing). */
  status?: Partial<Record<Mine, ScanReport['rules'][number]['status']>>;
  /** Other rules the flaw legitimately adds (an open alternate route is also auth.missing). */
  alsoAllowed?: RuleId[];
}

const alone =
  (t: Promise<RunningTarget>, path = ''): (() => Promise<Started>) =>
  async () => {
    const scanned = await t;
    return { scanned, all: [scanned], url: scanned.url + path };
  };

function behindGateway(backend: () => Promise<RunningTarget>, gateway: Omit<AuthProxyOptions, 'upstream'>, path = ''): () => Promise<Started> {
  return async () => {
    const up = await backend();
    const gw = await startAuthProxy({ ...gateway, upstream: up.url });
    return { scanned: gw, all: [gw, up], url: gw.url + path };
  };
}

const DENY_BY_DEFAULT: Omit<AuthProxyOptions, 'upstream'> = { mode: 'deny-by-default', key: TEST_KEY };
const confirmed: Confidence[] = ['confirmed'];
const firm: Confidence[] = ['firm'];
const proven: Confidence[] = ['confirmed', 'firm'];

const ROWS: Row[] = [
  // ---- vLLM (docs/servers/vllm.md) ----
  {
    name: 'vLLM 0.29 with --api-key: /invocations and /tokenize open, control routes outside the guarded prefixes',
    start: alone(startVllm(VLLM_KEYED)),
    expect: {
      'auth.alternate-path': { confidence: proven, endpoints: ['/invocations', '/tokenize'] },
      'auth.admin-exposed': { confidence: firm, endpoints: ['/pause'] },
    },
    alsoAllowed: ['auth.missing'],
  },
  {
    name: 'vLLM 0.21 with --api-key: Host-header path confusion (CVE-2026-48746)',
    start: alone(startVllm({ ...VLLM_KEYED, hostHeaderBug: true })),
    expect: {
      'auth.host-header': { confidence: confirmed, endpoints: ['/v1/chat/completions'] },
      'auth.alternate-path': { confidence: proven, endpoints: ['/invocations', '/tokenize'] },
      'auth.admin-exposed': { confidence: firm, endpoints: ['/pause'] },
    },
    alsoAllowed: ['auth.missing'],
  },
  {
    name: 'vLLM 0.10 with --api-key: only /v1 guarded, "Bearer " compared with !=, Host-header path confusion',
    start: alone(startVllm({ ...VLLM_KEYED, legacy: true })),
    expect: {
      'auth.host-header': { confidence: confirmed, endpoints: ['/v1/chat/completions'] },
      'auth.alternate-path': { confidence: proven, endpoints: ['/tokenize'] },
    },
    alsoAllowed: ['auth.missing'],
  },
  // Fixed twin of these: the same server behind a deny-by-default gateway (what the remediation asks for).
  { name: 'vLLM 0.29 with --api-key behind a deny-by-default gateway', start: behindGateway(() => startVllm(VLLM_KEYED), DENY_BY_DEFAULT) },
  {
    name: 'vLLM 0.21 with --api-key behind a deny-by-default gateway',
    start: behindGateway(() => startVllm({ ...VLLM_KEYED, hostHeaderBug: true }), DENY_BY_DEFAULT),
  },

  // ---- TGI (docs/servers/tgi.md) ----
  {
    name: 'TGI with --api-key and the kserve feature: KServe inference and /chat_tokenize outside the auth layer',
    start: alone(startTgi({ ...TGI_KEYED, kserve: true })),
    expect: {
      'auth.alternate-path': { confidence: proven, endpoints: ['/v2/models/mistralai%2FMistral-7B-Instruct-v0.3/versions/1/infer', '/chat_tokenize'] },
    },
    alsoAllowed: ['auth.missing'],
  },
  {
    name: 'TGI with --api-key and kserve behind a deny-by-default gateway',
    start: behindGateway(() => startTgi({ ...TGI_KEYED, kserve: true }), DENY_BY_DEFAULT),
  },

  // ---- KoboldCpp (docs/servers/koboldcpp.md) ----
  {
    name: 'KoboldCpp with --password and an image model: /sdapi/v1/* never guarded',
    start: alone(startKoboldcpp(KOBOLD_KEYED), '/api/v1/generate'),
    expect: { 'auth.alternate-path': { confidence: firm, endpoints: ['/sdapi/v1/txt2img'] } },
  },
  {
    // Behind this gateway only KoboldCpp's banners show (its Server header, its page title): names the server states, which
    // never name a product alone. Unnamed, the server is not known to route by suffix, so the prefixed spelling that reaches
    // the model is path confusion.
    name: 'KoboldCpp behind a gateway guarding /api/, /v1/, /sdapi/ by prefix: suffix routing answers /x/api/v1/generate',
    start: behindGateway(
      () => startKoboldcpp({ imageGen: false, transcribe: false }),
      { mode: 'prefixes', key: TEST_KEY, guardedPrefixes: ['/api/', '/v1/', '/sdapi/'] },
      '/api/v1/generate',
    ),
    expect: { 'auth.path-confusion': { confidence: confirmed, endpoints: ['/api/v1/generate'] } },
  },
  {
    name: 'KoboldCpp with --password and no image or Whisper model',
    start: alone(startKoboldcpp({ ...KOBOLD_KEYED, imageGen: false, transcribe: false }), '/api/v1/generate'),
  },
  { name: 'KoboldCpp behind a deny-by-default gateway', start: behindGateway(() => startKoboldcpp({}), DENY_BY_DEFAULT, '/api/v1/generate') },

  // ---- FastAPI wrappers (docs/servers/frameworks.md) ----
  {
    name: 'FastAPI wrapper: /v1/generate guarded by Depends, /generate forgotten',
    start: alone(
      startFastapiWrapper({ paths: ['/v1/generate', '/generate'], auth: { mode: 'depends-header', key: TEST_KEY, guarded: ['/v1/generate'] } }),
      '/v1/generate',
    ),
    expect: { 'auth.alternate-path': { confidence: confirmed, endpoints: ['/generate'] } },
    alsoAllowed: ['auth.missing'],
  },
  {
    name: 'FastAPI wrapper: per-route Depends on both routes (auth after routing: the method differential stays silent)',
    start: alone(startFastapiWrapper({ paths: ['/v1/generate', '/generate'], auth: { mode: 'depends-header', key: TEST_KEY } }), '/v1/generate'),
  },
  {
    name: 'FastAPI wrapper: auth middleware exempting /health, compared with request.url.path (Host-built)',
    start: alone(
      startFastapiWrapper({ paths: ['/generate'], health: true, auth: { mode: 'middleware', header: 'X-API-Key', key: TEST_KEY, publicPaths: ['/health'] } }),
      '/generate',
    ),
    expect: { 'auth.host-header': { confidence: confirmed, endpoints: ['/generate'] } },
  },
  {
    name: 'FastAPI wrapper: auth middleware with no exemption',
    start: alone(startFastapiWrapper({ paths: ['/generate'], health: true, auth: { mode: 'middleware', header: 'X-API-Key', key: TEST_KEY } }), '/generate'),
  },

  // ---- SGLang (docs/servers/sglang.md: the same Host-built path, suspected) ----
  {
    name: 'SGLang with --api-key whose middleware reads a Host-built path; /health_generate always open',
    start: alone(startSglang({ ...SGLANG_KEYED, hostHeaderBug: true })),
    expect: {
      'auth.host-header': { confidence: confirmed, endpoints: ['/generate'] },
      'auth.alternate-path': { confidence: firm, endpoints: ['/health_generate'] },
    },
  },
  {
    name: 'SGLang with --api-key behind a deny-by-default gateway',
    start: behindGateway(() => startSglang({ ...SGLANG_KEYED, hostHeaderBug: true }), DENY_BY_DEFAULT),
  },

  // ---- LiteLLM and text-generation-webui: per-route dependencies (auth after routing) ----
  {
    name: 'LiteLLM 1.83 with a master key: Host-header bypass of the public-route check (CVE-2026-49468)',
    start: alone(startLitellm(LITELLM_VULNERABLE)),
    expect: { 'auth.host-header': { confidence: confirmed, endpoints: ['/chat/completions'] } },
    status: { 'auth.admin-exposed': 'inconclusive' },
  },
  {
    name: 'LiteLLM 1.84 with a master key (per-route dependency: admin differential inconclusive, nothing reported)',
    start: alone(startLitellm(LITELLM_KEYED)),
    status: { 'auth.admin-exposed': 'inconclusive' },
  },
  {
    name: 'text-generation-webui with --api-key (per-route Depends: admin differential inconclusive, nothing reported)',
    start: alone(startTextgenWebui(TEXTGEN_KEYED)),
    status: { 'auth.admin-exposed': 'inconclusive' },
  },

  // ---- Express wrappers: the author's own guard ----
  {
    name: 'Express wrapper: guard compares req.path literally, Express routes case-insensitively with an optional trailing slash',
    start: alone(express.startExpressWrapper(express.LITERAL_PATH_GUARD), '/v1/generate'),
    expect: { 'auth.path-confusion': { confidence: confirmed, endpoints: ['/v1/generate'] } },
  },
  {
    name: 'Express wrapper: guard on POST only, the route also serves GET',
    start: alone(express.startExpressWrapper(express.POST_ONLY_GUARD), '/v1/generate'),
    expect: { 'auth.method-override': { confidence: confirmed, endpoints: ['/v1/generate'] } },
  },
  {
    name: 'Express wrapper: guard skips HEAD, the route serves GET (hence HEAD)',
    start: alone(express.startExpressWrapper(express.HEAD_SKIPPING_GUARD), '/v1/generate'),
    expect: { 'auth.method-override': { confidence: firm, endpoints: ['/v1/generate'] } },
  },
  {
    name: 'Express wrapper: method-override (X-HTTP-Method-Override) registered after a POST-only guard',
    start: alone(express.startExpressWrapper(express.OVERRIDE_AFTER_GUARD), '/v1/generate'),
    expect: { 'auth.method-override': { confidence: confirmed, endpoints: ['/v1/generate'], variants: ['X-HTTP-Method-Override: POST'] } },
  },
  {
    name: 'Express wrapper: method-override (_method query) registered after a POST-only guard',
    start: alone(express.startExpressWrapper({ guard: 'post-only', methodOverride: { getter: '_method', methods: ['GET', 'POST'] } }), '/v1/generate'),
    expect: { 'auth.method-override': { confidence: confirmed, endpoints: ['/v1/generate'], variants: ['_method=POST'] } },
  },
  { name: 'Express wrapper: route-level guard (POST only route)', start: alone(express.startExpressWrapper(express.FIXED), '/v1/generate') },
  {
    name: 'Express wrapper: route-level guard on GET and POST',
    start: alone(express.startExpressWrapper({ ...express.FIXED, getRoute: true }), '/v1/generate'),
  },
  {
    name: 'Express wrapper: method-override registered before the guard',
    start: alone(
      express.startExpressWrapper({ guard: 'route', methodOverride: { getter: 'X-HTTP-Method-Override', methods: ['GET', 'POST'] } }),
      '/v1/generate',
    ),
  },

  // ---- Ollama: no authentication exists ----
  {
    name: 'Ollama on 0.0.0.0: fingerprint plus /api/tags answering without credentials',
    start: alone(startOllama(OLLAMA_OPEN)),
    expect: { 'auth.admin-exposed': { confidence: firm, endpoints: ['/api/pull'] } },
    alsoAllowed: ['auth.missing'],
  },
  { name: 'Ollama behind a deny-by-default gateway', start: behindGateway(() => startOllama(OLLAMA_OPEN), DENY_BY_DEFAULT) },
];

/** Management paths of every profile as patterns (`{id}`-style parameters match one segment; the query is not part of it). */
const MANAGEMENT = ALL_PROFILES.flatMap((p) => p.managementRoutes).map(
  (r) =>
    new RegExp(
      `^${r.path
        .split('?')[0]!
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\{[^}]+\}/g, '[^/]+')}$`,
    ),
);

/** Management routes that act on GET as well (SGLang declares /flush_cache for GET and POST). */
const ACTS_ON_GET = ['/flush_cache'];

/** Requests that reached a management path with a method or body that could act. */
function actingManagementCalls(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => {
    const path = r.url.split('?')[0]!;
    if (!MANAGEMENT.some((re) => re.test(path))) return false;
    const harmless = r.method === 'OPTIONS' || (r.method === 'GET' && !ACTS_ON_GET.includes(path));
    return !harmless || r.body.length > 0;
  });
}

function pathOf(url: string): string {
  const rest = url.replace(/^https?:\/\/[^/]+/, '');
  return rest.split('?')[0]!;
}

const results: string[] = [];
afterAll(() => {
  // The closing note's table: emulator × rule with the result and the request count of each scan.
  console.log(`\n| emulator | ${MINE.join(' | ')} | requests |\n|---|${MINE.map(() => '---').join('|')}|---|\n${results.join('\n')}`);
});

describe('route-based auth bypasses: emulator × rule', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const started = await row.start();
    try {
      const report = await scan({ url: started.url ?? started.scanned.url }, { allowPrivate: true, depth: 'standard' });
      const of = (rule: RuleId): Finding[] => report.findings.filter((f) => f.rule === rule);
      results.push(
        `| ${row.name} | ${MINE.map((rule) => {
          const fs = of(rule);
          return fs.length ? `**${fs.map((f) => f.confidence).join(', ')}**` : (report.rules.find((x) => x.rule === rule)?.status ?? '');
        }).join(' | ')} | ${report.requests.sent} |`,
      );

      // Budget: every check at standard depth, within the default 150 requests, nothing cut short.
      expect(report.requests.sent).toBeLessThanOrEqual(150);
      expect(report.requests.overBudget).toBe(0);
      expect(report.errors).toEqual([]);

      // Never change the target: no management handler reached with an acting request, on any emulator involved.
      for (const t of started.all) {
        expect(t.managementCount()).toBe(0);
        expect(actingManagementCalls(t.requests)).toEqual([]);
      }

      if (!row.expect) {
        const bypasses = report.findings.filter((f) => f.rule.startsWith('auth.') && !NOT_A_BYPASS.includes(f.rule));
        expect(bypasses.map((f) => `${f.rule} ${f.endpoint.method} ${f.endpoint.url}: ${f.description}`)).toEqual([]);
      } else {
        for (const rule of MINE) {
          const want = row.expect[rule];
          const got = of(rule);
          if (!want) {
            expect(got.map((f) => `${f.rule}: ${f.description}`)).toEqual([]);
            continue;
          }
          expect(got.length).toBeGreaterThan(0);
          for (const f of got) {
            expect(want.confidence).toContain(f.confidence);
            // Differential evidence: the refused baseline is kept next to the accepted variant (a server with no auth at all
            // has no refusal to keep; its proof is the fingerprint and the read-only sibling).
            if (rule !== 'auth.admin-exposed' || f.evidence.baseline) {
              expect(f.evidence.baseline?.response?.status, `${rule} baseline`).toSatisfy((s: number) => [401, 403, 422].includes(s));
            }
            expect(f.evidence.response?.status).toBeDefined();
          }
          for (const endpoint of want.endpoints ?? []) expect(got.map((f) => pathOf(f.endpoint.url))).toContain(endpoint);
          for (const variant of want.variants ?? []) expect(got.map((f) => f.variant)).toContain(variant);
        }
        const allowed = new Set<RuleId>([...MINE, ...NOT_A_BYPASS, ...(row.alsoAllowed ?? [])]);
        const strays = report.findings.filter((f) => f.rule.startsWith('auth.') && !allowed.has(f.rule));
        expect(strays.map((f) => `${f.rule}: ${f.description}`)).toEqual([]);
      }
      for (const [rule, status] of Object.entries(row.status ?? {})) expect(report.rules.find((x) => x.rule === rule)?.status, rule).toBe(status);
    } finally {
      for (const t of started.all) await t.close();
    }
  });
});

describe('differential helpers', () => {
  const ex = (status: number, body: string, headers: Record<string, string> = {}): Exchange => ({
    id: 1,
    probe: { method: 'POST', path: '/x', purpose: 'test' },
    request: { method: 'POST', url: 'http://127.0.0.1/x', headers: {} },
    response: { status, headers, body, truncated: false, latencyMs: 1 },
  });

  it('a refusal is 401/403/407 or FastAPI naming a missing header; routing misses are 404/405/501', () => {
    expect([401, 403, 407].map((s) => isRefused(ex(s, '')))).toEqual([true, true, true]);
    expect(isRefused(ex(422, JSON.stringify({ detail: [{ loc: ['header', 'x-api-key'], msg: 'Field required', type: 'missing' }] })))).toBe(true);
    expect(isRefused(ex(422, JSON.stringify({ detail: [{ loc: ['body', 'text'], msg: 'Field required', type: 'missing' }] })))).toBe(false);
    expect([404, 405, 501, 400].map((s) => isNotRouted(ex(s, '')))).toEqual([true, true, true, false]);
  });

  it('handler answers: JSON that is not an error report; validation: pydantic body loc or a quoted key of our body', () => {
    expect(handlerAnswered(ex(200, '{"count":3,"tokens":[1,2,3]}'))?.confidence).toBe('firm');
    expect(handlerAnswered(ex(200, '{"error":"nope"}'))).toBeNull();
    expect(handlerAnswered(ex(200, '{"detail":"Not authenticated"}'))).toBeNull();
    expect(handlerAnswered(ex(200, '<html>login</html>'))).toBeNull();
    expect(handlerAnswered(ex(200, '{}'))).toBeNull();
    const sent = JSON.stringify({ messages: [], max_tokens: 1, text: 'x' });
    expect(handlerValidated(ex(400, `{"error":{"message":"[{'type':'missing','loc':['body','messages']}]"}}`), sent)?.confidence).toBe('firm');
    expect(handlerValidated(ex(422, JSON.stringify({ detail: [{ loc: ['body', 'text'], msg: 'x', type: 'y' }] })), sent)?.confidence).toBe('firm');
    // The words of an unrelated 400 do not count: "text" unquoted, a host error, the generic "model".
    expect(handlerValidated(ex(400, '{"detail":"Invalid host header: expected text/plain"}'), sent)).toBeNull();
    expect(handlerValidated(ex(400, `{"error":"Invalid model name passed in 'model'=None"}`), JSON.stringify({ model: 'm', messages: [] }))).toBeNull();
    expect(handlerValidated(ex(401, `{"error":"'messages'"}`), sent)).toBeNull();
  });

  it('path spellings keep the query and never repeat the path itself', () => {
    const s = spellings('/v1/chat/completions?x=1');
    expect(s.map((x) => x.path)).toEqual([
      '/V1/chat/completions?x=1',
      '//v1/chat/completions?x=1',
      '/v1/chat/completions/?x=1',
      '/./v1/chat/completions?x=1',
      '/%2e/v1/chat/completions?x=1',
      '/v1/chat%2Fcompletions?x=1',
      '/v1/chat/completions;gc=1?x=1',
      '/x/v1/chat/completions?x=1',
    ]);
    expect(spellings('/')).toEqual([]);
  });
});
