// Discovery: what exists, what it is, and which routes are guarded, learned without spending a token.
// Round 1: cheap GETs in parallel (three first; each product's own path only when those leave a product possible). Round 2
// (the only follow-up): an empty JSON body to each candidate inference route, which tells guarded (401/403) from open
// (400/422/2xx) and names required fields and headers.
import type { CredentialHeader, Exchange, Fingerprint, Probe, ProductId, Route, RouteSpec, ServerProfile, Signals, Surface, Target } from '../types.js';
import { ALL_PROFILES, cheapPhaseRounds, profileById } from '../profiles/index.js';
import { fingerprint, modelIdsFrom } from './fingerprint.js';
import { detectModelFamily } from './model-family.js';
import { routesFromOpenApi } from './openapi.js';
import { parseJson } from './model-output.js';
import { PROMPT_LIKE_FIELDS, validationProbeBody } from './body-shapes.js';
import { learnFrom422 } from './validation-errors.js';

export type Send = (probe: Probe) => Promise<Exchange>;

const OPENAPI_PATHS = ['/openapi.json', '/api-doc/openapi.json'];
/** More candidates than this would spend the budget on guessing; OpenAPI or a fingerprint narrows them first. */
const MAX_CANDIDATES = 14;

export function routeKey(r: { method: string; path: string }): string {
  return `${r.method.toUpperCase()} ${r.path}`;
}

export async function cheapPhase(target: Target, send: Send): Promise<Signals> {
  const givenPath = target.url.pathname + target.url.search;
  const { first, second } = cheapPhaseRounds();
  const ask = (paths: string[]) =>
    Promise.all(paths.map((path) => send({ method: 'GET', path, purpose: path === givenPath ? 'the URL as given' : `fingerprint: GET ${path}` })));
  const byPath: Record<string, Exchange> = {};
  const record = (exchanges: Exchange[]) => {
    for (const ex of exchanges) byPath[ex.probe.path] = ex;
    return exchanges;
  };
  const firstRound = record(await ask([...new Set([givenPath, ...first])]));
  const rest = second.filter((p) => !(p in byPath));
  if (secondRoundTellsNothing(first.map((p) => byPath[p]))) return { byPath, all: firstRound, notAsked: rest };
  return { byPath, all: [...firstRound, ...record(await ask(rest))] };
}

/**
 * The second round of the cheap phase would tell nothing new when every first-round path was answered 404 (no known
 * product is served here: cheapPhaseRounds), or when every one was refused with the very same 401/403 answer (the key
 * is checked before routing, so each product path would get that refusal too, and its shape is already known).
 */
function secondRoundTellsNothing(first: (Exchange | undefined)[]): boolean {
  const answers = first.map((ex) => ex?.response);
  if (answers.some((r) => r === undefined)) return false;
  if (answers.every((r) => r!.status === 404)) return true;
  const [one] = answers;
  return (one!.status === 401 || one!.status === 403) && answers.every((r) => r!.status === one!.status && r!.body === one!.body);
}

/** The profiles whose routes are worth trying: the identified product, or the generic families when unsure. */
function profilesToTry(fp: Fingerprint): ServerProfile[] {
  if (fp.product !== 'unknown' && fp.confidence >= 0.5) {
    const p = profileById(fp.product);
    // A wrapper's own routes are unknown; it often fronts an OpenAI-style API too.
    if (fp.product === 'fastapi') return [p, profileById('openai-compatible')];
    return [p];
  }
  return [profileById('openai-compatible'), profileById('fastapi')];
}

function specToRoute(spec: RouteSpec, prefix: string, source: string, models: string[]): Route {
  const model = models[0] ?? 'model';
  const path = prefix + spec.path.replace('{model}', encodeURIComponent(model)).replace('{version}', '1');
  return { ...spec, path, source, access: 'unknown' };
}

function givenUrlRoute(target: Target, profiles: ServerProfile[]): Route | null {
  const path = target.url.pathname;
  if (path === '/' || path === '') return null;
  for (const p of ALL_PROFILES) {
    for (const spec of [...p.metadataRoutes, ...p.managementRoutes]) if (spec.path === path) return null;
  }
  for (const p of profiles) {
    for (const spec of p.inferenceRoutes) {
      if (path.endsWith(spec.path)) return { ...spec, path: path + target.url.search, source: 'given-url', access: 'unknown' };
    }
  }
  return { method: 'POST', path: path + target.url.search, kind: 'inference', shape: 'wrapper', source: 'given-url', access: 'unknown' };
}

/** What a prompt-less POST says about a route. A 500 is the handler failing: it was reached, so nothing guarded it. */
function classifyValidationProbe(ex: Exchange): { access: Route['access']; exists: boolean } {
  const s = ex.response?.status;
  if (s === undefined) return { access: 'unknown', exists: true };
  if (s === 401 || s === 403 || s === 407) return { access: 'guarded', exists: true };
  if (s === 404 || s === 405 || s === 501) return { access: 'unknown', exists: false };
  if (s === 422 && learnFrom422(ex.response!.body).headers.length) return { access: 'guarded', exists: true };
  if (s <= 500) return { access: 'open', exists: true };
  return { access: 'unknown', exists: true };
}

/** For servers that check the key before routing, a body-less GET: 401/403 guarded; any routing answer means auth let it by. */
function classifyPreRoutingGet(ex: Exchange): { access: Route['access']; exists: boolean } {
  const s = ex.response?.status;
  if (s === undefined || s >= 502) return { access: 'unknown', exists: true };
  if (s === 401 || s === 403 || s === 407) return { access: 'guarded', exists: true };
  return { access: 'open', exists: true };
}

function headerCredential(name: string, source: string): CredentialHeader {
  return { name, scheme: name.toLowerCase() === 'authorization' ? 'Bearer' : null, source };
}

/** CHECKS.md Principle 5: the user's credentials, OpenAPI, FastAPI's 422, WWW-Authenticate, the profile, the common names. */
function learnCredentialHeader(target: Target, openapiCred: CredentialHeader | null, learned422: string[], exchanges: Exchange[], fp: Fingerprint): CredentialHeader {
  const userHeader = Object.keys(target.credentials)[0];
  if (userHeader) {
    const value = target.credentials[userHeader] ?? '';
    return { name: userHeader, scheme: /^bearer\s/i.test(value) ? 'Bearer' : null, source: 'user' };
  }
  if (openapiCred) return openapiCred;
  if (learned422[0]) return headerCredential(learned422[0], 'fastapi-422');
  for (const ex of exchanges) {
    const wa = ex.response?.headers['www-authenticate'];
    if (wa) return { name: 'Authorization', scheme: /^bearer/i.test(wa) ? 'Bearer' : null, source: 'www-authenticate' };
  }
  if (fp.product !== 'unknown') {
    const auth = profileById(fp.product).auth;
    if (auth.headers[0]) return { name: auth.headers[0], scheme: auth.scheme, source: 'profile' };
  }
  return { name: 'Authorization', scheme: 'Bearer', source: 'default' };
}

/**
 * Every fingerprint GET was refused by an auth layer (401/403/407; none found, none missing): the key is checked before
 * routing on every path, so a guessed route would be refused whether or not it exists. Guessing then teaches nothing.
 */
function refusesEveryPath(signals: Signals, givenPath: string): boolean {
  const others = signals.all.filter((ex) => ex.probe.path !== givenPath);
  return others.length > 0 && others.every((ex) => [401, 403, 407].includes(ex.response?.status ?? 0));
}

export interface DiscoverOptions {
  hint?: ProductId;
}

/** Where servers list their models (fingerprint.ts modelIdsFrom reads these paths). */
export const MODEL_LIST_PATHS = ['/v1/models', '/models', '/info', '/api/tags', '/api/v0/models', '/v2/models/stats', '/get_model_info', '/v1/internal/model/info'];

/**
 * Authenticated mode: when the model list is refused without credentials, ask for it again with the user's (a guarded
 * server names its models only to a caller with a key, and inference bodies need the name). The answers stay out of
 * `signals`, which record what is readable without credentials and feed the exposure rules.
 */
async function modelsWithUserCredentials(target: Target, send: Send, signals: Signals): Promise<string[]> {
  if (Object.keys(target.credentials).length === 0) return [];
  const refused = MODEL_LIST_PATHS.filter((p) => [401, 403].includes(signals.byPath[p]?.response?.status ?? 0));
  if (refused.length === 0) return [];
  const exchanges = await Promise.all(refused.map((path) => send({ method: 'GET', path, credentials: 'user', purpose: `discovery: GET ${path} with your credentials (the model list is guarded)` })));
  const byPath: Record<string, Exchange> = {};
  for (const ex of exchanges) byPath[ex.probe.path] = ex;
  return modelIdsFrom({ byPath, all: exchanges });
}

function withModels(fp: Fingerprint, models: string[]): Fingerprint {
  if (fp.models.length > 0 || models.length === 0) return fp;
  return { ...fp, models, modelFamily: fp.modelFamily ?? detectModelFamily({ modelIds: models, chatTemplate: null }) };
}

export async function discoverSurface(target: Target, send: Send, opts: DiscoverOptions = {}): Promise<Surface> {
  const signals = await cheapPhase(target, send);
  let fp = fingerprint(signals, opts.hint);
  const userModels = fp.models.length ? [] : await modelsWithUserCredentials(target, send, signals);
  fp = withModels(fp, userModels);

  const openapiEx = OPENAPI_PATHS.map((p) => signals.byPath[p]).find((ex) => ex?.response?.status === 200);
  const openapi = openapiEx ? parseJson(openapiEx.response!.body) : undefined;
  const fromOpenApi = openapi ? routesFromOpenApi(openapi) : null;

  const profiles = profilesToTry(fp);
  const candidates = new Map<string, Route>();
  const add = (r: Route) => {
    const k = routeKey(r);
    if (!candidates.has(k)) candidates.set(k, r);
  };
  const given = givenUrlRoute(target, profiles);
  if (given) add(given);
  // A route a profile knows as a tokenizer or template renderer stays that, whatever prompt-like field its schema has.
  const knownNonInference = new Set(ALL_PROFILES.flatMap((p) => p.metadataRoutes.filter((m) => m.method === 'POST').map(routeKey)));
  for (const r of fromOpenApi?.routes ?? []) if (r.kind === 'inference' && !knownNonInference.has(routeKey(r))) add(r);
  // With an OpenAPI document for a plain wrapper, the document is the truth: no guessing of other routes. Nor when the user
  // named a route on a server that is not a known product (a wrapper, or unidentified) and that refuses every path before
  // routing: a guessed route's 401 would not say that it exists. A product's own routes do exist, so they are still tried.
  const trustOpenApi = fromOpenApi && fp.product === 'fastapi' && fromOpenApi.routes.some((r) => r.kind === 'inference');
  const wrapperOrUnknown = fp.product === 'unknown' || fp.product === 'fastapi' || fp.confidence < 0.5;
  const blind = given !== null && wrapperOrUnknown && refusesEveryPath(signals, target.url.pathname + target.url.search);
  if (!trustOpenApi && !blind) {
    const prefixes = target.basePath ? [target.basePath, ''] : [''];
    for (const prefix of prefixes) {
      for (const p of profiles) for (const spec of p.inferenceRoutes) add(specToRoute(spec, prefix, `profile:${p.id}`, fp.models));
    }
  }
  // A profile's shape beats OpenAPI's generic 'wrapper' reading of the same path.
  for (const p of profiles) {
    for (const spec of p.inferenceRoutes) {
      const r = candidates.get(routeKey(spec));
      if (r && r.source === 'openapi' && spec.shape) Object.assign(r, { shape: spec.shape, promptField: spec.promptField });
    }
  }
  const inference = [...candidates.values()].slice(0, MAX_CANDIDATES);

  // How to learn each route's access without running the model: the server may say so itself (KoboldCpp), a server that
  // checks keys before routing answers a body-less GET, anything else gets a prompt-less body capped at one token.
  const product = fp.product !== 'unknown' && fp.confidence >= 0.5 ? profileById(fp.product) : null;
  const stated = product?.accessFromSignals?.(signals) ?? null;
  const probeWithGet = Boolean(product?.auth.checksBeforeRouting);
  const probed = stated ? [] : inference;
  const followUps = await Promise.all(
    probed.map((r) =>
      probeWithGet
        ? send({ method: 'GET', path: r.path, purpose: `discovery: GET ${r.path} (the key is checked before routing: 401 when guarded)` })
        : send({ method: r.method, path: r.path, body: JSON.stringify(validationProbeBody(r.shape)), purpose: `discovery: prompt-less body to ${r.method} ${r.path} (guarded or open, required fields)` }),
    ),
  );
  const learnedHeaders: string[] = [...(fromOpenApi?.requiredHeaders ?? [])];
  const routes: Route[] = [];
  if (stated) for (const route of inference) routes.push({ ...route, access: stated });
  probed.forEach((route, i) => {
    const ex = followUps[i]!;
    const { access, exists } = probeWithGet ? classifyPreRoutingGet(ex) : classifyValidationProbe(ex);
    if (!exists && route.source !== 'given-url') return;
    const r: Route = { ...route, access: exists ? access : 'unknown', evidence: [ex.id] };
    if (ex.response?.status === 422) {
      const learned = learnFrom422(ex.response.body);
      learnedHeaders.push(...learned.headers);
      if (r.shape === 'wrapper' && learned.bodyFields.length) {
        const prompt = learned.bodyFields.find((f) => PROMPT_LIKE_FIELDS.includes(f.toLowerCase()));
        r.promptField = r.promptField ?? prompt ?? learned.bodyFields[0];
        const fields: NonNullable<Route['fields']> = { ...(r.fields ?? {}) };
        for (const f of learned.bodyFields) if (f !== r.promptField && !(f in fields)) fields[f] = 'string';
        if (Object.keys(fields).length) r.fields = fields;
        r.source = r.source === 'given-url' ? r.source : 'learned-422';
      }
    }
    routes.push(r);
  });

  // Error shapes of the follow-ups are fingerprints too (a 401 with an empty body is TGI's).
  const enriched: Signals = { ...signals, all: [...signals.all, ...followUps] };
  fp = withModels(fingerprint(enriched, opts.hint), userModels);

  for (const p of fp.product !== 'unknown' ? [profileById(fp.product)] : []) {
    for (const spec of [...p.metadataRoutes, ...p.managementRoutes]) {
      const r = specToRoute(spec, '', `profile:${p.id}`, fp.models);
      const seen = signals.byPath[r.path];
      const s = seen?.response?.status;
      const access: Route['access'] = s === undefined || spec.method !== 'GET' ? 'unknown' : s === 401 || s === 403 ? 'guarded' : s < 300 ? 'open' : 'unknown';
      if (!routes.some((x) => routeKey(x) === routeKey(r))) routes.push({ ...r, access, ...(seen ? { evidence: [seen.id] } : {}) });
    }
  }
  for (const r of fromOpenApi?.routes ?? []) if (r.kind !== 'inference' && !routes.some((x) => routeKey(x) === routeKey(r))) routes.push(r);

  return {
    target: { url: target.url.href, origin: target.origin, basePath: target.basePath },
    fingerprint: fp,
    routes,
    credentialHeader: learnCredentialHeader(target, fromOpenApi?.credentialHeader ?? null, learnedHeaders, enriched.all, fp),
    ...(openapi !== undefined && openapi !== null ? { openapi } : {}),
    signals: enriched,
  };
}
