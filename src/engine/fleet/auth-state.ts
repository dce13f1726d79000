// What a fleet inventory says about each server it found, from the cheap phase alone (no credentials were sent):
// its auth state, and whether it serves a language model at all.

import { profileById } from '../profiles/index.js';
import { MODEL_LIST_PATHS } from '../surface/discover.js';
import { modelIdsFrom } from '../surface/fingerprint.js';
import type { Surface } from '../types.js';

/**
 * - `open`: something answered without credentials that should not have: an inference route (discovery's prompt-less
 *   request reached the handler), or, where discovery found no inference route, a model list.
 * - `keyed`: the server refused without credentials (401/403): every inference route, or else the model list.
 * - `unknown`: neither (not an LLM server, or nothing told).
 * Inference routes decide first, because several servers leave their model list open by design with a key set
 * (llama.cpp's /v1/models, TGI's /info): such a server is keyed unless an inference route is open, and an inference
 * route open beside guarded ones (vLLM's /invocations) makes it open, which is the point of the inventory.
 */
export type AuthState = 'open' | 'keyed' | 'unknown';

export function authStateOf(surface: Surface): AuthState {
  const inference = surface.routes.filter((r) => r.kind === 'inference');
  if (inference.some((r) => r.access === 'open')) return 'open';
  if (inference.some((r) => r.access === 'guarded')) return 'keyed';
  if (modelIdsFrom(surface.signals).length > 0) return 'open';
  const refused = MODEL_LIST_PATHS.some((p) => [401, 403].includes(surface.signals.byPath[p]?.response?.status ?? 0));
  return refused ? 'keyed' : 'unknown';
}

/**
 * An LLM server: an inference server Gatecrash names (not a web framework such as FastAPI or Express, which serve
 * anything), or any server where discovery found an inference route that exists (it answered a prompt-less request with
 * something other than 404/405).
 */
export function isLlmServer(surface: Surface): boolean {
  const product = surface.fingerprint.product;
  if (product !== 'unknown' && profileById(product).kind === 'server') return true;
  return surface.routes.some((r) => r.kind === 'inference' && r.access !== 'unknown');
}
