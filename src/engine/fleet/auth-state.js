// What a fleet inventory says about each server it found, from the cheap phase alone (no credentials were sent):
// its auth state, and whether it serves a language model at all.
import { MODEL_LIST_PATHS } from '../surface/discover.js';
import { profileById } from '../profiles/index.js';
import { modelIdsFrom } from '../surface/fingerprint.js';
export function authStateOf(surface) {
    const inference = surface.routes.filter((r) => r.kind === 'inference');
    if (inference.some((r) => r.access === 'open'))
        return 'open';
    if (inference.some((r) => r.access === 'guarded'))
        return 'keyed';
    if (modelIdsFrom(surface.signals).length > 0)
        return 'open';
    const refused = MODEL_LIST_PATHS.some((p) => [401, 403].includes(surface.signals.byPath[p]?.response?.status ?? 0));
    return refused ? 'keyed' : 'unknown';
}
/**
 * An LLM server: an inference server Gatecrash names (not a web framework such as FastAPI or Express, which serve
 * anything), or any server where discovery found an inference route that exists (it answered a prompt-less request with
 * something other than 404/405).
 */
export function isLlmServer(surface) {
    const product = surface.fingerprint.product;
    if (product !== 'unknown' && profileById(product).kind === 'server')
        return true;
    return surface.routes.some((r) => r.kind === 'inference' && r.access !== 'unknown');
}
