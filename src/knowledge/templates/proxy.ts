// What a reverse-proxy snippet can contain, and the route families it refuses per product.

import { profileById } from '../../engine/profiles/index.js';
import type { ProductId, RuleId } from '../../engine/types.js';
import { isStrictPath } from '../context.js';
import type { RemediationContext } from '../types.js';

export type ProxyFeature =
  /** Deny by default: only the context's inference routes are forwarded, each with the key. Always on. */
  | 'auth'
  /** CORS answered by the proxy from an allow-list; the upstream's own CORS headers are dropped. */
  | 'cors'
  /** TLS on the listening port. */
  | 'tls'
  /** Only the expected Host values are answered. */
  | 'trustedHosts'
  /** Wrong keys throttled per client (429 + Retry-After). */
  | 'authRateLimit'
  /** Inference requests throttled per client (429 + Retry-After). */
  | 'rateLimit'
  /** Upstream 5xx bodies replaced by a terse error. */
  | 'terseErrors'
  /** Method-override headers and `_method=` never reach the upstream. */
  | 'stripOverride'
  /** /metrics forwarded to loopback scrapers only. */
  | 'metricsInternal';

export interface DenyRoute {
  path: string;
  /** Match every path under `path` (which then ends with '/'). */
  prefix: boolean;
}

export interface ProxyRenderInput {
  rule: RuleId | null;
  features: ReadonlySet<ProxyFeature>;
  ctx: RemediationContext;
  /** Routes never forwarded, even with a key. */
  deny: DenyRoute[];
  focus: string;
  title: string;
}

/**
 * Route families a proxy refuses outright, per product (docs/servers/<product>.md), beyond its profile's management routes
 * (which `routeFamilies` adds first).
 */
const EXTRA_ROUTE_FAMILIES: Partial<Record<ProductId, Partial<Record<RouteFamily, string[]>>>> = {
  vllm: {
    // Beyond the profile's management routes: the dev-mode configuration dump.
    management: ['/server_info'],
    alternate: ['/invocations', '/pooling', '/classify', '/score', '/rerank', '/generative_scoring', '/tokenize', '/detokenize'],
    docs: ['/docs', '/redoc', '/openapi.json'],
    metrics: ['/metrics'],
    template: ['/tokenizer_info'],
    inventory: ['/version', '/load'],
  },
  tgi: {
    alternate: ['/v2/', '/chat_tokenize', '/invocations', '/vertex'],
    docs: ['/docs', '/api-doc/'],
    metrics: ['/metrics'],
    template: ['/chat_tokenize'],
    inventory: ['/info'],
  },
  ollama: {
    management: ['/api/pull', '/api/push', '/api/create', '/api/copy', '/api/delete', '/api/blobs/'],
    inventory: ['/api/ps', '/api/version', '/api/show'],
  },
  llamacpp: {
    management: ['/slots', '/slots/', '/props'],
    promptData: ['/slots', '/slots/'],
    template: ['/props', '/apply-template'],
    metrics: ['/metrics'],
    inventory: ['/props', '/models'],
  },
  sglang: {
    management: [
      '/flush_cache',
      '/update_weights_from_disk',
      '/update_weights_from_tensor',
      '/update_weights_from_distributed',
      '/abort_request',
      '/start_profile',
      '/stop_profile',
    ],
    alternate: ['/health_generate', '/invocations'],
    promptData: ['/get_server_info', '/server_info'],
    metrics: ['/metrics'],
    inventory: ['/get_model_info', '/model_info'],
    docs: ['/docs', '/redoc', '/openapi.json'],
  },
  litellm: {
    management: ['/key/', '/team/', '/user/', '/model/', '/config/', '/ui/'],
    promptData: ['/spend/', '/global/spend/'],
    metrics: ['/metrics'],
    docs: ['/docs', '/redoc', '/openapi.json'],
  },
  localai: {
    management: ['/models/apply', '/models/delete/', '/models/jobs/', '/backends/'],
    docs: ['/swagger/'],
    metrics: ['/metrics'],
  },
  koboldcpp: {
    alternate: ['/sdapi/', '/api/extra/transcribe', '/v1/audio/'],
    inventory: ['/api/extra/version', '/api/v1/model'],
  },
  fastapi: {
    docs: ['/docs', '/redoc', '/openapi.json'],
    metrics: ['/metrics'],
  },
};

export type RouteFamily = 'management' | 'alternate' | 'docs' | 'metrics' | 'template' | 'inventory' | 'promptData';

/** A profile's route as a deny entry: a path with a `{placeholder}` (or a query) refuses everything under its prefix. */
function denyPath(path: string): string {
  const bare = path.split('?')[0]!;
  const at = bare.indexOf('{');
  return at === -1 ? bare : bare.slice(0, at);
}

/** The route families a proxy refuses for a product: its profile's management routes, then what the knowledge base adds. */
export function routeFamilies(product: string): Partial<Record<RouteFamily, string[]>> {
  const profile = profileById(product);
  // A product the knowledge base adds nothing for is refused what a FastAPI app is (docs, the usual dumps).
  const extra = (profile && EXTRA_ROUTE_FAMILIES[profile.id]) || EXTRA_ROUTE_FAMILIES.fastapi || {};
  const management = [...new Set([...(profile?.managementRoutes ?? []).map((r) => denyPath(r.path)), ...(extra.management ?? [])])];
  return { ...extra, ...(management.length ? { management } : {}) };
}

/** The deny list for a rule: the product's routes of the given families, plus the finding's own path. */
export function denyRoutes(ctx: RemediationContext, families: RouteFamily[], includeFindingPath: boolean): DenyRoute[] {
  const product = ctx.product ?? 'fastapi';
  const table = routeFamilies(product);
  const out = new Map<string, DenyRoute>();
  const add = (p: string): void => {
    const clean = p.replace(/\/+$/, '') || '/';
    if (clean === '/' || ctx.paths.includes(clean)) return;
    const prefix = p.endsWith('/');
    out.set(`${prefix ? 'P' : 'E'}${p}`, { path: p, prefix });
  };
  for (const fam of families) for (const p of table[fam] ?? []) add(p);
  if (includeFindingPath && isStrictPath(ctx.path) && ctx.path !== '/') add(ctx.path);
  return [...out.values()];
}

/** GET for listing routes, POST for everything that runs the model. */
export function methodFor(path: string): 'GET' | 'POST' {
  return /(?:^|\/)(?:models|tags)$/.test(path) ? 'GET' : 'POST';
}

/**
 * 32 lower-case hex characters (128 random bits, `openssl rand -hex 16`): the only key shape the nginx snippet accepts.
 * Longer map keys would need a larger map_hash_bucket_size, an http-level setting a conf.d file cannot safely change.
 */
export const KEY_SHAPE = '[0-9a-f]{32}';
