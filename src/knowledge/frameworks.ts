// Frameworks a fix can be written for, and what the knowledge base knows about each product it may meet.
import type { AppFramework, Framework, FindingLike, ProxyFramework, ServerFramework, SnippetLanguage } from './types.js';
import { FRAMEWORKS } from './types.js';

export interface FrameworkInfo {
  id: Framework;
  name: string;
  kind: 'app' | 'server' | 'proxy' | 'wrapper';
  language: SnippetLanguage;
  /** Default environment variable for the key. */
  envVar: string;
}

export const FRAMEWORK_INFO: Record<Framework, FrameworkInfo> = {
  fastapi: { id: 'fastapi', name: 'FastAPI', kind: 'app', language: 'python', envVar: 'API_KEY' },
  starlette: { id: 'starlette', name: 'Starlette (pure ASGI middleware)', kind: 'app', language: 'python', envVar: 'API_KEY' },
  flask: { id: 'flask', name: 'Flask', kind: 'app', language: 'python', envVar: 'API_KEY' },
  express: { id: 'express', name: 'Express', kind: 'app', language: 'javascript', envVar: 'API_KEY' },
  vllm: { id: 'vllm', name: 'vLLM', kind: 'server', language: 'bash', envVar: 'VLLM_API_KEY' },
  tgi: { id: 'tgi', name: 'Hugging Face TGI', kind: 'server', language: 'bash', envVar: 'API_KEY' },
  // Ollama has no key of its own: the variable names the key the proxy in front checks.
  ollama: { id: 'ollama', name: 'Ollama', kind: 'server', language: 'bash', envVar: 'LLM_API_KEY' },
  llamacpp: { id: 'llamacpp', name: 'llama.cpp llama-server', kind: 'server', language: 'bash', envVar: 'LLAMA_API_KEY' },
  sglang: { id: 'sglang', name: 'SGLang', kind: 'server', language: 'bash', envVar: 'SGLANG_API_KEY' },
  litellm: { id: 'litellm', name: 'LiteLLM proxy', kind: 'server', language: 'bash', envVar: 'LITELLM_MASTER_KEY' },
  localai: { id: 'localai', name: 'LocalAI', kind: 'server', language: 'bash', envVar: 'LOCALAI_API_KEY' },
  koboldcpp: { id: 'koboldcpp', name: 'KoboldCpp', kind: 'server', language: 'bash', envVar: 'KOBOLDCPP_PASSWORD' },
  nginx: { id: 'nginx', name: 'nginx', kind: 'proxy', language: 'nginx', envVar: 'LLM_API_KEY' },
  caddy: { id: 'caddy', name: 'Caddy', kind: 'proxy', language: 'caddyfile', envVar: 'LLM_API_KEY' },
  wrapper: { id: 'wrapper', name: 'Python wrapper (decorator)', kind: 'wrapper', language: 'python', envVar: 'MISTRAL_API_KEY' },
};

export const APP_FRAMEWORKS: readonly AppFramework[] = ['fastapi', 'starlette', 'flask', 'express'];
export const SERVER_FRAMEWORKS: readonly ServerFramework[] = ['vllm', 'tgi', 'ollama', 'llamacpp', 'sglang', 'litellm', 'localai', 'koboldcpp'];
export const PROXY_FRAMEWORKS: readonly ProxyFramework[] = ['nginx', 'caddy'];

export function isFramework(value: string): value is Framework {
  return (FRAMEWORKS as readonly string[]).includes(value);
}
export function isAppFramework(f: Framework): f is AppFramework {
  return (APP_FRAMEWORKS as readonly string[]).includes(f);
}
export function isServerFramework(f: Framework): f is ServerFramework {
  return (SERVER_FRAMEWORKS as readonly string[]).includes(f);
}
export function isProxyFramework(f: Framework): f is ProxyFramework {
  return (PROXY_FRAMEWORKS as readonly string[]).includes(f);
}

/** What a proxy or a manual check needs to know about a product: where it listens, its routes, its credential header. */
export interface ProductFacts {
  name: string;
  port: number;
  /** Inference routes a proxy keeps serving (with the key), main one first. */
  inferencePaths: string[];
  /** A one-token request body for the main route. */
  body: (model: string, promptField: string) => string;
  headerName: string;
  scheme: 'Bearer' | null;
  model: string;
  /** How to make the server listen on loopback only, for the proxy's apply steps. */
  bindLoopback: (port: number) => string;
}

const openAiChat = (model: string): string =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 });
const wrapperBody = (_model: string, field: string): string => JSON.stringify({ [field]: 'Hello' });

export const PRODUCT_FACTS: Record<string, ProductFacts> = {
  fastapi: {
    name: 'FastAPI app', port: 8000, inferencePaths: ['/generate'], body: wrapperBody,
    headerName: 'X-API-Key', scheme: null, model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `uvicorn app:app --host 127.0.0.1 --port ${p}`,
  },
  flask: {
    name: 'Flask app', port: 5000, inferencePaths: ['/generate'], body: wrapperBody,
    headerName: 'X-API-Key', scheme: null, model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `flask --app app run --host 127.0.0.1 --port ${p}`,
  },
  express: {
    name: 'Express app', port: 3000, inferencePaths: ['/generate'], body: wrapperBody,
    headerName: 'X-API-Key', scheme: null, model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `app.listen(${p}, '127.0.0.1')`,
  },
  'node-http': {
    name: 'Node.js http server', port: 3000, inferencePaths: ['/generate'], body: wrapperBody,
    headerName: 'X-API-Key', scheme: null, model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `server.listen(${p}, '127.0.0.1')`,
  },
  django: {
    name: 'Django app', port: 8000, inferencePaths: ['/generate'], body: wrapperBody,
    headerName: 'X-API-Key', scheme: null, model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `gunicorn project.wsgi --bind 127.0.0.1:${p}`,
  },
  vllm: {
    name: 'vLLM', port: 8000, inferencePaths: ['/v1/chat/completions', '/v1/completions', '/v1/models'], body: openAiChat,
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `vllm serve MODEL --host 127.0.0.1 --port ${p}`,
  },
  tgi: {
    name: 'Hugging Face TGI', port: 3000, inferencePaths: ['/generate', '/generate_stream', '/v1/chat/completions'],
    body: () => JSON.stringify({ inputs: 'Hello', parameters: { max_new_tokens: 1 } }),
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `text-generation-launcher --hostname 127.0.0.1 --port ${p} … (in Docker: -p 127.0.0.1:${p}:80)`,
  },
  ollama: {
    name: 'Ollama', port: 11434, inferencePaths: ['/api/generate', '/api/chat', '/v1/chat/completions', '/api/tags'],
    body: (model) => JSON.stringify({ model, prompt: 'Hello', stream: false, options: { num_predict: 1 } }),
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistral',
    bindLoopback: (p) => `OLLAMA_HOST=127.0.0.1:${p} ollama serve`,
  },
  llamacpp: {
    name: 'llama.cpp llama-server', port: 8080, inferencePaths: ['/completion', '/v1/chat/completions', '/v1/completions'],
    body: () => JSON.stringify({ prompt: 'Hello', n_predict: 1 }),
    headerName: 'Authorization', scheme: 'Bearer', model: '/models/mistral-7b-instruct-v0.3.Q4_K_M.gguf',
    bindLoopback: (p) => `llama-server -m MODEL.gguf --host 127.0.0.1 --port ${p}`,
  },
  sglang: {
    name: 'SGLang', port: 30000, inferencePaths: ['/v1/chat/completions', '/v1/completions', '/generate'], body: openAiChat,
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `python -m sglang.launch_server --model-path MODEL --host 127.0.0.1 --port ${p}`,
  },
  litellm: {
    name: 'LiteLLM proxy', port: 4000, inferencePaths: ['/chat/completions', '/v1/chat/completions', '/v1/models'], body: openAiChat,
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistral-7b-instruct',
    bindLoopback: (p) => `litellm --config config.yaml --host 127.0.0.1 --port ${p}`,
  },
  localai: {
    name: 'LocalAI', port: 8080, inferencePaths: ['/v1/chat/completions', '/v1/completions', '/v1/models'], body: openAiChat,
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistral-7b-instruct',
    bindLoopback: (p) => `local-ai run --address 127.0.0.1:${p}`,
  },
  koboldcpp: {
    name: 'KoboldCpp', port: 5001, inferencePaths: ['/api/v1/generate', '/v1/chat/completions', '/v1/completions'],
    body: () => JSON.stringify({ prompt: 'Hello', max_length: 1 }),
    headerName: 'Authorization', scheme: 'Bearer', model: '/models/mistral-7b-instruct-v0.3.Q4_K_M.gguf',
    bindLoopback: (p) => `koboldcpp --model MODEL.gguf --host 127.0.0.1 --port ${p}`,
  },
  'openai-compatible': {
    name: 'OpenAI-compatible server', port: 8000, inferencePaths: ['/v1/chat/completions', '/v1/completions', '/v1/models'],
    body: openAiChat, headerName: 'Authorization', scheme: 'Bearer', model: 'mistralai/Mistral-7B-Instruct-v0.3',
    bindLoopback: (p) => `make the server listen on 127.0.0.1:${p} only`,
  },
  'textgen-webui': {
    name: 'text-generation-webui', port: 5000, inferencePaths: ['/v1/chat/completions', '/v1/completions', '/v1/models'],
    body: openAiChat, headerName: 'Authorization', scheme: 'Bearer', model: 'mistral-7b-instruct',
    bindLoopback: (p) => `python server.py --api --api-port ${p} (without --listen, so the API stays on loopback)`,
  },
  lmstudio: {
    name: 'LM Studio', port: 1234, inferencePaths: ['/v1/chat/completions', '/v1/completions', '/v1/models'],
    body: openAiChat, headerName: 'Authorization', scheme: 'Bearer', model: 'mistral-7b-instruct',
    bindLoopback: (p) => `lms server start --port ${p} (leave "Serve on Local Network" off)`,
  },
  triton: {
    name: 'Triton Inference Server', port: 8000, inferencePaths: ['/v2/models/MODEL/generate'],
    body: () => JSON.stringify({ text_input: 'Hello', parameters: { max_tokens: 1 } }),
    headerName: 'Authorization', scheme: 'Bearer', model: 'mistral',
    bindLoopback: (p) => `tritonserver --http-address 127.0.0.1 --http-port ${p} …`,
  },
};

/** Facts for a product id, falling back to the seed's FastAPI wrapper when the product is unknown. */
export function productFacts(product: string | null | undefined): ProductFacts {
  return (product && PRODUCT_FACTS[product]) || PRODUCT_FACTS['fastapi']!;
}

/** The server framework each product maps to; products without their own knobs get the generic proxy. */
const PRODUCT_TO_FRAMEWORK: Record<string, Framework> = {
  fastapi: 'fastapi',
  flask: 'flask',
  express: 'express',
  // Node's own server takes the Express fix's middleware as a function around the handler; Django, a proxy in front.
  'node-http': 'express',
  django: 'nginx',
  vllm: 'vllm',
  tgi: 'tgi',
  ollama: 'ollama',
  llamacpp: 'llamacpp',
  sglang: 'sglang',
  litellm: 'litellm',
  localai: 'localai',
  koboldcpp: 'koboldcpp',
  'openai-compatible': 'nginx',
  'textgen-webui': 'nginx',
  lmstudio: 'nginx',
  triton: 'nginx',
};

/**
 * The framework a finding's fingerprint points at: the product itself when the knowledge base has start-up knobs for it,
 * nginx for servers it only knows from the outside, FastAPI (the seed's case) when the product is FastAPI or unknown.
 */
export function frameworkForFinding(finding: Partial<FindingLike> | null | undefined): Framework {
  const product = finding?.server?.product ?? null;
  return (product && PRODUCT_TO_FRAMEWORK[product]) || 'fastapi';
}
