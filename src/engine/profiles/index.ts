// Every server profile Gatecrash knows, and what derives from the list: the product ids, the cheap phase, the model
// sources. Adding a server is adding its profile file and its line here (docs/servers/<product>.md holds its wire facts).
import type { ModelSource, ServerProfile } from '../types.js';
import { djangoProfile } from './django.js';
import { expressProfile } from './express.js';
import { fastapiProfile } from './fastapi.js';
import { flaskProfile } from './flask.js';
import { koboldcppProfile } from './koboldcpp.js';
import { litellmProfile } from './litellm.js';
import { llamacppProfile } from './llamacpp.js';
import { lmdeployProfile } from './lmdeploy.js';
import { lmstudioProfile } from './lmstudio.js';
import { localaiProfile } from './localai.js';
import { nodeHttpProfile } from './node-http.js';
import { ollamaProfile } from './ollama.js';
import { openaiCompatibleProfile } from './openai-compatible.js';
import { sglangProfile } from './sglang.js';
import { tabbyapiProfile } from './tabbyapi.js';
import { textgenWebuiProfile } from './textgen-webui.js';
import { tgiProfile } from './tgi.js';
import { tritonProfile } from './triton.js';
import { vllmProfile } from './vllm.js';

/** In this order detections tie-break (after specificity), the cheap phase asks, and model sources are read. */
export const ALL_PROFILES = [
  vllmProfile,
  tgiProfile,
  ollamaProfile,
  llamacppProfile,
  sglangProfile,
  litellmProfile,
  localaiProfile,
  koboldcppProfile,
  textgenWebuiProfile,
  lmstudioProfile,
  tritonProfile,
  tabbyapiProfile,
  lmdeployProfile,
  openaiCompatibleProfile,
  fastapiProfile,
  flaskProfile,
  expressProfile,
  djangoProfile,
  nodeHttpProfile,
] as const;

type ProductId = (typeof ALL_PROFILES)[number]['id'];

/** The product ids, from the profiles (never listed by hand). */
export const PRODUCT_IDS: readonly [ProductId, ...ProductId[]] = [ALL_PROFILES[0].id, ...ALL_PROFILES.slice(1).map((p) => p.id)];

export function profileById(id: ProductId): ServerProfile;
export function profileById(id: string): ServerProfile | undefined;
export function profileById(id: string): ServerProfile | undefined {
  return (ALL_PROFILES as readonly ServerProfile[]).find((p) => p.id === id);
}

/** How specific a product's verdict is, for breaking ties (ServerProfile.specificity). */
export function profileSpecificity(id: ProductId): number {
  const p = profileById(id);
  return p.specificity ?? (p.kind === 'framework' ? 0 : 2);
}

const unique = (paths: string[]): string[] => [...new Set(paths)];

/**
 * The first round of the cheap phase: every profile's presence paths (`/` for the banners and server headers, `/openapi.json`
 * for every FastAPI app, `/v1/models` for every OpenAI-compatible server, 401 with a key). When all of them are 404, no
 * known product is served at this origin, and the second round (each product's own path) is not sent: it could only be 404
 * too. The whole fingerprint phase fits in 20 requests with discovery's follow-ups (at most 5 inference routes a profile).
 */
const FIRST_ROUND = unique(ALL_PROFILES.flatMap((p: ServerProfile) => p.cheapPhase?.first ?? []));
const SECOND_ROUND = unique(ALL_PROFILES.flatMap((p: ServerProfile) => p.cheapPhase?.second ?? [])).filter((path) => !FIRST_ROUND.includes(path));
const WHEN_REFUSED = unique(ALL_PROFILES.flatMap((p: ServerProfile) => p.cheapPhase?.whenRefused ?? []));

/** Every GET path the cheap phase may send (the given URL's own path is added by discovery). */
export function cheapPhasePaths(): string[] {
  return unique([...FIRST_ROUND, ...SECOND_ROUND, ...WHEN_REFUSED]);
}

/**
 * The cheap phase in rounds: the paths that tell whether any known product is here, then the rest; `whenRefused` replaces
 * the second round when the first was refused alike (the key checked before routing on every path).
 */
export function cheapPhaseRounds(): { first: string[]; second: string[]; whenRefused: string[] } {
  return { first: [...FIRST_ROUND], second: [...SECOND_ROUND], whenRefused: [...WHEN_REFUSED] };
}

/** Every profile's model sources, in profile order, one per path (the first profile to name a path reads it). */
export const MODEL_SOURCES: readonly ModelSource[] = (ALL_PROFILES as readonly ServerProfile[])
  .flatMap((p) => p.modelSources ?? [])
  .filter((s, i, all) => all.findIndex((o) => o.path === s.path) === i);

/** Where servers list their models (a guarded list is asked again with the user's credentials). */
export const MODEL_LIST_PATHS: readonly string[] = MODEL_SOURCES.filter((s) => s.role === 'list').map((s) => s.path);

/** A web framework someone wrote a wrapper in (its routes are the author's), as opposed to an inference server product. */
export function isFramework(product: ProductId | 'unknown'): boolean {
  return product !== 'unknown' && profileById(product).kind === 'framework';
}
