// The read-only rules (transport, CORS, exposure, advisories) read and probe, but never run the model and never reach a
// management handler, on every emulator, open or keyed: a scan limited to them leaves every target's recorder without an
// inference or management request, and stays within a small request count above discovery's.
import { describe, expect, it } from 'vitest';
import type { RuleId } from '../../../src/engine/types.js';
import { startCorsServer } from '../../targets/cors-server.js';
import { startFastapiWrapper } from '../../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../../targets/harness.js';
import { startKoboldcpp } from '../../targets/koboldcpp.js';
import { startLitellm } from '../../targets/litellm.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { startLmstudio } from '../../targets/lmstudio.js';
import { startLocalai } from '../../targets/localai.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { startOllama } from '../../targets/ollama.js';
import { startSglang } from '../../targets/sglang.js';
import { startTextgenWebui } from '../../targets/textgen-webui.js';
import { startTgi } from '../../targets/tgi.js';
import { startTriton } from '../../targets/triton.js';
import { startVerboseErrorsServer } from '../../targets/verbose-errors.js';
import { startVllm } from '../../targets/vllm.js';
import { scanEmulator } from './exposure-scan.js';

const PART_A: RuleId[] = [
  'transport.cleartext',
  'cors.permissive',
  'exposure.prompt-data',
  'exposure.model-inventory',
  'exposure.metrics',
  'exposure.api-docs',
  'exposure.verbose-errors',
  'vuln.known-advisory',
];

const EMULATORS: [string, () => Promise<RunningTarget>, string?][] = [
  ['llama.cpp', () => startLlamaCpp({ slots: true, metrics: true, slotPrompt: 'x' })],
  ['llama.cpp keyed', () => startLlamaCpp({ apiKey: TEST_KEY, slots: true, metrics: true })],
  ['vLLM', () => startVllm({})],
  ['vLLM keyed', () => startVllm({ apiKey: TEST_KEY })],
  ['TGI', () => startTgi({ kserve: true })],
  ['TGI keyed', () => startTgi({ apiKey: TEST_KEY })],
  ['Ollama', () => startOllama({})],
  ['SGLang', () => startSglang({})],
  ['SGLang keyed', () => startSglang({ apiKey: TEST_KEY })],
  ['LiteLLM', () => startLitellm({})],
  ['LiteLLM keyed', () => startLitellm({ masterKey: TEST_KEY })],
  ['LocalAI', () => startLocalai({})],
  ['KoboldCpp', () => startKoboldcpp({})],
  ['LM Studio', () => startLmstudio({})],
  ['text-generation-webui', () => startTextgenWebui({})],
  ['Triton', () => startTriton({})],
  ['FastAPI wrapper', () => startFastapiWrapper({}), '/generate'],
  ['CORS server', () => startCorsServer({ cors: 'stamp-wildcard' }), '/v1/chat/completions'],
  ['Flask debug wrapper', () => startVerboseErrorsServer('flask-debug'), '/generate'],
];

describe('the read-only rules never run the model nor touch management routes', () => {
  for (const [name, start, path] of EMULATORS) {
    it(name, async () => {
      const discoveryOnly = await scanEmulator(start, { ...(path ? { path } : {}), options: { surfaceOnly: true } });
      const out = await scanEmulator(start, { ...(path ? { path } : {}), options: { rules: PART_A } });
      expect(out.inference, 'inference requests received').toBe(0);
      expect(out.management, 'management invocations received').toBe(0);
      expect(out.report.requests.inference).toBe(0);
      // At most 15 requests beyond discovery: 4 CORS, 3 dumps, 1 metrics, 4 docs, 3 malformed bodies.
      expect(out.report.requests.sent - discoveryOnly.report.requests.sent).toBeLessThanOrEqual(15);
      expect(out.report.errors).toEqual([]);
    });
  }
});
