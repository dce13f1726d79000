// The fingerprint table: every emulated server, open and keyed. The cheap phase must name the product (and the version where
// the server states it), tell guarded from open routes, stay within 20 requests and send no inference; auth.missing must
// fire on every open configuration with the product's own body shape and never on a keyed one.
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ProductId, ScanReport } from '../../src/engine/types.js';
import * as fastapi from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import * as koboldcpp from '../targets/koboldcpp.js';
import * as litellm from '../targets/litellm.js';
import * as llamacpp from '../targets/llamacpp.js';
import * as lmdeploy from '../targets/lmdeploy.js';
import * as lmstudio from '../targets/lmstudio.js';
import * as localai from '../targets/localai.js';
import * as ollama from '../targets/ollama.js';
import * as openai from '../targets/openai-compatible.js';
import * as sglang from '../targets/sglang.js';
import * as tabbyapi from '../targets/tabbyapi.js';
import * as textgen from '../targets/textgen-webui.js';
import * as tgi from '../targets/tgi.js';
import * as triton from '../targets/triton.js';
import * as vllm from '../targets/vllm.js';

interface Row {
  product: ProductId;
  config: string;
  start: () => Promise<RunningTarget>;
  /** The version the server states in the cheap phase, or null where it states none (or hides it behind the key). */
  version: string | RegExp | null;
  /** Whether the server has authentication at all in this configuration. */
  guarded: boolean;
}

const rows: Row[] = [
  { product: 'fastapi', config: 'open', start: () => fastapi.startFastapiWrapper(fastapi.OPEN), version: null, guarded: false },
  { product: 'fastapi', config: 'keyed', start: () => fastapi.startFastapiWrapper(fastapi.KEYED), version: null, guarded: true },
  { product: 'openai-compatible', config: 'open', start: () => openai.startOpenAICompatible(openai.OPEN), version: null, guarded: false },
  { product: 'openai-compatible', config: 'keyed', start: () => openai.startOpenAICompatible(openai.KEYED), version: null, guarded: true },
  { product: 'vllm', config: 'open', start: () => vllm.startVllm(vllm.OPEN), version: '0.29.0', guarded: false },
  // The secure keyed vLLM closes /invocations too; the 0.27–0.29 default leaves it open, which auth.missing rightly reports (next row).
  { product: 'vllm', config: 'keyed', start: () => vllm.startVllm({ ...vllm.KEYED, invocationsOpen: false }), version: '0.29.0', guarded: true },
  { product: 'vllm', config: 'keyed, /invocations open (0.27–0.29)', start: () => vllm.startVllm(vllm.KEYED), version: '0.29.0', guarded: false },
  { product: 'tgi', config: 'open', start: () => tgi.startTgi(tgi.OPEN), version: '3.3.4', guarded: false },
  { product: 'tgi', config: 'keyed', start: () => tgi.startTgi(tgi.KEYED), version: '3.3.4', guarded: true },
  { product: 'ollama', config: 'open', start: () => ollama.startOllama(ollama.OPEN), version: '0.17.4', guarded: false },
  { product: 'llamacpp', config: 'open', start: () => llamacpp.startLlamaCpp(llamacpp.OPEN), version: /^b4719/, guarded: false },
  { product: 'llamacpp', config: 'keyed', start: () => llamacpp.startLlamaCpp(llamacpp.KEYED), version: null, guarded: true },
  { product: 'sglang', config: 'open', start: () => sglang.startSglang(sglang.OPEN), version: null, guarded: false },
  { product: 'sglang', config: 'keyed', start: () => sglang.startSglang(sglang.KEYED), version: null, guarded: true },
  { product: 'litellm', config: 'open', start: () => litellm.startLitellm(litellm.OPEN), version: '1.84.0', guarded: false },
  { product: 'litellm', config: 'keyed', start: () => litellm.startLitellm(litellm.KEYED), version: '1.84.0', guarded: true },
  { product: 'localai', config: 'open', start: () => localai.startLocalai(localai.OPEN), version: null, guarded: false },
  { product: 'localai', config: 'keyed', start: () => localai.startLocalai(localai.KEYED), version: null, guarded: true },
  { product: 'koboldcpp', config: 'open', start: () => koboldcpp.startKoboldcpp(koboldcpp.OPEN), version: '1.86.2', guarded: false },
  { product: 'koboldcpp', config: 'keyed', start: () => koboldcpp.startKoboldcpp(koboldcpp.KEYED), version: '1.86.2', guarded: true },
  { product: 'textgen-webui', config: 'open', start: () => textgen.startTextgenWebui(textgen.OPEN), version: null, guarded: false },
  { product: 'textgen-webui', config: 'keyed', start: () => textgen.startTextgenWebui(textgen.KEYED), version: null, guarded: true },
  { product: 'lmstudio', config: 'open', start: () => lmstudio.startLmstudio(lmstudio.OPEN), version: null, guarded: false },
  { product: 'lmstudio', config: 'keyed', start: () => lmstudio.startLmstudio(lmstudio.KEYED), version: null, guarded: true },
  { product: 'triton', config: 'open', start: () => triton.startTriton(triton.OPEN), version: '2.50.0', guarded: false },
  { product: 'triton', config: 'keyed', start: () => triton.startTriton(triton.KEYED), version: '2.50.0', guarded: true },
  // Open, its /props imitates llama.cpp's; keyed, only the OpenAPI document (open with keys) names it.
  { product: 'tabbyapi', config: 'open', start: () => tabbyapi.startTabbyapi(tabbyapi.OPEN), version: null, guarded: false },
  { product: 'tabbyapi', config: 'keyed', start: () => tabbyapi.startTabbyapi(tabbyapi.KEYED), version: null, guarded: true },
  {
    product: 'tabbyapi',
    config: 'keyed, inline model loading',
    start: () => tabbyapi.startTabbyapi({ ...tabbyapi.KEYED, inlineModelLoading: true }),
    version: null,
    guarded: true,
  },
  { product: 'lmdeploy', config: 'open', start: () => lmdeploy.startLmdeploy(lmdeploy.OPEN), version: null, guarded: false },
  { product: 'lmdeploy', config: 'keyed', start: () => lmdeploy.startLmdeploy(lmdeploy.KEYED), version: null, guarded: true },
  // 0.12.2–0.15.x refuse every path like SGLang: /redoc, open, tells them apart.
  { product: 'lmdeploy', config: 'keyed 0.15', start: () => lmdeploy.startLmdeploy({ ...lmdeploy.KEYED, version: '0.15.0' }), version: null, guarded: true },
  // Up to 0.12.1 the key is a route dependency: a body-less GET cannot tell guarded from open.
  { product: 'lmdeploy', config: 'keyed 0.12.1', start: () => lmdeploy.startLmdeploy({ ...lmdeploy.KEYED, version: '0.12.1' }), version: null, guarded: true },
];

const started: RunningTarget[] = [];
const table: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((t) => t.close()));
  console.log(`\nproduct × config → fingerprint | version | fp requests (inference) | auth.missing | scan requests\n${table.join('\n')}\n`);
});

describe.each(rows)('$product ($config)', (row) => {
  let target: RunningTarget;
  let fp: ScanReport;
  let full: ScanReport;
  let inferenceDuringFingerprint = -1;

  it('is fingerprinted from the cheap phase alone', async () => {
    target = await row.start();
    started.push(target);
    fp = await scan({ url: target.url }, { surfaceOnly: true, budget: 20 });
    inferenceDuringFingerprint = target.inferenceCount();
    expect(fp.fingerprint.product, fp.fingerprint.signals.join('; ')).toBe(row.product);
    if (row.version instanceof RegExp) expect(fp.fingerprint.version).toMatch(row.version);
    else if (row.version) expect(fp.fingerprint.version).toBe(row.version);
    expect(inferenceDuringFingerprint).toBe(0);
    expect(fp.requests.inference).toBe(0);
    expect(fp.requests.sent).toBeLessThanOrEqual(20);
    expect(fp.partial).toBe(false);
  });

  it('tells guarded from open inference routes', () => {
    const inference = fp.surface.routes.filter((r) => r.kind === 'inference');
    expect(inference.length).toBeGreaterThan(0);
    if (row.guarded)
      expect(
        inference.some((r) => r.access === 'guarded'),
        JSON.stringify(inference),
      ).toBe(true);
    else
      expect(
        inference.some((r) => r.access === 'open'),
        JSON.stringify(inference),
      ).toBe(true);
  });

  it(row.guarded ? 'has no auth.missing finding' : 'has a confirmed auth.missing finding', async () => {
    full = await scan({ url: target.url }, { depth: 'quick' });
    const missing = full.findings.filter((f) => f.rule === 'auth.missing');
    table.push(
      `${row.product.padEnd(18)} ${row.config.padEnd(6)} → ${fp.fingerprint.product.padEnd(18)} | ` +
        `${String(fp.fingerprint.version).padEnd(8)} | ${fp.requests.sent} (${inferenceDuringFingerprint}) | ` +
        `${missing.length ? 'fail' : 'pass'} | ${full.requests.sent}`,
    );
    if (row.guarded) {
      expect(missing, JSON.stringify(missing.map((f) => f.endpoint))).toEqual([]);
    } else {
      expect(missing.length, JSON.stringify(full.surface.routes)).toBeGreaterThan(0);
      expect(missing.every((f) => f.confidence === 'confirmed')).toBe(true);
    }
  });
});
