// Reusing auth.missing's one-token requests instead of sending new ones (docs/architecture.md, "Cheap first": the engine never sends the
// same request twice). The LLM and cost rules judge the answers auth.missing already obtained: they ask for the very same
// probes (same routes, same options), which the scan client answers from its dedup cache, and derive the few requests of
// their own (a prompt with a template marker, a burst of distinct prompts) from the body that worked.
import type { Exchange, Probe, Route, Surface } from '../types.js';
import { type InferenceAttempt, probeInference } from './inference.js';
import { probeOf, requestFor } from './route-request.js';

type Send = (probe: Probe) => Promise<Exchange>;

/**
 * The open inference routes auth.missing probes: at quick depth one route per body family, at standard and deep every route
 * not refused in discovery. auth.missing uses this very function, so every reuse of its probes hits the dedup cache.
 */
export function authMissingRoutes(routes: Route[], quick: boolean): Route[] {
  return onePerFamilyWhen(
    quick,
    routes.filter((r) => r.kind === 'inference' && r.access !== 'guarded'),
  );
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

/** An attempt of auth.missing's (its `route` is the route as the attempts left it: same path, the request shape learned). */
export type ReusedAttempt = InferenceAttempt;

/** auth.missing's one-token, credential-less probes of `routes`, answered from the dedup cache when it already sent them. */
export async function authMissingAttempts(send: Send, surface: Surface, routes: Route[], prompt: string): Promise<ReusedAttempt[]> {
  return Promise.all(routes.map((route) => probeInference(send, route, surface, { prompt })));
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
  const refused = open.filter((a) => a.answer.kind === 'refused').map((a) => a.route);
  const guarded = onePerFamilyWhen(
    quick,
    surface.routes.filter((r) => r.kind === 'inference' && r.access === 'guarded'),
  );
  const withKey = [...guarded, ...refused];
  const keyed = await Promise.all(withKey.map((route) => probeInference(send, route, surface, { prompt, credentials: 'user' })));
  return [...open, ...keyed];
}

/**
 * The request of a successful attempt again, the same in everything but the prompt (same route shape, headers, limit): one
 * more one-token request. Null when the request does not carry the prompt as text (TGI's KServe route sends bytes), since
 * the "variant" would then be the very same request.
 */
export function variantProbe(attempt: InferenceAttempt, surface: Pick<Surface, 'fingerprint'>, newPrompt: string, purpose: string): Probe | null {
  const request = requestFor(attempt.route, surface, { prompt: newPrompt });
  const { probe } = attempt.exchange;
  if (request.body === probe.body && request.path === probe.path) return null;
  if (attempt.route.shape === 'tgi-kserve') return null;
  const { attempt: _shape, ...rest } = probe;
  return probeOf(request, { ...rest, purpose, inference: true });
}
