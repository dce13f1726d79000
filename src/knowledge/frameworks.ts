// What the knowledge base knows about each product it may meet, from its profile, and which framework's fix serves it.

import { PRODUCT_IDS, profileById } from '../engine/profiles/index.js';
import type { ProductId, ServerProfile } from '../engine/types.js';
import { isFramework, isServerFramework } from './framework-info.js';
import type { FindingLike, Framework } from './types.js';

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
