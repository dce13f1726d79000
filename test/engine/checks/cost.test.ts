// cost.unbounded-generation and cost.no-rate-limit (deep) against the emulators: every flawed form yields exactly one finding of
// its rule, every fixed form none; both are listed as skipped below deep; each stays within its request bound.
import { afterAll, describe, expect, it } from 'vitest';
import { rateLimitHeaders } from '../../../src/engine/probes/throttle-signs.js';
import { BURST_SIZE } from '../../../src/engine/rules/cost-rate-limit/check.js';
import { OVERSIZED_LIMIT, oversizedLimit } from '../../../src/engine/rules/cost-unbounded/check.js';
import type { Finding, RuleId } from '../../../src/engine/types.js';
import { startFastapiWrapper } from '../../targets/fastapi-wrapper.js';
import type { RecordedRequest, RunningTarget } from '../../targets/harness.js';
import { ANNOUNCES_QUOTA, LIMITS_BURSTS, startInferenceLimiter } from '../../targets/inference-limiter.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOllama } from '../../targets/ollama.js';
import { startOpenAICompatible } from '../../targets/openai-compatible.js';
import { startSglang } from '../../targets/sglang.js';
import { startTgi } from '../../targets/tgi.js';
import { startVllm } from '../../targets/vllm.js';
import { describeResult, findingsOf, printTable, scanEmulator, type TableRow } from './exposure-scan.js';

describe('cost helpers', () => {
  it('asks for a million tokens, or four times a context that large', () => {
    expect(oversizedLimit(null)).toBe(OVERSIZED_LIMIT);
    expect(oversizedLimit(32768)).toBe(OVERSIZED_LIMIT);
    expect(oversizedLimit(1_048_576)).toBe(4 * 1_048_576);
  });
  it('recognises rate-limit headers', () => {
    const ex = (headers: Record<string, string>) => ({
      id: 1,
      probe: { method: 'GET', path: '/', purpose: '' },
      request: { method: 'GET', url: '', headers: {} },
      response: { status: 200, headers, body: '', truncated: false, latencyMs: 1 },
    });
    expect(rateLimitHeaders(ex({ 'x-ratelimit-remaining-requests': '9' }))).toEqual(['x-ratelimit-remaining-requests']);
    expect(rateLimitHeaders(ex({ ratelimit: 'limit=10, remaining=9, reset=60', 'ratelimit-policy': '10;w=60' }))).toHaveLength(2);
    expect(rateLimitHeaders(ex({ 'retry-after': '60' }))).toEqual(['retry-after']);
    expect(rateLimitHeaders(ex({ 'x-request-id': 'abc', 'content-type': 'application/json' }))).toEqual([]);
  });
});

interface Case {
  emulator: string;
  start: () => Promise<RunningTarget>;
  rule: RuleId;
  form: 'flawed' | 'fixed';
  path?: string;
  expect?: (f: Finding, requests: RecordedRequest[]) => void;
}

const oversized = (requests: RecordedRequest[]) => requests.filter((r) => /1000000/.test(r.body));

const CASES: Case[] = [
  // ---- cost.unbounded-generation
  {
    emulator: 'llama.cpp open (n_predict beyond n_ctx accepted)',
    rule: 'cost.unbounded-generation',
    form: 'flawed',
    start: () => startLlamaCpp({}),
    expect: (f, requests) => {
      expect(f).toMatchObject({ severity: 'medium', confidence: 'confirmed' });
      expect(f.evidence.request.body).toBe('{"prompt":"Say hello.","n_predict":1000000,"stream":true}');
      expect(f.description).toContain('4096-token context');
      // One oversized request, streamed: the scan read the first event and hung up.
      expect(oversized(requests)).toHaveLength(1);
      expect(f.evidence.response!.body.split('data:').length - 1).toBe(1);
    },
  },
  {
    emulator: 'OpenAI-compatible server accepting any max_tokens',
    rule: 'cost.unbounded-generation',
    form: 'flawed',
    path: '/v1/chat/completions',
    start: () => startOpenAICompatible({}),
    expect: (f) => expect(JSON.parse(f.evidence.request.body!)).toMatchObject({ max_tokens: 1_000_000, stream: true }),
  },
  { emulator: 'Ollama (num_predict accepted)', rule: 'cost.unbounded-generation', form: 'flawed', start: () => startOllama({ loopbackOnly: false }) },
  {
    emulator: 'OpenAI-compatible server refusing max_tokens > context (400)',
    rule: 'cost.unbounded-generation',
    form: 'fixed',
    path: '/v1/chat/completions',
    start: () => startOpenAICompatible({ refuseOversized: true }),
  },
  { emulator: 'vLLM open (400 beyond max_model_len)', rule: 'cost.unbounded-generation', form: 'fixed', start: () => startVllm({}) },
  { emulator: 'TGI open (422 beyond max_total_tokens)', rule: 'cost.unbounded-generation', form: 'fixed', start: () => startTgi({}) },
  { emulator: 'SGLang open (400 beyond the context)', rule: 'cost.unbounded-generation', form: 'fixed', start: () => startSglang({}) },
  { emulator: 'llama.cpp --api-key (no open route)', rule: 'cost.unbounded-generation', form: 'fixed', start: () => startLlamaCpp({ apiKey: TEST_KEY }) },

  // ---- cost.no-rate-limit
  {
    emulator: 'OpenAI-compatible server, no limiter',
    rule: 'cost.no-rate-limit',
    form: 'flawed',
    path: '/v1/chat/completions',
    start: () => startOpenAICompatible({}),
    expect: (f, requests) => {
      expect(f).toMatchObject({ severity: 'medium', confidence: 'confirmed' });
      const burst = requests.filter((r) => /Say hello\. \(\d+\)/.test(r.body));
      // Nine new distinct one-token requests (the tenth is auth.missing's own).
      expect(burst).toHaveLength(BURST_SIZE - 1);
      expect(new Set(burst.map((r) => r.body)).size).toBe(BURST_SIZE - 1);
      expect(burst.every((r) => r.inference && r.maxTokens === 1)).toBe(true);
    },
  },
  { emulator: 'llama.cpp open', rule: 'cost.no-rate-limit', form: 'flawed', start: () => startLlamaCpp({}) },
  { emulator: 'tutorial FastAPI wrapper', rule: 'cost.no-rate-limit', form: 'flawed', path: '/generate', start: () => startFastapiWrapper({}) },
  {
    emulator: 'gateway answering 429 + Retry-After after 5 a minute',
    rule: 'cost.no-rate-limit',
    form: 'fixed',
    path: '/v1/chat/completions',
    start: () => startInferenceLimiter(LIMITS_BURSTS),
  },
  {
    emulator: 'gateway announcing x-ratelimit-* quota',
    rule: 'cost.no-rate-limit',
    form: 'fixed',
    path: '/v1/chat/completions',
    start: () => startInferenceLimiter(ANNOUNCES_QUOTA),
  },
  { emulator: 'TGI --api-key (no open route)', rule: 'cost.no-rate-limit', form: 'fixed', start: () => startTgi({ apiKey: TEST_KEY }) },
];

const rows: TableRow[] = [];
afterAll(() => printTable('cost.* emulator × rule (deep scans)', rows));

describe('cost rules × emulators (deep)', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.emulator} (${c.form})`, async () => {
      let requests: RecordedRequest[] = [];
      const out = await scanEmulator(
        async () => {
          const t = await c.start();
          requests = t.requests;
          return t;
        },
        { ...(c.path ? { path: c.path } : {}), options: { depth: 'deep' } },
      );
      const found = findingsOf(out.report, c.rule);
      rows.push({ emulator: c.emulator, rule: c.rule, form: c.form, result: describeResult(found), requests: out.report.requests.sent });
      expect(out.report.errors.filter((e) => e.phase.startsWith('check:'))).toEqual([]);
      expect(out.management).toBe(0);
      // Each rule within its bound: one oversized request, nine burst requests.
      expect(oversized(requests).length).toBeLessThanOrEqual(1);
      expect(requests.filter((r) => /Say hello\. \(\d+\)/.test(r.body)).length).toBeLessThanOrEqual(BURST_SIZE - 1);
      if (c.form === 'fixed') {
        expect(found, describeResult(found)).toHaveLength(0);
        return;
      }
      expect(found, `expected one ${c.rule} finding`).toHaveLength(1);
      c.expect?.(found[0]!, requests);
    });
  }

  it('a limiter that answers 429 during the burst makes the rule pass, not inconclusive', async () => {
    const out = await scanEmulator(() => startInferenceLimiter(LIMITS_BURSTS), { path: '/v1/chat/completions', options: { depth: 'deep' } });
    expect(out.report.rules.find((r) => r.rule === 'cost.no-rate-limit')).toMatchObject({ status: 'pass' });
  });

  for (const depth of ['quick', 'standard'] as const) {
    it(`both cost rules are listed as skipped at ${depth} depth and send nothing`, async () => {
      let requests: RecordedRequest[] = [];
      const out = await scanEmulator(
        async () => {
          const t = await startOpenAICompatible({});
          requests = t.requests;
          return t;
        },
        { path: '/v1/chat/completions', options: { depth } },
      );
      for (const rule of ['cost.unbounded-generation', 'cost.no-rate-limit'] as const) {
        expect(out.report.rules.find((r) => r.rule === rule)).toMatchObject({ status: 'skipped', reason: expect.stringContaining('deep') });
      }
      expect(oversized(requests)).toHaveLength(0);
      expect(requests.filter((r) => /Say hello\. \(\d+\)/.test(r.body))).toHaveLength(0);
    });
  }
});
