// Each zoo app proven by hand, with no scanner involved: the open form answers its sample request with the fake model's
// reply cut to the requested length; the guarded form refuses to start without a key, serves the right key, turns away a
// visitor without one (401/403, or a redirect to an HTML login form), refuses the key in the query string (except the
// deliberately weak app), other methods without a key, the key with its case changed, cut short, without its scheme and
// the placeholder values, and after 10 wrong keys locks the address out (429 with Retry-After, the right key included).
// These are the facts the scan assertions rest on: a scan that misjudges an app is the scanner's fault, not the app's.
import { randomBytes } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { expect } from 'vitest';
import { credentialValue, keyHeaders, MODEL_WORDS, type Sample, type ZooApp } from './catalog.js';
import type { Launched } from './launch.js';

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/** Sends `sample` (or a variant of it) to where the launched app is reached, never following redirects. */
export async function send(
  l: Launched,
  sample: Sample,
  headers: Record<string, string> = {},
  change: { method?: string; path?: string } = {},
): Promise<Answer> {
  const method = change.method ?? sample.method;
  const withBody = sample.body !== undefined && method !== 'GET' && method !== 'HEAD';
  const dispatcher = l.tls?.ca ? new Agent({ connect: { ca: l.tls.ca } }) : undefined;
  try {
    const r = await fetch(new URL(change.path ?? sample.path, l.url), {
      method,
      redirect: 'manual',
      headers: { ...(withBody ? { 'content-type': sample.type ?? 'application/json' } : {}), ...headers },
      ...(withBody ? { body: sample.body } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: r.status, headers: r.headers, body: await r.text() };
  } finally {
    await dispatcher?.close();
  }
}

/** The fake model's reply, cut to `words` words: the last asked-for word is there, the next one is not. */
export function expectReply(a: Answer, words: number, context: string): void {
  expect(a.status, `${context}: ${a.status} ${a.body}`).toBeGreaterThanOrEqual(200);
  expect(a.status, `${context}: ${a.status} ${a.body}`).toBeLessThan(300);
  expect(a.body, context).toContain(MODEL_WORDS[0]);
  expect(a.body, context).toContain(MODEL_WORDS[words - 1]);
  if (words < MODEL_WORDS.length) expect(a.body, `${context}: cut to ${words} words`).not.toContain(MODEL_WORDS[words]);
}

/** A wrong key is refused (401/403), or answered with the 404 of an unknown path by an app that hides its routes. */
function expectRefused(a: Answer, context: string, app?: ZooApp): void {
  expect(app?.anonymous === 'hidden' ? [404] : [401, 403], `${context}: ${a.status} ${a.body}`).toContain(a.status);
  expect(a.body, context).not.toContain(MODEL_WORDS[0]);
}

/** A visitor without a key: refused, hidden behind a 404, or (login apps) redirected to a login page that is an HTML form. */
async function expectTurnedAway(app: ZooApp, l: Launched, a: Answer, context: string): Promise<void> {
  if (app.anonymous !== 'login-redirect') return expectRefused(a, context, app);
  expect([302, 303], `${context}: ${a.status} ${a.body}`).toContain(a.status);
  const location = a.headers.get('location') ?? '';
  expect(location, context).toMatch(/login/);
  const login = new URL(location, l.url);
  const page = await send(l, app.sample, {}, { method: 'GET', path: login.pathname + login.search });
  expect(page.status, `${context}: the login page`).toBe(200);
  expect(page.headers.get('content-type') ?? '', `${context}: the login page`).toContain('text/html');
  expect(page.body, `${context}: the login page`).toMatch(/<form[^>]*method="post"/i);
}

const swapCase = (s: string) => [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

function withQuery(path: string, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString();
  return `${path}${path.includes('?') ? '&' : '?'}${q}`;
}

/** The open form: anyone gets the model, cut to the sample's limit (and the typed route, if another, is still guarded). */
export async function proveOpen(app: ZooApp): Promise<void> {
  const l = await app.start('open');
  try {
    expectReply(await send(l, app.sample), app.sample.words, `${app.name} open form, no key`);
    if (app.typedRoute) {
      expectRefused(await send(l, app.typedRoute), `${app.name} open form, the typed route without a key`);
      expectReply(await send(l, app.typedRoute, keyHeaders(app)), app.typedRoute.words, `${app.name} open form, the typed route with the key`);
    }
    expect(l.generations(), l.log()).toBe(app.typedRoute ? 2 : 1);
  } finally {
    await l.stop();
  }
}

/** Fail closed: the guarded form's server exits, with a sentence saying why, when its key variable is unset. */
export async function proveRefusesWithoutKey(app: ZooApp): Promise<void> {
  let started: Launched | null = null;
  let failure = '';
  try {
    started = await app.startWithoutKey();
  } catch (e) {
    failure = (e as Error).message;
  }
  if (started) {
    await started.stop();
    throw new Error(`${app.name}: the guarded form started without ZOO_API_KEY`);
  }
  expect(failure).toMatch(/server exited with code [1-9]/);
  expect(failure).toContain('refusing to start without a real API key');
}

/** The guarded form, one instance, in an order that keeps the count of wrong keys exact. */
export async function proveGuarded(app: ZooApp): Promise<void> {
  const l = await app.start('guarded');
  const s = app.sample;
  const header = app.credential.header;
  const scheme = (v: string) => credentialValue(app, v);
  let served = 0;
  try {
    expectReply(await send(l, s, keyHeaders(app)), s.words, `${app.name}: the right key`);
    served++;
    await expectTurnedAway(app, l, await send(l, s), `${app.name}: no key`);

    const queryPath = withQuery(s.path, { key: app.key, api_key: app.key });
    const inQuery = await send(l, s, {}, { path: queryPath });
    if (app.weakQueryKey) {
      expectReply(inQuery, s.words, `${app.name}: the key in ?key= (the deliberate weakness)`);
      served++;
    } else {
      await expectTurnedAway(app, l, inQuery, `${app.name}: the key in the query string only`);
    }

    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'].filter((m) => m !== s.method)) {
      const other = await send(l, s, {}, { method });
      expect(other.status >= 200 && other.status < 300, `${app.name}: ${method} without a key: ${other.status} ${other.body}`).toBe(false);
      expect(other.body).not.toContain(MODEL_WORDS[0]);
    }
    const override = await send(l, s, { 'X-HTTP-Method-Override': s.method === 'GET' ? 'POST' : 'GET', 'X-Method-Override': 'GET' });
    await expectTurnedAway(app, l, override, `${app.name}: a method-override header without a key`);

    // Every one of these is a wrong key the throttle counts: exactly 10 before the lock-out.
    const wrong = [swapCase(app.key), app.key.slice(0, -1), 'None', 'null', 'undefined'].map(scheme);
    if (app.credential.scheme || app.credential.cookie) wrong.push(app.key); // the bare key, without its scheme or cookie name
    while (wrong.length < 10) wrong.push(scheme(`zk_${randomBytes(16).toString('hex')}`));
    for (const value of wrong) expectRefused(await send(l, s, { [header]: value }), `${app.name}: wrong value in ${header}`, app);

    const locked = await send(l, s, { [header]: scheme(`zk_${randomBytes(16).toString('hex')}`) });
    expect(locked.status, `${app.name}: the 11th wrong key: ${locked.status} ${locked.body}`).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${locked.headers.get('retry-after')}`).toBe(true);

    const during = await send(l, s, keyHeaders(app));
    if (app.weakQueryKey) {
      expectReply(during, s.words, `${app.name}: the right key during the lock-out (checked before it, the deliberate weakness)`);
      served++;
    } else {
      expect(during.status, `${app.name}: the right key during the lock-out`).toBe(429);
    }
    expect(l.generations(), l.log()).toBe(served);
  } finally {
    await l.stop();
  }
}
