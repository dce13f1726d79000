import { djangoProfile } from './django.js';
import { expressProfile } from './express.js';
import { fastapiProfile } from './fastapi.js';
import { flaskProfile } from './flask.js';
import { koboldcppProfile } from './koboldcpp.js';
import { litellmProfile } from './litellm.js';
import { llamacppProfile } from './llamacpp.js';
import { lmstudioProfile } from './lmstudio.js';
import { localaiProfile } from './localai.js';
import { nodeHttpProfile } from './node-http.js';
import { ollamaProfile } from './ollama.js';
import { openaiCompatibleProfile } from './openai-compatible.js';
import { sglangProfile } from './sglang.js';
import { tgiProfile } from './tgi.js';
import { textgenWebuiProfile } from './textgen-webui.js';
import { tritonProfile } from './triton.js';
import { vllmProfile } from './vllm.js';
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
    openaiCompatibleProfile,
    fastapiProfile,
    flaskProfile,
    expressProfile,
    djangoProfile,
    nodeHttpProfile,
];
export function profileById(id) {
    return ALL_PROFILES.find((p) => p.id === id);
}
/**
 * How specific a product's verdict is, for breaking ties: the FastAPI fallback and the generic OpenAI-compatible server lose to
 * any named product; LiteLLM beats the backend it fronts (its headers win).
 */
export function profileSpecificity(id) {
    if (profileById(id).kind === 'framework')
        return 0;
    if (id === 'openai-compatible')
        return 1;
    if (id === 'litellm')
        return 3;
    return 2;
}
/**
 * The GET paths the discovery phase sends before anything else (the given URL's own path is added by discovery).
 * Chosen for how much each tells apart, within the ≤ 20 requests issue 3 allows the whole fingerprint phase:
 * - `/`                   Ollama banner, LocalAI web UI, LM Studio's "Unexpected endpoint" answer, server headers of every product
 * - `/openapi.json`       every FastAPI app (vLLM, SGLang, LiteLLM, text-generation-webui, wrappers) lists its routes there
 * - `/v1/models`          owned_by: vllm / sglang / llamacpp / koboldcpp / user / organization_owner / model id / library / absent;
 *                         with a key set, the 401 body shape
 * - `/version`            vLLM (open with a key), LocalAI
 * - `/info`               TGI (open with a key)
 * - `/health/readiness`   LiteLLM (open with a master key; states litellm_version)
 * - `/api/version`        Ollama's version (advisories)
 * - `/api/tags`           Ollama and its imitators (KoboldCpp, Open WebUI); auth.admin-exposed's read-only sibling
 * - `/props`              llama.cpp: build_info, model_path, chat_template; the 401 shape with a key
 * - `/get_model_info`     SGLang; with a key, 401 on SGLang but an unguarded 404 on vLLM
 * - `/api/extra/version`  KoboldCpp (says whether a password is set)
 * - `/v2`                 Triton (KServe v2 server metadata); 401 on vLLM with a key (guarded prefix)
 * - `/v2/models/stats`    Triton's model names: its inference routes embed the model, and nothing else lists it read-only
 * That is 13 paths, plus the given URL, in two rounds (see FIRST_ROUND): the follow-ups of discovery (an empty body to each
 * inference route of the identified profile, at most 5 for any profile) keep the whole phase within 20 requests.
 * Left out (still in the profiles' metadata routes; profiles read them when present): `/metrics` (vllm:* / sglang:* / tgi_* /
 * llamacpp:* names, but other signals already separate those), `/health` (every product, tells nothing apart), `/api/v0/models`
 * (LM Studio's owned_by suffices), `/get_server_info` and `/slots` (large, prompt data), and
 * SGLang's `/health_generate` which runs a generation.
 */
const CHEAP_PHASE_PATHS = [
    '/',
    '/openapi.json',
    '/v1/models',
    '/version',
    '/info',
    '/health/readiness',
    '/api/version',
    '/api/tags',
    '/props',
    '/get_model_info',
    '/api/extra/version',
    '/v2',
    '/v2/models/stats',
];
/**
 * The first round of the cheap phase. Every product above answers at least one of these with something other than 404:
 * TGI (GET / is its health route), Ollama, LocalAI, LM Studio, llama.cpp, KoboldCpp and LiteLLM at `/`; vLLM, SGLang,
 * text-generation-webui and every OpenAI-compatible server at `/v1/models` (401 with a key); Triton answers a bare 400 to
 * any path it does not know. When all three are 404, none of them is served at this origin, and the second round (each
 * product's own path) is not sent: it could only be 404 too.
 */
const FIRST_ROUND = ['/', '/openapi.json', '/v1/models'];
export function cheapPhasePaths() {
    return [...new Set(CHEAP_PHASE_PATHS)];
}
/** The cheap phase in two rounds: the paths that tell whether any known product is here, then the rest. */
export function cheapPhaseRounds() {
    const first = [...FIRST_ROUND];
    return { first, second: cheapPhasePaths().filter((p) => !first.includes(p)) };
}
/** A web framework someone wrote a wrapper in (its routes are the author's), as opposed to an inference server product. */
export function isFramework(product) {
    return product !== 'unknown' && profileById(product).kind === 'framework';
}
