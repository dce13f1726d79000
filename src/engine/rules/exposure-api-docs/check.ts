// exposure.api-docs — interactive docs or the OpenAPI document reachable without credentials: a map of every route,
// including the ones the auth forgot. One finding for the family. The cheap phase already asked for `/openapi.json` and `/`
// (LiteLLM serves Swagger UI there); only when neither is docs are the usual docs paths asked for, once each.

import { isRecord, notServedHere, ok, okJson, readWithoutCredentials } from '../../probes/open-reads.js';
import type { Exchange } from '../../types.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

export type DocsKind = 'openapi' | 'swagger-ui' | 'redoc';

/** What a 2xx answer is: an OpenAPI/Swagger document, a Swagger UI page, a ReDoc page, or nothing of the kind. */
export function docsKind(ex: Exchange | undefined): DocsKind | null {
  if (!ok(ex)) return null;
  const json = okJson(ex);
  if (isRecord(json)) {
    const version = json['openapi'] ?? json['swagger'];
    return typeof version === 'string' && isRecord(json['paths']) ? 'openapi' : null;
  }
  const body = ex!.response!.body.slice(0, 64 * 1024);
  if (!/<html|<!doctype html/i.test(body)) return null;
  if (/SwaggerUIBundle|swagger-ui|<title>\s*Swagger UI/i.test(body)) return 'swagger-ui';
  if (/<redoc[\s>]|redoc\.standalone/i.test(body)) return 'redoc';
  return null;
}

/** Paths seen in the cheap phase first (free), then the usual docs locations of every known server. */
const CHEAP_DOCS = ['/openapi.json', '/api-doc/openapi.json', '/'];
/**
 * `/docs` and `/swagger/index.html` are where many stacks put their docs (FastAPI, swagger-ui-express, Swashbuckle, swaggo,
 * LocalAI), so they are always asked for. `/redoc` is FastAPI's, rendered from `/openapi.json`, and `/api-doc/openapi.json`
 * is TGI's, which always answers `/info`: each is skipped when its marker was not found.
 */
const USUAL_DOCS: { path: string; marker?: string }[] = [
  { path: '/docs' },
  { path: '/redoc', marker: '/openapi.json' },
  { path: '/api-doc/openapi.json', marker: '/info' },
  { path: '/swagger/index.html' },
];

/** Docs paths the identified server lists, or the usual ones when it lists none (or is unknown). */
function docsPathsToAsk(ctx: CheckContext): string[] {
  const listed = ctx.surface.routes
    .filter((r) => r.method === 'GET' && r.kind === 'docs' && /docs|redoc|openapi|swagger|api-doc/i.test(r.path))
    .map((r) => r.path);
  const paths = listed.length ? listed : USUAL_DOCS.filter((d) => !d.marker || !notServedHere(ctx, d.marker)).map((d) => d.path);
  return [...new Set(paths)].filter((p) => !ctx.surface.signals.byPath[p]);
}

const KIND_WORDS: Record<DocsKind, string> = { openapi: 'the OpenAPI document', 'swagger-ui': 'Swagger UI', redoc: 'ReDoc' };

export default defineCheck(family, {
  id: 'exposure-api-docs',
  depth: 'quick',
  async run(ctx) {
    let hits: { path: string; exchange: Exchange; kind: DocsKind }[] = [];
    for (const path of CHEAP_DOCS) {
      const exchange = ctx.surface.signals.byPath[path];
      const kind = exchange && exchange.probe.credentials !== 'user' ? docsKind(exchange) : null;
      if (kind) hits.push({ path, exchange: exchange!, kind });
    }
    if (hits.length === 0) {
      const paths = docsPathsToAsk(ctx);
      const answers = await Promise.all(paths.map((p) => readWithoutCredentials(ctx, p, `API docs exposure: GET ${p} without credentials`)));
      hits = paths
        .map((path, i) => ({ path, exchange: answers[i]!, kind: docsKind(answers[i]) }))
        .filter((h): h is { path: string; exchange: Exchange; kind: DocsKind } => h.kind !== null);
    }
    if (hits.length === 0) return [];
    const [main, ...others] = hits;
    const list = hits.map((h) => `GET ${h.path} → ${KIND_WORDS[h.kind]}`);
    const doc = hits.map((h) => okJson(h.exchange)).find((j) => isRecord(j) && isRecord(j['paths'])) as Record<string, Record<string, unknown>> | undefined;
    const routeCount = doc ? Object.keys(doc['paths']!).length : null;
    return [
      ctx.finding({
        rule: 'exposure.api-docs',
        confidence: 'confirmed',
        description:
          `API documentation is reachable without credentials (${list.join('; ')})` +
          (routeCount !== null ? `: it lists ${routeCount} route(s), a map for anyone looking for the one the auth forgot.` : '.'),
        exchange: main!.exchange,
        ...(others.length ? { extra: others.map((h) => h.exchange) } : {}),
        notes: list,
      }),
    ];
  },
});
