// exposure.* rules against the emulators: every flawed form yields exactly one finding of its rule, every fixed form none.
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, RuleId } from '../../../src/engine/types.js';
import { startFastapiWrapper } from '../../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../../targets/harness.js';
import { startLitellm } from '../../targets/litellm.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { startLocalai } from '../../targets/localai.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOllama } from '../../targets/ollama.js';
import { startSglang } from '../../targets/sglang.js';
import { startTgi } from '../../targets/tgi.js';
import { startVerboseErrorsServer } from '../../targets/verbose-errors.js';
import { startVllm } from '../../targets/vllm.js';
import { describeResult, findingsOf, printTable, scanEmulator, type TableRow } from './exposure-scan.js';

interface Case {
  emulator: string;
  start: () => Promise<RunningTarget>;
  rule: RuleId;
  form: 'flawed' | 'fixed';
  path?: string;
  /** Further facts about the one finding of a flawed form. */
  expect?: (f: Finding) => void;
}

const ADMIN_KEY = 'sk-admin-gatecrash-key-456';

const CASES: Case[] = [
  // ---- exposure.prompt-data
  {
    emulator: 'llama.cpp --slots, a prompt in flight',
    rule: 'exposure.prompt-data',
    form: 'flawed',
    start: () => startLlamaCpp({ slots: true, slotPrompt: 'Summarise the merger memo for the board' }),
    expect: (f) => {
      expect(f).toMatchObject({ severity: 'high', confidence: 'confirmed', endpoint: { method: 'GET' } });
      expect(new URL(f.endpoint.url).pathname).toBe('/slots');
      expect(f.description).toContain('Summarise the merger memo');
    },
  },
  {
    emulator: 'llama.cpp --slots, idle',
    rule: 'exposure.prompt-data',
    form: 'flawed',
    start: () => startLlamaCpp({ slots: true }),
    expect: (f) => expect(f).toMatchObject({ severity: 'high', confidence: 'firm' }),
  },
  {
    // Current builds: counters and sampling settings only, even with a prompt in flight.
    emulator: 'llama.cpp current build, /slots without prompt text',
    rule: 'exposure.prompt-data',
    form: 'fixed',
    start: () => startLlamaCpp({ slots: true, slotsMetricsOnly: true, slotPrompt: 'Summarise the merger memo for the board' }),
  },
  { emulator: 'llama.cpp without --slots (501)', rule: 'exposure.prompt-data', form: 'fixed', start: () => startLlamaCpp({ slots: false }) },
  {
    emulator: 'llama.cpp --api-key --slots',
    rule: 'exposure.prompt-data',
    form: 'fixed',
    start: () => startLlamaCpp({ apiKey: TEST_KEY, slots: true, slotPrompt: 'secret' }),
  },
  {
    emulator: 'SGLang open, recent requests kept',
    rule: 'exposure.prompt-data',
    form: 'flawed',
    start: () => startSglang({ recentPrompts: ['What is the dosage for patient 4411?'] }),
    expect: (f) => {
      expect(new URL(f.endpoint.url).pathname).toBe('/get_server_info');
      expect(f.confidence).toBe('confirmed');
      expect(f.description).toContain('dosage for patient 4411');
    },
  },
  {
    emulator: 'SGLang with only --admin-api-key',
    rule: 'exposure.prompt-data',
    form: 'flawed',
    start: () => startSglang({ adminApiKey: ADMIN_KEY }),
    expect: (f) => {
      expect(f.confidence).toBe('confirmed');
      expect(f.description).toContain('admin_api_key is set and shown');
      // The disclosed key never reaches the report.
      expect(JSON.stringify(f)).not.toContain(ADMIN_KEY);
    },
  },
  { emulator: 'SGLang --api-key', rule: 'exposure.prompt-data', form: 'fixed', start: () => startSglang({ apiKey: TEST_KEY, recentPrompts: ['secret'] }) },
  {
    emulator: 'LiteLLM without master key',
    rule: 'exposure.prompt-data',
    form: 'flawed',
    start: () => startLitellm({ spendLogPrompts: ['Draft the layoff announcement for Friday'] }),
    expect: (f) => {
      expect(new URL(f.endpoint.url).pathname).toBe('/spend/logs');
      expect(f.confidence).toBe('confirmed');
      expect(f.description).toContain('layoff announcement');
    },
  },
  { emulator: 'LiteLLM with master key', rule: 'exposure.prompt-data', form: 'fixed', start: () => startLitellm({ masterKey: TEST_KEY }) },
  { emulator: 'vLLM open', rule: 'exposure.prompt-data', form: 'fixed', start: () => startVllm({}) },

  // ---- exposure.model-inventory
  {
    emulator: 'llama.cpp open (/props model_path + V1 template)',
    rule: 'exposure.model-inventory',
    form: 'flawed',
    start: () => startLlamaCpp({ template: 'v1', modelPath: '/models/mistral-7b-instruct-v0.2.Q4_K_M.gguf' }),
    expect: (f) => {
      expect(f).toMatchObject({ severity: 'medium', confidence: 'confirmed' });
      expect(new URL(f.endpoint.url).pathname).toBe('/props');
      expect(f.description).toContain('/models/mistral-7b-instruct-v0.2.Q4_K_M.gguf');
      expect(f.description).toContain('chat template');
    },
  },
  {
    emulator: 'TGI (/info open by design)',
    rule: 'exposure.model-inventory',
    form: 'flawed',
    start: () => startTgi({ apiKey: TEST_KEY }),
    expect: (f) => {
      expect(f).toMatchObject({ severity: 'low', confidence: 'confirmed' });
      expect(new URL(f.endpoint.url).pathname).toBe('/info');
    },
  },
  { emulator: 'Ollama', rule: 'exposure.model-inventory', form: 'flawed', start: () => startOllama({}), expect: (f) => expect(f.severity).toBe('low') },
  { emulator: 'vLLM --api-key', rule: 'exposure.model-inventory', form: 'fixed', start: () => startVllm({ apiKey: TEST_KEY }) },
  { emulator: 'SGLang --api-key', rule: 'exposure.model-inventory', form: 'fixed', start: () => startSglang({ apiKey: TEST_KEY }) },

  // ---- exposure.metrics
  {
    emulator: 'llama.cpp --metrics',
    rule: 'exposure.metrics',
    form: 'flawed',
    start: () => startLlamaCpp({ metrics: true }),
    expect: (f) => {
      expect(f).toMatchObject({ severity: 'low', confidence: 'confirmed' });
      expect(f.description).toContain('llamacpp:*');
    },
  },
  { emulator: 'llama.cpp without --metrics (501)', rule: 'exposure.metrics', form: 'fixed', start: () => startLlamaCpp({ metrics: false }) },
  {
    emulator: 'vLLM --api-key (/metrics outside the guard)',
    rule: 'exposure.metrics',
    form: 'flawed',
    start: () => startVllm({ apiKey: TEST_KEY }),
    expect: (f) => expect(f.description).toContain('vllm:*'),
  },
  { emulator: 'SGLang without --enable-metrics', rule: 'exposure.metrics', form: 'fixed', start: () => startSglang({ metrics: false }) },

  // ---- exposure.api-docs
  {
    emulator: 'FastAPI wrapper, docs on',
    rule: 'exposure.api-docs',
    form: 'flawed',
    path: '/generate',
    start: () => startFastapiWrapper({ docs: true }),
    expect: (f) => expect(f).toMatchObject({ severity: 'info', confidence: 'confirmed' }),
  },
  { emulator: 'FastAPI wrapper, docs off', rule: 'exposure.api-docs', form: 'fixed', path: '/generate', start: () => startFastapiWrapper({ docs: false }) },
  {
    emulator: 'TGI',
    rule: 'exposure.api-docs',
    form: 'flawed',
    start: () => startTgi({}),
    expect: (f) => expect(new URL(f.endpoint.url).pathname).toBe('/api-doc/openapi.json'),
  },
  { emulator: 'LocalAI --api-keys (/swagger stays open)', rule: 'exposure.api-docs', form: 'flawed', start: () => startLocalai({ apiKeys: [TEST_KEY] }) },
  { emulator: 'llama.cpp', rule: 'exposure.api-docs', form: 'fixed', start: () => startLlamaCpp({}) },

  // ---- exposure.verbose-errors
  {
    emulator: 'llama.cpp open (nlohmann parse error)',
    rule: 'exposure.verbose-errors',
    form: 'flawed',
    start: () => startLlamaCpp({}),
    expect: (f) => {
      expect(f).toMatchObject({ severity: 'low', confidence: 'confirmed' });
      expect(f.description).toContain('nlohmann');
      expect(f.evidence.request.body).toBe('{"prompt": ');
    },
  },
  {
    emulator: 'Flask debug wrapper (Werkzeug traceback)',
    rule: 'exposure.verbose-errors',
    form: 'flawed',
    path: '/generate',
    start: () => startVerboseErrorsServer('flask-debug'),
    expect: (f) => expect(f.description).toContain('Python traceback'),
  },
  {
    emulator: 'FastAPI wrapper returning traceback.format_exc()',
    rule: 'exposure.verbose-errors',
    form: 'flawed',
    path: '/generate',
    start: () => startVerboseErrorsServer('json-traceback'),
  },
  {
    emulator: 'FastAPI wrapper, terse error',
    rule: 'exposure.verbose-errors',
    form: 'fixed',
    path: '/generate',
    start: () => startVerboseErrorsServer('terse'),
  },
  { emulator: 'vLLM open (pydantic json_invalid)', rule: 'exposure.verbose-errors', form: 'fixed', start: () => startVllm({}) },
  {
    emulator: 'llama.cpp --api-key (refused before parsing)',
    rule: 'exposure.verbose-errors',
    form: 'fixed',
    start: () => startLlamaCpp({ apiKey: TEST_KEY }),
  },
];

const rows: TableRow[] = [];
afterAll(() => printTable('exposure.* emulator × rule', rows));

describe('exposure rules × emulators', () => {
  for (const c of CASES) {
    it(`${c.rule}: ${c.emulator} (${c.form})`, async () => {
      const out = await scanEmulator(c.start, c.path ? { path: c.path } : {});
      const found = findingsOf(out.report, c.rule);
      rows.push({ emulator: c.emulator, rule: c.rule, form: c.form, result: describeResult(found), requests: out.report.requests.sent });
      expect(out.report.errors.filter((e) => e.phase.startsWith('check:'))).toEqual([]);
      if (c.form === 'fixed') {
        expect(found, describeResult(found)).toHaveLength(0);
        return;
      }
      expect(found, `expected one ${c.rule} finding`).toHaveLength(1);
      c.expect?.(found[0]!);
      // Evidence comes from a recorded exchange of this scan.
      expect(found[0]!.evidence.response?.status).toBeGreaterThanOrEqual(200);
    });
  }
});
