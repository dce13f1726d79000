// NVIDIA Triton Inference Server, HTTP port 8000 (metrics on 8002), KServe v2 protocol. No auth by default;
// `--http-restricted-api=<api>[,<api>…]:<header>=<value>` makes a group of APIs demand one header (docs/servers/triton.md).
// Errors are `{"error":"…"}`; facts not in Triton's documentation come from Triton's http_server.cc and are marked.
import type { ServerResponse } from 'node:http';
import { body, firstNumber, header, mistralText, sendRaw, sendSse, TEST_KEY } from './emulator-kit.js';
import { type RunningTarget, sendJson, startTarget } from './harness.js';

export type TritonApi = 'health' | 'metadata' | 'inference' | 'shared-memory' | 'model-config' | 'model-repository' | 'statistics' | 'trace' | 'logging';

export interface TritonRestriction {
  apis: TritonApi[];
  header: string;
  value: string;
}

export interface TritonOptions {
  /** `--http-restricted-api` entries. */
  restricted?: TritonRestriction[];
  /** Serve /metrics (nv_inference_*) on this port, standing in for the metrics port 8002 (default true). */
  metrics?: boolean;
  /** `--model-control-mode`: 'explicit' lets /v2/repository load and unload (default), 'none' refuses. */
  modelControl?: 'none' | 'explicit';
  model?: string;
  version?: string;
}

export const OPEN: TritonOptions = {};
/** A key header on everything but health and server metadata (the example deployment of the emulator). */
export const KEYED: TritonOptions = {
  restricted: [
    { apis: ['inference', 'model-repository', 'model-config', 'statistics', 'trace', 'logging', 'shared-memory'], header: 'x-api-key', value: TEST_KEY },
  ],
};

const EXTENSIONS = [
  'classification',
  'sequence',
  'model_repository',
  'model_repository(unload_dependents)',
  'schedule_policy',
  'model_configuration',
  'system_shared_memory',
  'cuda_shared_memory',
  'binary_tensor_data',
  'parameters',
  'statistics',
  'trace',
  'logging',
  'generate',
];

export async function startTriton(options: TritonOptions = {}): Promise<RunningTarget> {
  const o: TritonOptions = { metrics: true, modelControl: 'explicit', ...options };
  const model = o.model ?? 'mistral';
  const version = o.version ?? '2.50.0';
  let successes = 0;

  const err = (res: ServerResponse, status: number, message: string) => sendJson(res, status, { error: message });

  /** Which API group a path belongs to, and the route it names. */
  const classify = (path: string): { api: TritonApi; route: string; model?: string; version?: string } | null => {
    if (path === '/v2') return { api: 'metadata', route: 'server' };
    if (path === '/v2/health/live' || path === '/v2/health/ready') return { api: 'health', route: path.slice(11) };
    if (path === '/v2/repository/index') return { api: 'model-repository', route: 'index' };
    const repo = /^\/v2\/repository\/models\/([^/]+)\/(load|unload)$/.exec(path);
    if (repo) return { api: 'model-repository', route: repo[2]!, model: repo[1] };
    if (path === '/v2/models/stats') return { api: 'statistics', route: 'stats' };
    if (path === '/v2/trace/setting') return { api: 'trace', route: 'trace' };
    if (path === '/v2/logging') return { api: 'logging', route: 'logging' };
    if (path.startsWith('/v2/systemsharedmemory') || path.startsWith('/v2/cudasharedmemory')) return { api: 'shared-memory', route: 'shm' };
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|config|stats|infer|generate|generate_stream))?$/.exec(path);
    if (!m) return null;
    const action = m[3] ?? 'metadata';
    const api: TritonApi =
      action === 'ready'
        ? 'health'
        : action === 'config'
          ? 'model-config'
          : action === 'stats'
            ? 'statistics'
            : action === 'metadata'
              ? 'metadata'
              : 'inference';
    return { api, route: action, model: m[1], version: m[2] };
  };

  const textIn = (b: Record<string, unknown>): { prompt: string; limit: number } | null => {
    const inputs = Array.isArray(b.inputs) ? (b.inputs as Record<string, unknown>[]) : [];
    const find = (name: string) => inputs.find((i) => i.name === name);
    const data = (name: string) => (Array.isArray(find(name)?.data) ? (find(name)!.data as unknown[]) : []);
    const text = data('text_input')[0];
    if (typeof text !== 'string') return null;
    // max_tokens as its own INT32 input (TensorRT-LLM ensemble), in `sampling_parameters` (vLLM backend) or in parameters.
    let sampling: Record<string, unknown> = {};
    try {
      sampling = JSON.parse(String(data('sampling_parameters')[0] ?? '{}')) as Record<string, unknown>;
    } catch {
      /* ignore */
    }
    const params = (b.parameters ?? {}) as Record<string, unknown>;
    return { prompt: text, limit: firstNumber(data('max_tokens')[0], sampling.max_tokens, params.max_tokens) ?? 16 };
  };

  const metadata = {
    name: model,
    versions: ['1'],
    platform: 'vllm',
    inputs: [
      { name: 'text_input', datatype: 'BYTES', shape: [1] },
      { name: 'stream', datatype: 'BOOL', shape: [1] },
      { name: 'sampling_parameters', datatype: 'BYTES', shape: [1] },
    ],
    outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [-1] }],
  };

  return startTarget((req, res) => {
    if (req.path === '/metrics') {
      if (!o.metrics) return sendRaw(res, 400, ''); // on the real server /metrics lives on the metrics port only
      const l = `model="${model}",version="1"`;
      return sendRaw(
        res,
        200,
        `# HELP nv_inference_request_success Number of successful inference requests, all batch sizes\n# ` +
          `TYPE nv_inference_request_success counter\nnv_inference_request_success{${l}} ${successes}\n# HELP ` +
          `nv_inference_count Number of inferences performed\n# TYPE nv_inference_count ` +
          `counter\nnv_inference_count{${l}} ${successes}\n`,
        { 'content-type': 'text/plain; charset=utf-8' },
      );
    }
    const c = classify(req.path);
    // From http_server.cc: an unknown endpoint is a bare 400.
    if (!c) return sendRaw(res, 400, '');
    // Restricted APIs are refused before anything else, with 403 and the expected header's name (http_server.cc).
    for (const r of o.restricted ?? []) {
      if (r.apis.includes(c.api) && header(req, r.header) !== r.value) return err(res, 403, `This API is restricted, expecting header '${r.header}'`);
    }
    const want = (method: string) => req.method === method || (method === 'GET' && req.method === 'HEAD');
    const post = ['index', 'load', 'unload', 'infer', 'generate', 'generate_stream'].includes(c.route);
    const either = ['trace', 'logging', 'shm'].includes(c.route);
    if (!(either ? want('GET') || want('POST') : want(post ? 'POST' : 'GET'))) return err(res, 405, 'Method Not Allowed');
    if (c.model !== undefined && c.model !== model) return err(res, 400, `Request for unknown model: '${c.model}' is not found`);

    switch (c.route) {
      case 'server':
        return sendJson(res, 200, { name: 'triton', version, extensions: EXTENSIONS });
      case 'live':
      case 'ready':
        return sendRaw(res, 200, '');
      case 'metadata':
        return sendJson(res, 200, metadata);
      case 'config':
        return sendJson(res, 200, { name: model, backend: 'vllm', max_batch_size: 0, model_transaction_policy: { decoupled: true }, input: [], output: [] });
      case 'stats':
        return sendJson(res, 200, { model_stats: [{ name: model, version: '1', inference_count: successes }] });
      case 'index':
        return sendJson(res, 200, [{ name: model, version: '1', state: 'READY' }]);
      case 'load':
      case 'unload':
        if (o.modelControl !== 'explicit') return err(res, 400, 'explicit model load / unload is not allowed if polling is enabled');
        return sendRaw(res, 200, '', { 'content-type': 'application/json' });
      case 'infer': {
        const t = textIn(body(req));
        if (!t) return err(res, 400, `expected number of inputs between 1 and 3 but got 0 inputs for model '${model}'`);
        req.markInference(t.limit);
        successes += 1;
        const b = body(req);
        return sendJson(res, 200, {
          ...(b.id !== undefined ? { id: b.id } : {}),
          model_name: model,
          model_version: c.version ?? '1',
          outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [1], data: [mistralText(t.limit)] }],
        });
      }
      case 'generate':
      case 'generate_stream': {
        const b = body(req);
        if (typeof b.text_input !== 'string') return err(res, 400, "missing input 'text_input'");
        const limit = firstNumber(b.max_tokens, ((b.parameters ?? {}) as Record<string, unknown>).max_tokens) ?? 16;
        req.markInference(limit);
        successes += 1;
        const out = { model_name: model, model_version: c.version ?? '1', text_output: mistralText(limit) };
        return c.route === 'generate' ? sendJson(res, 200, out) : sendSse(res, [out], {}, false);
      }
      default:
        return sendJson(res, 200, {});
    }
  });
}
