import { readAnswer } from './answer.js';
import { isPromptLike } from './body-shapes.js';
import { learnFromRejection } from './rejection.js';
import { probeOf, requestFor } from './route-request.js';
/** "A handful" of tries per route: the known shape, what two or three rejections teach, and the other encodings. */
export const MAX_SHAPE_ATTEMPTS = 6;
export function routeKey(r) {
    return `${r.method.toUpperCase()} ${r.path}`;
}
function quote(names) {
    return names.map((n) => `'${n}'`).join(', ');
}
function describeSpec(spec) {
    const parts = [];
    if (spec.minimum !== undefined)
        parts.push(`≥ ${spec.minimum}`);
    if (spec.maximum !== undefined)
        parts.push(`≤ ${spec.maximum}`);
    if (spec.enum?.length)
        parts.push(`one of ${spec.enum.slice(0, 4).map((v) => JSON.stringify(v)).join(', ')}`);
    return parts.length ? ` (${parts.join(', ')})` : '';
}
/**
 * A route changed by what a rejection taught, with the reason in words, or null when it teaches nothing new. Only a wrapper
 * learns: a product's body is its API's, and a template is the user's word.
 */
export function applyLesson(route, lesson, status) {
    if ((route.shape ?? 'wrapper') !== 'wrapper')
        return null;
    const said = status === null ? 'the answer' : `the ${status} answer`;
    if (lesson.moved)
        return { route: { ...route, path: lesson.moved }, why: `${said} moved it to ${lesson.moved} (the same route with its trailing slash)` };
    if (lesson.allow?.length && !lesson.allow.includes(route.method.toUpperCase())) {
        const method = ['POST', 'GET', 'PUT', 'PATCH'].find((m) => lesson.allow.includes(m));
        if (!method)
            return null;
        const encoding = method === 'GET' ? 'query' : route.encoding === 'query' ? 'json' : (route.encoding ?? 'json');
        return { route: { ...route, method, encoding }, why: `${said} allows ${lesson.allow.join(', ')}: ${method}${method === 'GET' ? ' with the prompt in the query string' : ''}` };
    }
    const next = { ...route, fields: { ...(route.fields ?? {}) }, forbidden: [...(route.forbidden ?? [])] };
    const reasons = [];
    if (lesson.encoding && lesson.encoding !== (route.encoding ?? 'json') && route.encoding !== 'query') {
        next.encoding = lesson.encoding;
        reasons.push(`it asks for a ${lesson.encoding} body`);
    }
    const forbidden = lesson.forbidden.filter((f) => !next.forbidden.includes(f));
    if (forbidden.length) {
        next.forbidden.push(...forbidden);
        for (const f of forbidden)
            delete next.fields[f];
        // A validator that refuses unknown fields refuses the usual names too: send only what it names from now on.
        next.strict = true;
        if (next.promptField && forbidden.includes(next.promptField))
            delete next.promptField;
        reasons.push(`it refused the extra field(s) ${quote(forbidden)}: only the fields it names are sent`);
    }
    for (const f of lesson.fields) {
        if (f.where === 'header')
            continue;
        // A FastAPI endpoint's plain parameters are query parameters, whatever the method.
        if (f.where === 'query' && next.encoding !== 'query') {
            next.encoding = 'query';
            reasons.push(`it wants '${f.name}' in the query string`);
        }
        const known = next.fields[f.name];
        const isPrompt = isPromptLike(f.name) && !['integer', 'number', 'object', 'boolean'].includes(f.spec.type ?? '') && f.spec.enum === undefined;
        // The first prompt-like field named is where the prompt goes; a second one (an `instruction` beside an `input`) is
        // an ordinary text field, which is filled with the prompt too.
        if (isPrompt && !next.promptField) {
            next.promptField = f.name;
            if (f.spec.type === 'array')
                next.fields[f.name] = { type: 'array' };
            reasons.push(`it named the prompt field '${f.name}'`);
            continue;
        }
        // The field taken for the prompt is an object: the prompt goes inside it, under a name the next answer will give.
        if (f.name === next.promptField && f.spec.type === 'object') {
            delete next.promptField;
            next.fields[f.name] = { type: 'object' };
            reasons.push(`it wants an object in '${f.name}'`);
            continue;
        }
        if (isPrompt && next.promptField === f.name) {
            if (f.spec.type !== 'array' || known?.type === 'array')
                continue;
            next.fields[f.name] = { type: 'array' };
            reasons.push(`it wants '${f.name}' as a list`);
            continue;
        }
        const merged = { ...(known ?? {}), ...f.spec };
        if (!known || JSON.stringify(known) !== JSON.stringify(merged)) {
            next.fields[f.name] = merged;
            reasons.push(`it ${known ? 'bounded' : 'named the required field'} '${f.name}'${describeSpec(f.spec)}`);
        }
    }
    if (reasons.length === 0)
        return null;
    if (Object.keys(next.fields).length === 0)
        delete next.fields;
    if (next.forbidden.length === 0)
        delete next.forbidden;
    return { route: next, why: `${said}: ${reasons.join('; ')}` };
}
/** For a wrapper whose answers name nothing: the other encodings people write routes for, in the order they are common. */
function encodingFallbacks(route) {
    if ((route.shape ?? 'wrapper') !== 'wrapper' || route.exactSchema || route.encoding === 'query')
        return [];
    const out = [
        { encoding: 'form', method: route.method, why: 'no field was named: the prompt as a form body' },
        { encoding: 'text', method: route.method, why: 'no field was named: the prompt as a plain-text body' },
    ];
    if (route.method === 'POST')
        out.push({ encoding: 'query', method: 'GET', why: 'no field was named: a GET with the prompt in the query string' });
    return out.filter((f) => f.encoding !== (route.encoding ?? 'json'));
}
/** Why the first request of a route looks the way it does. */
function firstReason(route) {
    if (route.shape === 'template')
        return 'your request template';
    if ((route.shape ?? 'wrapper') !== 'wrapper')
        return `the ${route.shape} body of ${route.source.replace(/^profile:/, 'the ')} API`;
    const from = route.source === 'openapi' ? 'its OpenAPI schema' : route.source === 'learned-422' ? 'its validation errors' : 'what discovery learned';
    if (route.promptField)
        return `prompt field '${route.promptField}' from ${route.exactSchema ? 'its OpenAPI schema' : from}`;
    return 'no field known: the prompt under every usual field name at once';
}
/**
 * Sends one-token requests to a route until one reaches the model, an auth layer refuses, or nothing more can be learned;
 * at most MAX_SHAPE_ATTEMPTS. `o.path`/`o.method`/`o.headers`/`o.host` apply a trick to every attempt.
 */
export async function probeInference(send, route, surface, o) {
    const learn = o.learn ?? route.shape !== 'template';
    let r = { ...route, ...(o.path ? { path: o.path } : {}), ...(o.method ? { method: o.method } : {}) };
    let why = firstReason(route);
    // A trick holds what it sets: neither a 405 nor a fallback may change its method, nor a redirect its path.
    const fixedMethod = o.method !== undefined;
    const fixedPath = o.path !== undefined;
    const fallbacks = learn ? encodingFallbacks(r).filter((f) => !fixedMethod || f.method === r.method) : [];
    const unchanged = staticAnswer(route, surface);
    const steps = [];
    const tried = new Set();
    let last = null;
    for (let n = 1; n <= MAX_SHAPE_ATTEMPTS; n++) {
        const request = requestFor(r, surface, { prompt: o.prompt, ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}), ...(o.stream ? { stream: true } : {}) });
        const key = `${request.method} ${request.path}\n${request.contentType ?? ''}\n${request.body ?? ''}`;
        if (tried.has(key))
            break;
        tried.add(key);
        const exchange = await send(probeOf(request, {
            purpose: o.purpose ?? `one-token inference on ${route.method} ${route.path}`,
            inference: true,
            attempt: { route: routeKey(route), n, why, tokens: request.tokens },
            ...(o.credentials ? { credentials: o.credentials } : {}),
            ...(o.headers ? { headers: o.headers } : {}),
            ...(o.host ? { host: o.host } : {}),
            ...(o.stream ? { stream: 'first-event' } : {}),
            ...(o.secrets ? { secrets: o.secrets } : {}),
        }));
        steps.push(exchange);
        let answer = readAnswer(exchange, o.prompt);
        // Text in a field as likely to hold a status word, identical to what the route answered without a prompt, is static.
        if (answer.kind === 'model-output' && answer.output.weak && unchanged !== null && unchanged === exchange.response.body)
            answer = { kind: 'unreadable', status: answer.status };
        last = { exchange, answer, output: answer.kind === 'model-output' ? answer.output : null, route: r, request, steps };
        if (!learn || !['rejected-input', 'wrong-method', 'server-error', 'redirect'].includes(answer.kind) || (answer.status ?? 0) >= 502)
            break;
        const lesson = learnFromRejection(exchange);
        const held = { ...lesson, ...(fixedMethod ? { allow: undefined } : {}), ...(fixedPath ? { moved: undefined } : {}) };
        const taught = answer.kind === 'server-error' ? null : applyLesson(r, held, answer.status);
        const next = taught ?? (answer.kind === 'redirect' ? null : nextFallback(fallbacks, r));
        if (!next)
            break;
        r = next.route;
        why = next.why;
    }
    return last;
}
/** The body discovery's prompt-less request to this route got back, when it was a 2xx (null otherwise). */
function staticAnswer(route, surface) {
    const seen = surface.signals.all.find((ex) => route.evidence?.includes(ex.id) && ex.probe.attempt === undefined);
    const res = seen?.response;
    return res && res.status >= 200 && res.status < 300 ? res.body : null;
}
function nextFallback(fallbacks, r) {
    const f = fallbacks.shift();
    return f ? { route: { ...r, encoding: f.encoding, method: f.method }, why: f.why } : null;
}
/** The model and server in words, for descriptions: "Mistral inference endpoint (vLLM 0.9.2)". */
export function describeServer(surface) {
    const fp = surface.fingerprint;
    const family = fp.modelFamily ? fp.modelFamily.charAt(0).toUpperCase() + fp.modelFamily.slice(1) + ' ' : '';
    const name = fp.productName ? ` (${fp.productName}${fp.version ? ` ${fp.version}` : ''})` : '';
    return { family, server: name };
}
