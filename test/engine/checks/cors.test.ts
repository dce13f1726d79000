// cors.permissive: an origin-echoing server with credentials, a wildcard one, a strict one and one without CORS, each with
// no auth, a header key or a session cookie; and the real servers' defaults (llama.cpp echoes Origin with credentials).
import { afterAll, describe, expect, it } from 'vitest';
import { corsGrant, PROBE_ORIGIN } from '../../../src/engine/rules/cors-permissive/check.js';
import type { ExchangeResponse, Severity } from '../../../src/engine/types.js';
import { type CorsServerOptions, SESSION_COOKIE, startCorsServer } from '../../targets/cors-server.js';
import type { RunningTarget } from '../../targets/harness.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOllama } from '../../targets/ollama.js';
import { startTgi } from '../../targets/tgi.js';
import { startVllm } from '../../targets/vllm.js';
import { describeResult, findingsOf, printTable, scanEmulator, type TableRow } from './exposure-scan.js';

const res = (status: number, headers: Record<string, string>): ExchangeResponse => ({ status, headers, body: '', truncated: false, latencyMs: 1 });

describe('corsGrant', () => {
  it('reads an echoed origin, a wildcard and the credentials flag', () => {
    expect(corsGrant(res(200, { 'access-control-allow-origin': PROBE_ORIGIN, 'access-control-allow-credentials': 'true' }), true)).toEqual({
      echo: true,
      wildcard: false,
      credentials: true,
    });
    expect(corsGrant(res(200, { 'access-control-allow-origin': '*' }), true)).toEqual({ echo: false, wildcard: true, credentials: false });
  });
  it('grants nothing for another origin, no header, or a failed preflight', () => {
    expect(corsGrant(res(200, { 'access-control-allow-origin': 'https://app.example.com' }), true)).toBeNull();
    expect(corsGrant(res(200, {}), false)).toBeNull();
    expect(corsGrant(res(400, { 'access-control-allow-origin': '*' }), true)).toBeNull();
    // A request (not a preflight) is readable cross-origin whatever its status.
    expect(corsGrant(res(401, { 'access-control-allow-origin': '*' }), false)).not.toBeNull();
  });
});

interface Case {
  emulator: string;
  start: () => Promise<RunningTarget>;
  path?: string;
  headers?: Record<string, string>;
  /** null: no finding (fixed form). */
  severity: Severity | null;
  /** The method of the proving request: OPTIONS (preflight) unless said otherwise. */
  proof?: string;
}

const cors = (o: CorsServerOptions) => () => startCorsServer(o);
const CHAT = '/v1/chat/completions';
const header = { kind: 'header' as const, header: 'X-API-Key', key: TEST_KEY };
const cookie = { kind: 'cookie' as const, ...SESSION_COOKIE };
const cookieHeader = { Cookie: `${SESSION_COOKIE.name}=${SESSION_COOKIE.value}` };

const CASES: Case[] = [
  { emulator: 'reflect + credentials, no auth', start: cors({ cors: 'reflect-credentials' }), path: CHAT, severity: 'medium' },
  {
    emulator: 'reflect + credentials, cookie session',
    start: cors({ cors: 'reflect-credentials', auth: cookie }),
    path: CHAT,
    headers: cookieHeader,
    severity: 'medium',
  },
  { emulator: 'reflect + credentials, X-API-Key', start: cors({ cors: 'reflect-credentials', auth: header }), path: CHAT, severity: 'low' },
  { emulator: 'wildcard, no auth', start: cors({ cors: 'wildcard' }), path: CHAT, severity: 'medium' },
  // `*` never carries a cookie: a foreign page cannot ride the session.
  { emulator: 'wildcard, cookie session', start: cors({ cors: 'wildcard', auth: cookie }), path: CHAT, headers: cookieHeader, severity: 'low' },
  // Preflights fail (405) but every answer says `*`: simple requests are readable from any page (found by the request path).
  { emulator: 'proxy stamps * on every answer, no auth', start: cors({ cors: 'stamp-wildcard' }), path: CHAT, severity: 'medium', proof: 'POST' },
  { emulator: 'strict allow-list, no auth', start: cors({ cors: 'strict' }), path: CHAT, severity: null },
  { emulator: 'strict allow-list, cookie session', start: cors({ cors: 'strict', auth: cookie }), path: CHAT, headers: cookieHeader, severity: null },
  { emulator: 'no CORS middleware, no auth', start: cors({ cors: 'none' }), path: CHAT, severity: null },
  { emulator: 'llama.cpp open (echoes Origin, credentials)', start: () => startLlamaCpp({}), severity: 'medium' },
  { emulator: 'llama.cpp --api-key', start: () => startLlamaCpp({ apiKey: TEST_KEY }), severity: 'low' },
  { emulator: 'TGI open (AllowOrigin::any)', start: () => startTgi({}), severity: 'medium' },
  // The guarded /v1 route's preflight (OPTIONS skips auth) allows any origin; /tokenize is open but runs no model.
  { emulator: 'vLLM --api-key, /invocations guarded', start: () => startVllm({ apiKey: TEST_KEY, invocationsOpen: false }), severity: 'low' },
  // 0.27–0.29 leave /invocations open: a foreign page can drive the model through it.
  { emulator: 'vLLM 0.29 --api-key, /invocations open', start: () => startVllm({ apiKey: TEST_KEY }), severity: 'medium' },
  { emulator: 'Ollama (local origins only)', start: () => startOllama({}), severity: null },
];

const rows: TableRow[] = [];
afterAll(() => printTable('cors.permissive emulator × rule', rows));

describe('cors.permissive × emulators', () => {
  for (const c of CASES) {
    it(`${c.emulator} → ${c.severity ?? 'no finding'}`, async () => {
      const out = await scanEmulator(c.start, { ...(c.path ? { path: c.path } : {}), ...(c.headers ? { headers: c.headers } : {}) });
      const found = findingsOf(out.report, 'cors.permissive');
      rows.push({
        emulator: c.emulator,
        rule: 'cors.permissive',
        form: c.severity ? 'flawed' : 'fixed',
        result: describeResult(found),
        requests: out.report.requests.sent,
      });
      if (c.severity === null) {
        expect(found, describeResult(found)).toHaveLength(0);
        return;
      }
      expect(found).toHaveLength(1);
      const f = found[0]!;
      expect(f).toMatchObject({ severity: c.severity, confidence: 'confirmed', cwe: ['CWE-942'] });
      const acao = f.evidence.response?.headers['access-control-allow-origin'];
      expect([PROBE_ORIGIN, '*']).toContain(acao);
      expect(f.evidence.request.headers['origin']).toBe(PROBE_ORIGIN);
      expect(f.evidence.request.method).toBe(c.proof ?? 'OPTIONS');
      // The session cookie the user supplied is redacted in the evidence like any credential.
      if (c.headers) expect(JSON.stringify(f)).not.toContain(SESSION_COOKIE.value);
    });
  }
});
