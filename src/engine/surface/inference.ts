// Calling an inference route the way it wants, with one-token requests: the route's known shape first, then what each
// rejection teaches (a field it names, the bounds of a number, the values of an enum, the methods of a 405, the encoding of
// a 415), then, for a wrapper that names nothing, the other encodings people use (a form body, plain text, a GET query).
// At most MAX_SHAPE_ATTEMPTS requests per route and way of asking. Shared by every rule that needs proof that a request
// reached the model; the attempts are deterministic, so a rule asking again gets the scan's dedup cache.
import type { BodyEncoding, Exchange, FieldSpec, Probe, Route, Surface } from '../types.js';
import { quote } from '../untrusted.js';
import { type Answer, readAnswer } from './answer.js';
import { isPromptLike } from './body-shapes.js';
import type { ModelOutput } from './model-output.js';
import { type Lesson, learnFromRejection } from './rejection.js';
import { probeOf, type RouteRequest, requestFor } from './route-request.js';

/** "A handful" of tries per route: the known shape, what two or three rejections teach, and the other encodings. */
export const MAX_SHAPE_ATTEMPTS = 6;

export interface InferenceAttempt {
  /** The last exchange sent (the one with output when there is output). */
  exchange: Exchange;
  answer: Answer;
  output: ModelOutput | null;
  /** The route as the attempts left it: the shape the last request was built from (variants rebuild from it). */
  route: Route;
  /** The last request, as built. */
  request: RouteRequest;
  /** Every request of the attempts, in order (the last one included). */
  steps: Exchange[];
}

export interface InferenceOptions {
  prompt: string;
  credentials?: Probe['credentials'];
  headers?: Record<string, string>;
  /** Overrides the route's path (alternate spellings, suffixes). */
  path?: string;
  method?: string;
  host?: string;
  maxTokens?: number;
  stream?: boolean;
  purpose?: string;
  secrets?: string[];
  /** Follow what rejections teach (default). Off for a trick that must not change (a method switch) and for templates. */
  learn?: boolean;
}

export function routeKey(r: { method: string; path: string }): string {
  return `${r.method.toUpperCase()} ${r.path}`;
}

/** Field names a server's validator named: its own words, quoted. */
function fieldNames(names: string[]): string {
  return names.map((n) => quote(n, 40)).join(', ');
}

function describeSpec(spec: Partial<FieldSpec>): string {
  const parts: string[] = [];
  if (spec.minimum !== undefined) parts.push(`≥ ${spec.minimum}`);
  if (spec.maximum !== undefined) parts.push(`≤ ${spec.maximum}`);
  if (spec.enum?.length)
    parts.push(
      `one of ${spec.enum
        .slice(0, 4)
        .map((v) => quote(String(v), 40))
        .join(', ')}`,
    );
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * A route changed by what a rejection taught, with the reason in words, or null when it teaches nothing new. Only a wrapper
 * learns: a product's body is its API's, and a template is the user's word.
 */
export function applyLesson(route: Route, lesson: Lesson, status: number | null): { route: Route; why: string } | null {
  if ((route.shape ?? 'wrapper') !== 'wrapper') return null;
  const said = status === null ? 'the answer' : `the ${status} answer`;
  if (lesson.moved) return { route: { ...route, path: lesson.moved }, why: `${said} moved it to ${lesson.moved} (the same route with its trailing slash)` };
  if (lesson.allow?.length && !lesson.allow.includes(route.method.toUpperCase())) {
    const method = ['POST', 'GET', 'PUT', 'PATCH'].find((m) => lesson.allow!.includes(m));
    if (!method) return null;
    const encoding: BodyEncoding = method === 'GET' ? 'query' : route.encoding === 'query' ? 'json' : (route.encoding ?? 'json');
    return {
      route: { ...route, method, encoding },
      why: `${said} allows ${lesson.allow.join(', ')}: ${method}${method === 'GET' ? ' with the prompt in the query string' : ''}`,
    };
  }
  const next: Route = { ...route, fields: { ...(route.fields ?? {}) }, forbidden: [...(route.forbidden ?? [])] };
  const reasons: string[] = [];
  if (lesson.encoding && lesson.encoding !== (route.encoding ?? 'json') && route.encoding !== 'query') {
    next.encoding = lesson.encoding;
    reasons.push(`it asks for a ${lesson.encoding} body`);
  }
  const forbidden = lesson.forbidden.filter((f) => !next.forbidden!.includes(f));
  if (forbidden.length) {
    next.forbidden!.push(...forbidden);
    for (const f of forbidden) delete next.fields![f];
    // A validator that refuses unknown fields refuses the usual names too: send only what it names from now on.
    next.strict = true;
    if (next.promptField && forbidden.includes(next.promptField)) delete next.promptField;
    reasons.push(`it refused the extra field(s) ${fieldNames(forbidden)}: only the fields it names are sent`);
  }
  // A FastAPI endpoint's plain parameters are query parameters, whatever the method: when the prompt is one of them, the
  // whole request moves to the query string; any other query parameter (`?api-version=`) goes beside the body.
  const queryPrompt = lesson.fields.some((f) => f.where === 'query' && isPromptLike(f.name));
  for (const f of lesson.fields) {
    if (f.where === 'header') continue;
    if (f.where === 'query' && next.encoding !== 'query' && !queryPrompt) {
      const known = next.query?.[f.name];
      const merged: FieldSpec = { ...(known ?? {}), ...f.spec };
      if (!known || JSON.stringify(known) !== JSON.stringify(merged)) {
        next.query = { ...(next.query ?? {}), [f.name]: merged };
        reasons.push(`it wants ${quote(f.name, 40)} in the query string beside the body${describeSpec(f.spec)}`);
      }
      continue;
    }
    if (f.where === 'query' && next.encoding !== 'query') {
      next.encoding = 'query';
      reasons.push(`it wants ${quote(f.name, 40)} in the query string`);
    }
    const known = next.fields![f.name];
    const isPrompt = isPromptLike(f.name) && !['integer', 'number', 'object', 'boolean'].includes(f.spec.type ?? '') && f.spec.enum === undefined;
    // The first prompt-like field named is where the prompt goes; a second one (an `instruction` beside an `input`) is
    // an ordinary text field, which is filled with the prompt too.
    if (isPrompt && !next.promptField) {
      next.promptField = f.name;
      if (f.spec.type === 'array') next.fields![f.name] = { type: 'array' };
      reasons.push(`it named the prompt field ${quote(f.name, 40)}`);
      continue;
    }
    // The field taken for the prompt is an object: the prompt goes inside it, under a name the next answer will give.
    if (f.name === next.promptField && f.spec.type === 'object') {
      delete next.promptField;
      next.fields![f.name] = { type: 'object' };
      reasons.push(`it wants an object in ${quote(f.name, 40)}`);
      continue;
    }
    if (isPrompt && next.promptField === f.name) {
      if (f.spec.type !== 'array' || known?.type === 'array') continue;
      next.fields![f.name] = { type: 'array' };
      reasons.push(`it wants ${quote(f.name, 40)} as a list`);
      continue;
    }
    const merged: FieldSpec = { ...(known ?? {}), ...f.spec };
    if (!known || JSON.stringify(known) !== JSON.stringify(merged)) {
      next.fields![f.name] = merged;
      reasons.push(`it ${known ? 'bounded' : 'named the required field'} ${quote(f.name, 40)}${describeSpec(f.spec)}`);
    }
  }
  if (reasons.length === 0) return null;
  if (Object.keys(next.fields!).length === 0) delete next.fields;
  if (next.forbidden!.length === 0) delete next.forbidden;
  return { route: next, why: `${said}: ${reasons.join('; ')}` };
}

/** For a wrapper whose answers name nothing: the other encodings people write routes for, in the order they are common. */
function encodingFallbacks(route: Route): { encoding: BodyEncoding; method: string; why: string }[] {
  if ((route.shape ?? 'wrapper') !== 'wrapper' || route.exactSchema || route.encoding === 'query') return [];
  const out: { encoding: BodyEncoding; method: string; why: string }[] = [
    { encoding: 'form', method: route.method, why: 'no field was named: the prompt as a form body' },
    { encoding: 'text', method: route.method, why: 'no field was named: the prompt as a plain-text body' },
  ];
  if (route.method === 'POST') out.push({ encoding: 'query', method: 'GET', why: 'no field was named: a GET with the prompt in the query string' });
  return out.filter((f) => f.encoding !== (route.encoding ?? 'json'));
}

/** Why the first request of a route looks the way it does. */
function firstReason(route: Route): string {
  if (route.shape === 'template') return 'your request template';
  if ((route.shape ?? 'wrapper') !== 'wrapper') return `the ${route.shape} body of ${route.source.replace(/^profile:/, 'the ')} API`;
  const from = route.source === 'openapi' ? 'its OpenAPI schema' : route.source === 'learned-422' ? 'its validation errors' : 'what discovery learned';
  // A profile's field name is Gatecrash's own; one a server's schema or validator named is the server's words.
  const field = route.promptField && (route.source.startsWith('profile:') ? `'${route.promptField}'` : quote(route.promptField, 40));
  if (field) return `prompt field ${field} from ${route.exactSchema ? 'its OpenAPI schema' : from}`;
  return 'no field known: the prompt under every usual field name at once';
}

/**
 * Sends one-token requests to a route until one reaches the model, an auth layer refuses, or nothing more can be learned;
 * at most MAX_SHAPE_ATTEMPTS. `o.path`/`o.method`/`o.headers`/`o.host` apply a trick to every attempt.
 */
export async function probeInference(
  send: (p: Probe) => Promise<Exchange>,
  route: Route,
  surface: Pick<Surface, 'fingerprint' | 'signals'>,
  o: InferenceOptions,
): Promise<InferenceAttempt> {
  const learn = o.learn ?? route.shape !== 'template';
  let r: Route = { ...route, ...(o.path ? { path: o.path } : {}), ...(o.method ? { method: o.method } : {}) };
  let why = firstReason(route);
  // A trick holds what it sets: neither a 405 nor a fallback may change its method, nor a redirect its path.
  const fixedMethod = o.method !== undefined;
  const fixedPath = o.path !== undefined;
  const fallbacks = learn ? encodingFallbacks(r).filter((f) => !fixedMethod || f.method === r.method) : [];
  const unchanged = staticAnswer(route, surface);
  const steps: Exchange[] = [];
  const tried = new Set<string>();
  let last: InferenceAttempt | null = null;
  // The last attempt sent with the route's own method: what the route said, when a fallback's other method found nothing.
  let lastOwn: InferenceAttempt | null = null;
  for (let n = 1; n <= MAX_SHAPE_ATTEMPTS; n++) {
    const request = requestFor(r, surface, {
      prompt: o.prompt,
      ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
      ...(o.stream ? { stream: true } : {}),
    });
    const key = `${request.method} ${request.path}\n${request.contentType ?? ''}\n${request.body ?? ''}`;
    if (tried.has(key)) break;
    tried.add(key);
    const exchange = await send(
      probeOf(request, {
        purpose: o.purpose ?? `one-token inference on ${route.method} ${route.path}`,
        inference: true,
        attempt: { route: routeKey(route), n, why, tokens: request.tokens },
        ...(o.credentials ? { credentials: o.credentials } : {}),
        ...(o.headers ? { headers: o.headers } : {}),
        ...(o.host ? { host: o.host } : {}),
        ...(o.stream ? { stream: 'first-event' as const } : {}),
        ...(o.secrets ? { secrets: o.secrets } : {}),
      }),
    );
    steps.push(exchange);
    let answer = readAnswer(exchange, o.prompt);
    // Text in a field as likely to hold a status word, identical to what the route answered without a prompt, is static.
    if (answer.kind === 'model-output' && answer.output!.weak && unchanged !== null && unchanged === exchange.response!.body)
      answer = { kind: 'unreadable', status: answer.status };
    last = { exchange, answer, output: answer.kind === 'model-output' ? answer.output! : null, route: r, request, steps };
    if (r.method === route.method || fixedMethod) lastOwn = last;
    if (!learn || !['rejected-input', 'wrong-method', 'server-error', 'redirect'].includes(answer.kind) || (answer.status ?? 0) >= 502) break;
    const lesson = learnFromRejection(exchange);
    const held = { ...lesson, ...(fixedMethod ? { allow: undefined } : {}), ...(fixedPath ? { moved: undefined } : {}) };
    const taught = answer.kind === 'server-error' ? null : applyLesson(r, held, answer.status);
    const next = taught ?? (answer.kind === 'redirect' ? null : nextFallback(fallbacks, r));
    if (!next) break;
    r = next.route;
    why = next.why;
  }
  // A GET fallback's 404 says nothing of the POST route that rejected every body: report what the route itself answered.
  if (lastOwn && last !== lastOwn && (last!.answer.kind === 'not-routed' || last!.answer.kind === 'wrong-method')) return lastOwn;
  return last!;
}

/** The body discovery's prompt-less request to this route got back, when it was a 2xx (null otherwise). */
function staticAnswer(route: Route, surface: Pick<Surface, 'signals'>): string | null {
  const seen = surface.signals.all.find((ex) => route.evidence?.includes(ex.id) && ex.probe.attempt === undefined);
  const res = seen?.response;
  return res && res.status >= 200 && res.status < 300 ? res.body : null;
}

function nextFallback(fallbacks: ReturnType<typeof encodingFallbacks>, r: Route): { route: Route; why: string } | null {
  const f = fallbacks.shift();
  return f ? { route: { ...r, encoding: f.encoding, method: f.method }, why: f.why } : null;
}

/** The model and server in words, for descriptions: "Mistral inference endpoint (vLLM 0.9.2)". */
export function describeServer(surface: Surface): { family: string; server: string } {
  const fp = surface.fingerprint;
  const family = fp.modelFamily ? `${fp.modelFamily.charAt(0).toUpperCase() + fp.modelFamily.slice(1)} ` : '';
  // The version is the server's own statement: quoted.
  const name = fp.productName ? ` (${fp.productName}${fp.version ? ` ${quote(fp.version, 40)}` : ''})` : '';
  return { family, server: name };
}
