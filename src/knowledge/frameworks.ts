// Frameworks a fix can be written for, and what the knowledge base knows about each product it may meet.

import { PRODUCT_IDS, profileById } from '../engine/profiles/index.js';
import type { ProductId, ServerProfile } from '../engine/types.js';
import type { AppFramework, FindingLike, Framework, ProxyFramework, ServerFramework, SnippetLanguage } from './types.js';
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

const openAiChat = (model: string): string => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 });
const wrapperBody = (_model: string, field: string): string => JSON.stringify({ [field]: 'Hello' });

/**
 * The routes a proxy keeps serving and the manual checks' body, where the knowledge base's choice is not the default: the
 * OpenAI pair and list with an OpenAI chat body for a server, the wrapper's `/generate` with its prompt field for an app.
 */
const PROXIED: Partial<Record<ProductId, Pick<ProductFacts, 'inferencePaths' | 'body'>>> = {
  tgi: {
    inferencePaths: ['/generate', '/generate_stream', '/v1/chat/completions'],
    body: () => JSON.stringify({ inputs: 'Hello', parameters: { max_new_tokens: 1 } }),
  },
  ollama: {
    inferencePaths: ['/api/generate', '/api/chat', '/v1/chat/completions', '/api/tags'],
    body: (model) => JSON.stringify({ model, prompt: 'Hello', stream: false, options: { num_predict: 1 } }),
  },
  llamacpp: { inferencePaths: ['/completion', '/v1/chat/completions', '/v1/completions'], body: () => JSON.stringify({ prompt: 'Hello', n_predict: 1 }) },
  sglang: { inferencePaths: ['/v1/chat/completions', '/v1/completions', '/generate'], body: openAiChat },
  litellm: { inferencePaths: ['/chat/completions', '/v1/chat/completions', '/v1/models'], body: openAiChat },
  koboldcpp: {
    inferencePaths: ['/api/v1/generate', '/v1/chat/completions', '/v1/completions'],
    body: () => JSON.stringify({ prompt: 'Hello', max_length: 1 }),
  },
  triton: {
    inferencePaths: ['/v2/models/MODEL/generate'],
    body: () => JSON.stringify({ text_input: 'Hello', parameters: { max_tokens: 1 } }),
  },
};

/** A product's facts, from its profile (name, port, credential header, model, loopback) and the proxy's routes above. */
function factsOf(profile: ServerProfile): ProductFacts {
  const app = profile.kind === 'framework';
  const routes = PROXIED[profile.id] ?? {
    inferencePaths: app ? ['/generate'] : ['/v1/chat/completions', '/v1/completions', '/v1/models'],
    body: app ? wrapperBody : openAiChat,
  };
  // A server without a key of its own (Ollama, Triton) is fixed by a proxy that checks a Bearer key.
  const headerName = profile.auth.headers[0] ?? 'Authorization';
  const scheme = headerName.toLowerCase() === 'authorization' ? (profile.auth.scheme ?? 'Bearer') : null;
  return {
    // A wrapper is the author's app in that framework ('FastAPI app'); Node's own server is named as such.
    name: app && !/server$/i.test(profile.name) ? `${profile.name} app` : profile.name,
    port: profile.defaultPort,
    ...routes,
    headerName,
    scheme,
    model: profile.operation.exampleModel,
    bindLoopback: (port) => profile.operation.bindLoopback(port),
  };
}

/** What the knowledge base knows of each product, from the profiles. */
export const PRODUCT_FACTS: Readonly<Record<ProductId, ProductFacts>> = Object.fromEntries(PRODUCT_IDS.map((id) => [id, factsOf(profileById(id))])) as Record<
  ProductId,
  ProductFacts
>;

/** Facts for a product id, falling back to a FastAPI wrapper's when the product is unknown. */
export function productFacts(product: string | null | undefined): ProductFacts {
  const profile = product ? profileById(product) : undefined;
  return PRODUCT_FACTS[profile?.id ?? 'fastapi'];
}

/**
 * The framework a fix is written for, from the profile: the product itself when its own settings close the hole and the
 * knowledge base has a start script for it, the proxy (nginx) for a server it knows from the outside, the application
 * framework the author's code is written in for a wrapper.
 */
export function frameworkForProduct(product: ProductId): Framework {
  const { fixedBy } = profileById(product).operation;
  if (typeof fixedBy === 'object') return fixedBy.app;
  if (fixedBy === 'own-settings' && isFramework(product) && isServerFramework(product)) return product;
  return 'nginx';
}

/** The framework a finding's fingerprint points at; a FastAPI app's when the product is unknown. */
export function frameworkForFinding(finding: Partial<FindingLike> | null | undefined): Framework {
  const profile = profileById(finding?.server?.product ?? '');
  return profile ? frameworkForProduct(profile.id) : 'fastapi';
}
