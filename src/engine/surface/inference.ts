// One-token inference against a route, with the shape attempts CHECKS.md allows (at most three per route).
// Shared by every rule that needs proof that a request reached the model; identical probes are sent once per scan.
import type { Exchange, Probe, Route, Surface } from '../types.js';
import { buildBody, PROMPT_FIELD_GUESSES, PROMPT_LIKE_FIELDS } from './body-shapes.js';
import { learnFrom422 } from './validation-errors.js';
import { extractModelOutput, type ModelOutput } from './model-output.js';

export interface InferenceAttempt {
  /** The last exchange sent (the one with output when there is output). */
  exchange: Exchange;
  output: ModelOutput | null;
  /** The body fields that worked, for reuse by variants of the same request. */
  body: Record<string, unknown> | null;
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
}

const MAX_SHAPE_ATTEMPTS = 3;

export function bodyFor(route: Route, surface: Surface, o: Pick<InferenceOptions, 'prompt' | 'maxTokens' | 'stream'>, promptField?: string): Record<string, unknown> {
  const model = surface.fingerprint.models[0];
  return buildBody(route.shape ?? 'wrapper', { prompt: o.prompt, ...(model ? { model } : {}), maxTokens: o.maxTokens ?? 1, stream: o.stream ?? false }, {
    ...(promptField ?? route.promptField ? { promptField: promptField ?? route.promptField } : {}),
    ...(route.fields ? { fields: route.fields } : {}),
  });
}

/**
 * Sends a one-token request built from the route's shape. For a wrapper whose prompt field is unknown, tries the usual
 * names in turn; a 422 naming more fields earns one more attempt with them filled. Never more than three attempts.
 */
export async function probeInference(send: (p: Probe) => Promise<Exchange>, route: Route, surface: Surface, o: InferenceOptions): Promise<InferenceAttempt> {
  const guesses: (string | undefined)[] = route.shape === 'wrapper' && !route.promptField ? [...PROMPT_FIELD_GUESSES] : [undefined];
  let fields = route.fields;
  let last: InferenceAttempt | null = null;
  for (let attempt = 0; attempt < MAX_SHAPE_ATTEMPTS && guesses.length; attempt++) {
    const field = guesses.shift();
    const r: Route = { ...route, ...(fields ? { fields } : {}) };
    const body = bodyFor(r, surface, o, field);
    const text = JSON.stringify(body);
    const exchange = await send({
      method: o.method ?? route.method,
      path: o.path ?? route.path,
      body: text,
      purpose: o.purpose ?? `one-token inference on ${route.method} ${route.path}`,
      inference: true,
      ...(o.credentials ? { credentials: o.credentials } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.host ? { host: o.host } : {}),
      ...(o.stream ? { stream: 'first-event' as const } : {}),
      ...(o.secrets ? { secrets: o.secrets } : {}),
    });
    const status = exchange.response?.status;
    const output = status !== undefined && status >= 200 && status < 300 ? extractModelOutput(exchange.response!.body, o.prompt) : null;
    last = { exchange, output, body };
    if (output || (status !== 422 && status !== 400)) return last;
    // A 422 that names the missing fields: fill them on the next attempt instead of guessing.
    if (status === 422 && route.shape === 'wrapper') {
      const learned = learnFrom422(exchange.response!.body).bodyFields.filter((f) => !(f in body));
      if (learned.length) {
        const prompt = learned.find((f) => PROMPT_LIKE_FIELDS.includes(f.toLowerCase()));
        fields = { ...(fields ?? {}) };
        for (const f of learned) if (f !== prompt) fields[f] = 'string';
        guesses.unshift(prompt ?? field ?? route.promptField);
      }
    }
  }
  return last!;
}

/** The model and server in words, for descriptions: "Mistral inference endpoint (vLLM 0.9.2)". */
export function describeServer(surface: Surface): { family: string; server: string } {
  const fp = surface.fingerprint;
  const family = fp.modelFamily ? fp.modelFamily.charAt(0).toUpperCase() + fp.modelFamily.slice(1) + ' ' : '';
  const name = fp.productName ? ` (${fp.productName}${fp.version ? ` ${fp.version}` : ''})` : '';
  return { family, server: name };
}
