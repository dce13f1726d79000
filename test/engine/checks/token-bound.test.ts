// The token bound, counted from the emulators' own recorders (not from the engine's accounting): a quick or standard scan
// sends no request that could generate more than one token, and a deep scan at most 10 more inference requests.
//
// Accounting: a request "could generate more than one token" when the emulator ran inference for it with a limit above one
// (RecordedRequest.maxTokens, Infinity when the body set no limit) or when its body asks for more than one token in any limit
// field, whether or not the server then refused it. Deep adds exactly two rules: cost.no-rate-limit (nine new one-token requests;
// the burst's tenth is auth.missing's request, already sent) and cost.unbounded-generation (one request for 1,000,000 tokens,
// streamed and closed after the first event). So a deep scan sends at most 10 inference requests more than a standard one, and
// at most one of them could generate more than one token; the servers that refuse the oversized limit generate nothing for it.
//
// The tutorial's FastAPI wrapper ignores any limit (it always generates 128 tokens), so no scanner can bound what it generates; here
// it is the variant whose pydantic model requires `max_new_tokens`, which discovery learns from the 422 and sets to 1.
import { afterAll, describe, expect, it } from 'vitest';
import type { Depth } from '../../../src/engine/types.js';
import { startFastapiWrapper } from '../../targets/fastapi-wrapper.js';
import type { RecordedRequest, RunningTarget } from '../../targets/harness.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOllama } from '../../targets/ollama.js';
import { startOpenAICompatible } from '../../targets/openai-compatible.js';
import { startSglang } from '../../targets/sglang.js';
import { startTgi } from '../../targets/tgi.js';
import { startVllm } from '../../targets/vllm.js';
import { scanEmulator } from './exposure-scan.js';

const LIMIT_FIELDS = new Set([
  'max_tokens',
  'max_completion_tokens',
  'max_new_tokens',
  'n_predict',
  'num_predict',
  'max_length',
  'max_gen_len',
  'max_output_tokens',
]);

/** The largest generation limit any field of the body asks for (0 when none). */
function askedLimit(body: string): number {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 0;
  }
  let max = 0;
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || !v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (LIMIT_FIELDS.has(k) && typeof x === 'number') max = Math.max(max, x);
      walk(x, depth + 1);
    }
  };
  walk(json, 0);
  return max;
}

const couldGenerateMore = (r: RecordedRequest) => (r.inference === true && (r.maxTokens ?? Infinity) > 1) || askedLimit(r.body) > 1;

interface Target {
  name: string;
  start: () => Promise<RunningTarget>;
  path?: string;
}

const TARGETS: Target[] = [
  { name: 'llama.cpp open (V1)', start: () => startLlamaCpp({}) },
  { name: 'llama.cpp open (V3)', start: () => startLlamaCpp({ template: 'v3', metrics: true, slots: true }) },
  { name: 'vLLM open', start: () => startVllm({ tokenizerInfo: true }) },
  { name: 'vLLM --api-key', start: () => startVllm({ apiKey: TEST_KEY }) },
  { name: 'TGI open', start: () => startTgi({}) },
  { name: 'SGLang open', start: () => startSglang({}) },
  { name: 'Ollama', start: () => startOllama({ loopbackOnly: false }) },
  { name: 'OpenAI-compatible', path: '/v1/chat/completions', start: () => startOpenAICompatible({}) },
  {
    name: 'FastAPI wrapper (required max_new_tokens, raw template)',
    path: '/generate',
    start: () => startFastapiWrapper({ rawTemplate: true, extraFields: { max_new_tokens: 'number' }, maxTokensField: 'max_new_tokens' }),
  },
];

interface Count {
  sent: number;
  inference: number;
  overOne: RecordedRequest[];
}

async function count(t: Target, depth: Depth): Promise<Count> {
  let requests: RecordedRequest[] = [];
  const out = await scanEmulator(
    async () => {
      const running = await t.start();
      requests = running.requests;
      return running;
    },
    { ...(t.path ? { path: t.path } : {}), options: { depth } },
  );
  expect(out.report.partial).toBe(false);
  return { sent: requests.length, inference: requests.filter((r) => r.inference).length, overOne: requests.filter(couldGenerateMore) };
}

const lines: string[] = [];
afterAll(() => {
  console.log(
    `\ntoken bound (from the emulators' recorders)\n| emulator | depth | requests | inference | could ` +
      `generate > 1 token |\n|---|---|---|---|---|\n${lines.join('\n')}\n`,
  );
});

describe('token bound: what each depth may make the model generate', () => {
  for (const t of TARGETS) {
    it(t.name, async () => {
      const quick = await count(t, 'quick');
      const standard = await count(t, 'standard');
      const deep = await count(t, 'deep');
      for (const [depth, c] of [
        ['quick', quick],
        ['standard', standard],
        ['deep', deep],
      ] as const) {
        lines.push(`| ${t.name} | ${depth} | ${c.sent} | ${c.inference} | ${c.overOne.length} |`);
      }
      const show = (c: Count) => c.overOne.map((r) => `${r.method} ${r.url} ${r.body.slice(0, 120)}`);
      expect(show(quick)).toEqual([]);
      expect(show(standard)).toEqual([]);
      // Deep: the one streamed oversized probe at most, and at most 10 inference requests beyond standard.
      expect(deep.overOne.length, show(deep).join('\n')).toBeLessThanOrEqual(1);
      for (const r of deep.overOne) expect(askedLimit(r.body)).toBeGreaterThanOrEqual(1_000_000);
      expect(deep.inference - standard.inference).toBeLessThanOrEqual(10);
    });
  }
});
