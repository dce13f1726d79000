// Discovery: what exists, what it is, and which routes are guarded, learned without spending a token.
// Round 1: cheap GETs in parallel (three first; each product's own path only when those leave a product possible). Round 2:
// a prompt-less request to each candidate inference route, with the route's own method and encoding, which tells guarded
// (refused) from reachable (validated, routed) and teaches the request the route wants (its fields, their bounds, the
// methods a 405 allows); a route that answered 405 gets the same request once more with a method it allows.

import { COMMON_WRAPPER_PATHS } from '../profiles/common.js';
import { ALL_PROFILES, cheapPhaseRounds, isFramework, MODEL_LIST_PATHS, profileById, profileSpecificity } from '../profiles/index.js';
import type {
  CredentialHeader,
  Exchange,
  Fingerprint,
  Probe,
  ProductId,
  RequestTemplate,
  Route,
  RouteSpec,
  ServerProfile,
  Signals,
  Surface,
  Target,
} from '../types.js';
import { type Answer, readAnswer } from './answer.js';
import { isPromptLike } from './body-shapes.js';
import { fingerprint, modelIdsFrom } from './fingerprint.js';
import { applyLesson, routeKey } from './inference.js';
import { parseJson } from './json.js';
import { detectModelFamily } from './model-family.js';
import { hasPathTemplate, pathFitsTemplate, routesFromOpenApi } from './openapi.js';
import { learnFromRejection, missingHeaders } from './rejection.js';
import { probeOf, promptlessRequestFor } from './route-request.js';

export { routeKey };

export type Send = (probe: Probe) => Promise<Exchange>;

const OPENAPI_PATHS = ['/openapi.json', '/api-doc/openapi.json'];
/**
 * The first round names a server this surely only from markers that product alone writes (llama.cpp's 401 body, its
 * `owned_by: "llamacpp"`): then the other products' own paths could not change the answer, and only the paths the named
 * server serves are asked.
 */
const NAMED_BY_FIRST_ROUND = 0.95;
/** More candidates than this would spend the budget on guessing; OpenAPI or a fingerprint narrows them first. */
const MAX_CANDIDATES = 20;

export async function cheapPhase(target: Target, send: Send): Promise<Signals> {
  const givenPath = target.url.pathname + target.url.search;
  const { first, second, whenRefused } = cheapPhaseRounds();
  const ask = (paths: string[]) =>
    Promise.all(paths.map((path) => send({ method: 'GET', path, purpose: path === givenPath ? 'the URL as given' : `fingerprint: GET ${path}` })));
  const byPath: Record<string, Exchange> = {};
  const record = (exchanges: Exchange[]) => {
    for (const ex of exchanges) byPath[ex.probe.path] = ex;
    return exchanges;
  };
  const firstRound = record(await ask([...new Set([givenPath, ...first])]));
  const rest = second.filter((p) => !(p in byPath));
  const skip = secondRoundSkipped(first.map((p) => byPath[p]));
  if (skip === 'not-found') return { byPath, all: firstRound, notAsked: rest };
  if (skip === 'refused-alike') {
    // A server that refuses every path may still leave a few open (its skip list): they tell such servers apart.
    const open = whenRefused.filter((p) => !(p in byPath));
    const also = open.length ? record(await ask(open)) : [];
    return { byPath, all: [...firstRound, ...also], notAsked: rest.filter((p) => !open.includes(p)) };
  }
  const named = namedByFirstRound({ byPath, all: firstRound });
  if (named) {
    const own = rest.filter((p) => serves(named, p));
    return { byPath, all: [...firstRound, ...record(await ask(own))], notAsked: rest.filter((p) => !own.includes(p)) };
  }
  return { byPath, all: [...firstRound, ...record(await ask(rest))] };
}

/**
 * Whether the profile says its server answers a GET of `path`: one of its own fingerprint paths, a place it lists models,
 * or one of its routes (TabbyAPI serves llama.cpp's `/props` too).
 */
function serves(profile: ServerProfile, path: string): boolean {
  const routes = [...profile.metadataRoutes, ...profile.managementRoutes, ...profile.inferenceRoutes];
  return (
    Boolean(profile.cheapPhase?.second?.includes(path)) ||
    Boolean(profile.modelSources?.some((s) => s.path === path)) ||
    routes.some((r) => r.method === 'GET' && r.path === path)
  );
}

/**
 * The product the first round alone names beyond doubt, or null. A gateway (LiteLLM) is never such an answer: it fronts
 * other servers, whose own paths are worth asking; nor is a web framework, which any of those servers may be built on.
 */
function namedByFirstRound(signals: Signals): ServerProfile | null {
  const fp = fingerprint(signals);
  if (fp.product === 'unknown' || fp.confidence < NAMED_BY_FIRST_ROUND) return null;
  return profileSpecificity(fp.product) === 2 ? profileById(fp.product) : null;
}

/**
 * The second round of the cheap phase would tell nothing new when every first-round path was answered 404 (no known
 * product is served here: cheapPhaseRounds), or when every one was refused with the very same 401/403 answer (the key
 * is checked before routing, so each product path would get that refusal too, and its shape is already known). Refused
 * alike, only the profiles' `whenRefused` paths are asked: the few a server leaves open while it refuses every other one.
 */
function secondRoundSkipped(first: (Exchange | undefined)[]): 'not-found' | 'refused-alike' | null {
  const answers = first.map((ex) => ex?.response);
  if (answers.some((r) => r === undefined)) return null;
  if (answers.every((r) => r!.status === 404)) return 'not-found';
  const [one] = answers;
  const alike = (one!.status === 401 || one!.status === 403) && answers.every((r) => r!.status === one!.status && r!.body === one!.body);
  return alike ? 'refused-alike' : null;
}

/** The profiles whose routes are worth trying: the identified product, or the generic families when unsure. */
function profilesToTry(fp: Fingerprint): ServerProfile[] {
  if (fp.product !== 'unknown' && fp.confidence >= 0.5) {
    const p = profileById(fp.product);
    // A wrapper's own routes are unknown; it often fronts an OpenAI-style API too.
    if (isFramework(fp.product)) return [p, profileById('openai-compatible')];
    return [p];
  }
  return [profileById('openai-compatible'), profileById('fastapi')];
}

function specToRoute(spec: RouteSpec, prefix: string, source: string, models: string[]): Route {
  const model = models[0] ?? 'model';
  const path = prefix + spec.path.replace('{model}', encodeURIComponent(model)).replace('{version}', '1');
  return { ...spec, path, source, access: 'unknown' };
}

/**
 * The given URL names a base rather than a route: the origin, or a path ending in '/' where nothing answers (a prefix such
 * as `/llm/`). A path ending in '/' that something answers (Django's `/api/ask/` with a 405) is a route.
 */
function namesBase(target: Target, signals: Signals): boolean {
  const path = target.url.pathname;
  if (path === '/' || path === '') return true;
  if (!path.endsWith('/')) return false;
  const kind = readAnswer(signals.byPath[path + target.url.search]).kind;
  return kind === 'not-routed' || kind === 'no-answer';
}

/**
 * The route the user named, the way it takes its request. A product route keeps its API's shape; anything else is a
 * wrapper's route: a GET when its query string carries a prompt-like parameter or when the cheap GET of it was answered by
 * the route itself (a validation error about its query, or model output), a POST otherwise (a 405 to that POST teaches).
 */
function givenUrlRoute(target: Target, profiles: ServerProfile[], signals: Signals): Route | null {
  if (namesBase(target, signals)) return null;
  const path = target.url.pathname;
  for (const p of ALL_PROFILES) {
    for (const spec of [...p.metadataRoutes, ...p.managementRoutes]) if (spec.path === path) return null;
  }
  for (const p of profiles) {
    for (const spec of p.inferenceRoutes) {
      if (path.endsWith(spec.path)) return { ...spec, path: path + target.url.search, source: 'given-url', access: 'unknown' };
    }
  }
  const route: Route = { method: 'POST', path: path + target.url.search, kind: 'inference', shape: 'wrapper', source: 'given-url', access: 'unknown' };
  const queryPrompt = [...target.url.searchParams.keys()].find(isPromptLike);
  if (queryPrompt) return { ...route, method: 'GET', encoding: 'query', promptField: queryPrompt };
  const seen = signals.byPath[path + target.url.search];
  const answer = readAnswer(seen);
  const taught =
    seen && answer.kind === 'rejected-input' ? applyLesson({ ...route, method: 'GET', encoding: 'query' }, learnFromRejection(seen), answer.status) : null;
  if (taught && taught.route.encoding === 'query' && taught.route.promptField) return { ...taught.route, method: 'GET' };
  if (answer.kind === 'model-output') return { ...route, method: 'GET', encoding: 'query' };
  return route;
}

/** The user's explicit request template as the route every prompt goes to (it is used as given, never probed prompt-less). */
function templateRoute(template: RequestTemplate): Route {
  const path = template.path.split('?')[0]!.replace(/\{\{[a-z_]+\}\}/g, '');
  return { method: template.method, path: path || '/', kind: 'inference', shape: 'template', template, source: 'template', access: 'unknown' };
}

/** What a prompt-less request says about a route, read through the one definition of an answer. */
function classify(answer: Answer, route: Route): { access: Route['access']; exists: boolean } {
  switch (answer.kind) {
    case 'refused':
      return { access: 'guarded', exists: true };
    case 'not-routed':
      return { access: 'unknown', exists: false };
    case 'wrong-method':
      return { access: 'unknown', exists: route.source === 'given-url' };
    case 'rejected-input':
    case 'model-output':
    case 'handler':
    case 'unreadable':
      return { access: 'open', exists: true };
    case 'server-error':
      // A 500 is the handler failing on the missing prompt: it was reached, so nothing guarded it. A 502-504 is a proxy.
      return { access: answer.status === 500 ? 'open' : 'unknown', exists: true };
    case 'redirect':
    case 'rate-limited':
    case 'no-answer':
      return { access: 'unknown', exists: true };
  }
}

/** For servers that check the key before routing, a body-less GET: refused when guarded; any routing answer means auth let it by. */
function classifyPreRoutingGet(answer: Answer): { access: Route['access']; exists: boolean } {
  if (answer.kind === 'refused') return { access: 'guarded', exists: true };
  if (answer.kind === 'no-answer' || (answer.status ?? 0) >= 502) return { access: 'unknown', exists: true };
  return { access: 'open', exists: true };
}

function headerCredential(name: string, source: string): CredentialHeader {
  return { name, scheme: name.toLowerCase() === 'authorization' ? 'Bearer' : null, source };
}

/**
 * Where the credential header's name comes from, most trusted first: the user's credentials, OpenAPI, FastAPI's 422,
 * WWW-Authenticate, the profile, the common names.
 */
function learnCredentialHeader(
  target: Target,
  openapiCred: CredentialHeader | null,
  learned422: string[],
  exchanges: Exchange[],
  fp: Fingerprint,
): CredentialHeader {
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
  /** The user's explicit request (`--request`): the route every prompt goes to. */
  template?: RequestTemplate;
}

export { MODEL_LIST_PATHS };

/**
 * Authenticated mode: when the model list is refused without credentials, ask for it again with the user's (a guarded
 * server names its models only to a caller with a key, and inference bodies need the name). The answers stay out of
 * `signals`, which record what is readable without credentials and feed the exposure rules.
 */
async function modelsWithUserCredentials(target: Target, send: Send, signals: Signals): Promise<string[]> {
  if (Object.keys(target.credentials).length === 0) return [];
  const refused = MODEL_LIST_PATHS.filter((p) => [401, 403].includes(signals.byPath[p]?.response?.status ?? 0));
  if (refused.length === 0) return [];
  const exchanges = await Promise.all(
    refused.map((path) =>
      send({ method: 'GET', path, credentials: 'user', purpose: `discovery: GET ${path} with your credentials (the model list is guarded)` }),
    ),
  );
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
  const template = opts.template ? templateRoute(opts.template) : null;
  if (template) add(template);
  // A route a profile knows as a tokenizer or template renderer stays that, whatever prompt-like field its schema has.
  const knownNonInference = new Set(ALL_PROFILES.flatMap((p) => p.metadataRoutes.filter((m) => m.method === 'POST').map(routeKey)));
  const openApiInference = (fromOpenApi?.routes ?? []).filter((r) => r.kind === 'inference' && !knownNonInference.has(routeKey(r)));
  const named = givenUrlRoute(target, profiles, signals);
  // The document knows the named route better than any guess: its method, encoding and fields.
  const documented = named?.shape === 'wrapper' ? openApiInference.find((r) => pathFitsTemplate(r.path, named.path.split('?')[0]!)) : undefined;
  const given = documented ? { ...documented, path: named!.path, source: 'given-url' } : named;
  if (given) add(given);
  // A documented path with `{parameters}` names no request until a value is known (the given URL's, above).
  for (const r of openApiInference) if (r !== documented && !hasPathTemplate(r.path)) add(r);
  // With an OpenAPI document for a plain wrapper, the document is the truth: no guessing of other routes. Nor when the user
  // named a route on a server that is not a known product (a wrapper, or unidentified) and that refuses every path before
  // routing: a guessed route's 401 would not say that it exists. A product's own routes do exist, so they are still tried.
  const trustOpenApi = fromOpenApi && isFramework(fp.product) && fromOpenApi.routes.some((r) => r.kind === 'inference');
  const wrapperOrUnknown = fp.product === 'unknown' || isFramework(fp.product) || fp.confidence < 0.5;
  // A server that refused every path before routing still gets its guessed routes asked: a refusal there says nothing
  // and is dropped, but a route registered before the auth middleware answers otherwise.
  const blind = wrapperOrUnknown && refusesEveryPath(signals, target.url.pathname + target.url.search);
  const prefixes = target.basePath ? [target.basePath, ''] : [''];
  if (!trustOpenApi) {
    for (const prefix of prefixes) {
      for (const p of profiles) for (const spec of p.inferenceRoutes) add(specToRoute(spec, prefix, `profile:${p.id}`, fp.models));
    }
  }
  // A base URL of a server no profile names: the paths wrappers usually take, under the URL's own prefix.
  const guessed: string[] = [];
  const guessUnder = (base: string): Route[] =>
    // The base itself first: a wrapper whose one route is `POST /` (or the root of its prefix).
    [base.endsWith('/') ? base : `${base}/`, ...COMMON_WRAPPER_PATHS.map((p) => base.replace(/\/+$/, '') + p)].map((path) => {
      const r: Route = { method: 'POST', path, kind: 'inference', shape: 'wrapper', source: 'common-path', access: 'unknown' };
      if (!candidates.has(routeKey(r))) guessed.push(r.path);
      return r;
    });
  const mayGuess = wrapperOrUnknown && !trustOpenApi && !template;
  if (namesBase(target, signals) && mayGuess) for (const r of guessUnder(target.basePath)) add(r);
  // A profile's shape beats OpenAPI's generic 'wrapper' reading of the same path.
  for (const p of profiles) {
    for (const spec of p.inferenceRoutes) {
      const r = candidates.get(routeKey(spec));
      if (r && r.source === 'openapi' && spec.shape) Object.assign(r, { shape: spec.shape, promptField: spec.promptField, exactSchema: false });
    }
  }
  const inference = [...candidates.values()].slice(0, MAX_CANDIDATES);

  // How to learn each route's access without running the model: the server may say so itself (KoboldCpp), a server that
  // checks keys before routing answers a body-less GET, anything else gets its request without a prompt, limits at one token.
  const product = fp.product !== 'unknown' && fp.confidence >= 0.5 ? profileById(fp.product) : null;
  const stated = product?.accessFromSignals?.(signals) ?? null;
  const beforeRouting = product?.auth.checksBeforeRouting;
  const probeWithGet = typeof beforeRouting === 'function' ? beforeRouting(signals) : Boolean(beforeRouting);
  const learnedHeaders: string[] = [...(fromOpenApi?.requiredHeaders ?? [])];
  const routes: Route[] = [];
  const followUps: Exchange[] = [];
  let givenUnrouted = false;
  const promptless = (route: Route, why: string) =>
    send(probeOf(promptlessRequestFor(route), { purpose: `discovery: ${why} ${route.method} ${route.path} (guarded or open, the request it wants)` }));
  const probeRoute = async (route: Route): Promise<void> => {
    if (route.source === 'template') {
      routes.push(route);
      return;
    }
    if (stated) {
      routes.push({ ...route, access: stated });
      return;
    }
    if (probeWithGet) {
      const ex = await send({ method: 'GET', path: route.path, purpose: `discovery: GET ${route.path} (the key is checked before routing: 401 when guarded)` });
      followUps.push(ex);
      routes.push({ ...route, access: classifyPreRoutingGet(readAnswer(ex)).access, evidence: [ex.id] });
      return;
    }
    let r = route;
    let ex = await promptless(r, 'prompt-less request to');
    followUps.push(ex);
    let answer = readAnswer(ex);
    // A 405 names the methods the route takes, a redirect to the path with its trailing slash names the route's own
    // spelling: one more prompt-less request there.
    const other = answer.kind === 'wrong-method' || answer.kind === 'redirect' ? applyLesson(r, learnFromRejection(ex), answer.status) : null;
    if (other) {
      r = other.route;
      ex = await promptless(r, `prompt-less request (${other.why}) to`);
      followUps.push(ex);
      answer = readAnswer(ex);
    }
    const { access, exists } = classify(answer, r);
    if (r.source === 'given-url' && answer.kind === 'not-routed') givenUnrouted = true;
    if (!exists && r.source !== 'given-url') return;
    // A guessed path answered with a whole web page: a static site or a single-page app's catch-all, not an API route.
    if (isGuess(r, fp) && isWebPage(ex)) return;
    // On a server that refuses every path, a refused guess may not exist at all. With the user's key, the same prompt-less
    // request says whether it does (still no prompt, limits at one token); without it, only guesses that answered stay.
    if (blind && access === 'guarded' && isGuess(r, fp)) {
      if (Object.keys(target.credentials).length === 0) return;
      const keyed = await send(
        probeOf(promptlessRequestFor(r), {
          credentials: 'user',
          purpose: `discovery: does ${r.method} ${r.path} exist? (the same prompt-less request with your credentials)`,
        }),
      );
      const there = readAnswer(keyed).kind;
      if (there === 'not-routed' || there === 'refused' || there === 'no-answer') return;
    }
    learnedHeaders.push(...missingHeaders(ex));
    const taught = answer.kind === 'rejected-input' ? applyLesson(r, learnFromRejection(ex), answer.status) : null;
    routes.push({
      ...(taught?.route ?? r),
      access: exists ? access : 'unknown',
      evidence: followUps.filter((f) => f.probe.path.split('?')[0] === r.path.split('?')[0]).map((f) => f.id),
    });
  };
  await Promise.all(inference.map(probeRoute));
  // Nothing is routed at the URL given, for GET or POST: it is a base without its trailing slash (a mount point, a
  // blueprint's prefix). The usual wrapper paths under it, prompt-less; the URL itself is no route when one answers there.
  if (givenUnrouted && given && mayGuess) {
    const under = guessUnder(given.path.split('?')[0]!).filter((r) => !candidates.has(routeKey(r)));
    for (const r of under) add(r);
    const before = routes.length;
    await Promise.all(under.map(probeRoute));
    const at = routes.findIndex((r) => r.source === 'given-url');
    if (routes.length > before && at !== -1) routes.splice(at, 1);
  }
  // Keep discovery's order (the template and the given URL first), whatever order the answers came in.
  routes.sort((a, b) => order(inference, a) - order(inference, b));

  // Error shapes of the follow-ups are fingerprints too (a 401 with an empty body is TGI's).
  const enriched: Signals = { ...signals, all: [...signals.all, ...followUps] };
  fp = withModels(fingerprint(enriched, opts.hint), userModels);

  for (const p of fp.product !== 'unknown' ? [profileById(fp.product)] : []) {
    for (const spec of [...p.metadataRoutes, ...p.managementRoutes]) {
      const r = specToRoute(spec, '', `profile:${p.id}`, fp.models);
      const seen = signals.byPath[r.path];
      const a = readAnswer(seen);
      const access: Route['access'] =
        spec.method !== 'GET' ? 'unknown' : a.kind === 'refused' ? 'guarded' : a.status !== null && a.status < 300 ? 'open' : 'unknown';
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
    guessed,
  };
}

/** A 2xx answer that is a whole HTML document (what a static site or an app's catch-all serves for any path and method). */
function isWebPage(ex: Exchange): boolean {
  const status = ex.response?.status ?? 0;
  return status >= 200 && status < 300 && /^\s*(<!doctype html|<html[\s>])/i.test(ex.response!.body);
}

/**
 * A route tried because servers often have it, not because the user, a document or the named product's own API named
 * it: the usual wrapper paths, a framework's usual routes, the routes of a product the fingerprint did not name.
 */
function isGuess(r: Route, fp: Fingerprint): boolean {
  if (r.source === 'common-path') return true;
  if (!r.source.startsWith('profile:')) return false;
  const id = r.source.slice('profile:'.length);
  return id !== fp.product || profileById(id)?.kind === 'framework';
}

/** Where a route (possibly re-shaped by what it taught) stood among the candidates, matched on its path. */
function order(candidates: Route[], r: Route): number {
  const i = candidates.findIndex((c) => c.path.split('?')[0] === r.path.split('?')[0]);
  return i === -1 ? candidates.length : i;
}
