// Reusing auth.missing's one-token requests instead of sending new ones (CHECKS.md Principle 3: the engine never sends the
// same request twice). The LLM and cost rules judge the answers auth.missing already obtained: they ask for the very same
// probes (same routes, same options), which the scan client answers from its dedup cache, and derive the few requests of
// their own (a prompt with a template marker, a burst of distinct prompts) from the body that worked.
import type { Exchange, Probe, Route, Surface } from '../types.js';
import { probeInference, type InferenceAttempt } from './inference.js';

type Send = (probe: Probe) => Promise<Exchange>;

/**
 * The open inference routes auth.missing probes: at quick depth one route per body family, at standard and deep every route
 * not refused in discovery. auth.missing uses this very function, so every reuse of its probes hits the dedup cache.
 */
export function authMissingRoutes(routes: Route[], quick: boolean): Route[] {
  return onePerFamilyWhen(quick, routes.filter((r) => r.kind === 'inference' && r.access !== 'guarded'));
}

function onePerFamilyWhen(quick: boolean, routes: Route[]): Route[] {
  if (!quick) return routes;
  const seen = new Set<string>();
  return routes.filter((r) => {
    const family = r.shape ?? 'wrapper';
    if (seen.has(family)) return false;
    seen.add(family);
    return true;
  });
}

export interface ReusedAttempt extends InferenceAttempt {
  route: Route;
}

/** auth.missing's one-token, credential-less probes of `routes`, answered from the dedup cache when it already sent them. */
export async function authMissingAttempts(send: Send, surface: Surface, routes: Route[], prompt: string): Promise<ReusedAttempt[]> {
  const attempts = await Promise.all(routes.map((route) => probeInference(send, route, surface, { prompt })));
  return attempts.map((a, i) => ({ ...a, route: routes[i]! }));
}

/**
 * Every answer a rule can read model output from: auth.missing's credential-less probes of the open routes and, when the
 * user gave credentials, the same one-token probes of the guarded routes sent with them. A server whose routes are now
 * guarded still has a chat template and a decoder; with the key, its output can still be judged (verify_fix relies on it).
 */
export async function readableOutputAttempts(send: Send, surface: Surface, prompt: string, quick: boolean, withCredentials: boolean): Promise<ReusedAttempt[]> {
  const open = await authMissingAttempts(send, surface, authMissingRoutes(surface.routes, quick), prompt);
  if (!withCredentials) return open;
  // Guarded routes, and "open" ones that refused the one-token request itself (a key checked after body validation).
  const refused = open.filter((a) => [401, 403].includes(a.exchange.response?.status ?? 0)).map((a) => a.route);
  const guarded = onePerFamilyWhen(quick, surface.routes.filter((r) => r.kind === 'inference' && r.access === 'guarded'));
  const withKey = [...guarded, ...refused];
  const keyed = await Promise.all(withKey.map((route) => probeInference(send, route, surface, { prompt, credentials: 'user' })));
  return [...open, ...keyed.map((a, i) => ({ ...a, route: withKey[i]! }))];
}

/** A copy of `value` with every string equal to `from` replaced by `to` (prompt fields, message contents). */
export function replacePrompt(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from ? to : value;
  if (Array.isArray(value)) return value.map((v) => replacePrompt(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, replacePrompt(v, from, to)]));
  }
  return value;
}

/**
 * The request of a successful attempt again, byte for byte except the prompt (same path, headers, limit fields): one more
 * one-token request. Null when the body does not carry the prompt as a string (TGI's KServe route sends bytes), since the
 * "variant" would then be the very same request.
 */
export function variantProbe(attempt: InferenceAttempt, prompt: string, newPrompt: string, purpose: string): Probe | null {
  if (!attempt.body) return null;
  const body = JSON.stringify(replacePrompt(attempt.body, prompt, newPrompt));
  if (body === attempt.exchange.probe.body) return null;
  const { probe } = attempt.exchange;
  return { ...probe, body, purpose, inference: true };
}
