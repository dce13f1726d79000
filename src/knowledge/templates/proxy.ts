// What a reverse-proxy snippet can contain, and the route families it refuses per product.
import type { RuleId } from '../../engine/types.js';
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

/** Route families a proxy refuses outright, per product (TARGETS.md). */
export const ROUTE_FAMILIES: Record<string, Partial<Record<RouteFamily, string[]>>> = {
  vllm: {
    management: ['/pause', '/resume', '/update_weights', '/init_weight_transfer_engine', '/scale_elastic_ep', '/abort_requests',
      '/reset_prefix_cache', '/sleep', '/wake_up', '/collective_rpc', '/server_info'],
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
    management: ['/flush_cache', '/update_weights_from_disk', '/update_weights_from_tensor', '/update_weights_from_distributed',
      '/abort_request', '/start_profile', '/stop_profile'],
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

/** The deny list for a rule: the product's routes of the given families, plus the finding's own path. */
export function denyRoutes(ctx: RemediationContext, families: RouteFamily[], includeFindingPath: boolean): DenyRoute[] {
  const product = ctx.product ?? 'fastapi';
  const table = ROUTE_FAMILIES[product] ?? ROUTE_FAMILIES['fastapi']!;
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
