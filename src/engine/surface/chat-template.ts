// Where a server discloses its chat template without inference (docs/chat-templates.md, "Disclosure without inference"):
// llama.cpp `/props` chat_template and `/apply-template`, vLLM `/tokenizer_info`, TGI `/chat_tokenize`. Shared by
// llm.system-prompt-exposure (the template is readable) and llm.template-injection (the template is Mistral V1), which ask
// for the very same requests, so each is sent once per scan. Renderers get a harmless one-message chat, never generation.
import type { Exchange, Probe, Route, Surface } from '../types.js';
import { parseJson } from './json.js';
import { requestFor } from './route-request.js';

type Send = (probe: Probe) => Promise<Exchange>;

export interface TemplateReading {
  /** 'GET /props', 'POST /apply-template', … */
  where: string;
  exchange: Exchange;
  /** The template source (Jinja) the server states. */
  template?: string;
  /** The prompt the server rendered from our one-message chat. */
  rendered?: string;
  /** A system prompt the server states on its own (older llama.cpp `/props` `system_prompt`). */
  systemPrompt?: string;
}

/** GET routes whose JSON carries `chat_template` (and, on old llama.cpp builds, `system_prompt`). */
const TEMPLATE_GETS = ['/props', '/tokenizer_info'];
/** POST routes that render the chat template: the field of their answer that holds the rendered prompt. */
const RENDERERS: Record<string, string> = { '/apply-template': 'prompt', '/chat_tokenize': 'templated_text' };

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim().length > 0 ? v : undefined;
}

function ok(ex: Exchange): boolean {
  const s = ex.response?.status;
  return s !== undefined && s >= 200 && s < 300;
}

/** A credential-less GET: the cheap phase's exchange when discovery sent it, else one GET (only for a route the profile lists). */
async function readGet(send: Send, surface: Surface, path: string): Promise<Exchange | null> {
  const seen = surface.signals.byPath[path];
  if (seen && seen.probe.method.toUpperCase() === 'GET' && seen.probe.credentials !== 'user' && !seen.probe.headers && !seen.probe.host) return seen;
  if (!surface.routes.some((r) => r.method === 'GET' && r.path === path)) return null;
  return send({ method: 'GET', path, purpose: `chat template: GET ${path} without credentials` });
}

/** The template renderers discovery listed (profile routes), not refused in discovery. */
export function templateRenderers(surface: Surface): Route[] {
  return surface.routes.filter((r) => r.method === 'POST' && r.path in RENDERERS && r.access !== 'guarded');
}

/**
 * The body a renderer gets: the route's chat shape with the benign prompt, the same bytes auth.alternate-path sends to it (so
 * the request is sent once). A template renderer does not generate, whatever limit field the shape carries.
 */
export function rendererBody(route: Route, surface: Surface, prompt: string): string {
  return requestFor(route, surface, { prompt }).body ?? '';
}

/** Every template disclosure the server answers without credentials, in a stable order (GETs first). */
export async function readChatTemplates(send: Send, surface: Surface, prompt: string): Promise<TemplateReading[]> {
  const gets = await Promise.all(TEMPLATE_GETS.map((path) => readGet(send, surface, path)));
  const renderers = templateRenderers(surface);
  const posts = await Promise.all(
    renderers.map((route) =>
      send({
        method: 'POST',
        path: route.path,
        body: rendererBody(route, surface, prompt),
        purpose: `chat template: ${route.path} renders a one-message chat (no generation)`,
      }),
    ),
  );
  const out: TemplateReading[] = [];
  gets.forEach((ex, i) => {
    if (!ex || !ok(ex)) return;
    const json = record(parseJson(ex.response!.body));
    if (!json) return;
    const template = nonEmpty(json['chat_template']);
    const systemPrompt = nonEmpty(json['system_prompt']);
    if (template || systemPrompt)
      out.push({ where: `GET ${TEMPLATE_GETS[i]}`, exchange: ex, ...(template ? { template } : {}), ...(systemPrompt ? { systemPrompt } : {}) });
  });
  posts.forEach((ex, i) => {
    if (!ok(ex)) return;
    const route = renderers[i]!;
    const rendered = nonEmpty(record(parseJson(ex.response!.body))?.[RENDERERS[route.path]!]);
    // A rendering proves a template only when it adds something to our text (markers, a system prompt).
    if (rendered && rendered.trim() !== prompt.trim()) out.push({ where: `POST ${route.path}`, exchange: ex, rendered });
  });
  return out;
}

/**
 * Token ids from a tokenizer's answer: llama.cpp `{"tokens":[ids | {id,piece}]}`, vLLM/SGLang `{"tokens":[…],"count"}`,
 * TGI `/tokenize` `[{id,text,start,stop}]` and `/chat_tokenize` `{"tokenize_response":[…]}`, KoboldCpp `{"ids":[…]}`,
 * text-generation-webui `{"tokens":[…],"length"}`. Null when the answer holds no id list.
 */
export function tokenIds(body: string): number[] | null {
  const json = parseJson(body);
  const list = Array.isArray(json)
    ? json
    : (['tokens', 'tokenize_response', 'ids', 'input_ids'].map((k) => record(json)?.[k]).find(Array.isArray) as unknown[] | undefined);
  if (!list) return null;
  const ids: number[] = [];
  for (const t of list) {
    const id = typeof t === 'number' ? t : record(t)?.['id'];
    if (typeof id !== 'number' || !Number.isInteger(id)) return null;
    ids.push(id);
  }
  return ids;
}

/**
 * The ids `marked` has beyond `plain` when `plain` is contained in it (as a multiset), else null. Tokenizing the same text
 * with and without a trailing `[/INST]`: a control token adds exactly one id, plain text adds three or more (`[`, `/`, `INST`, `]`).
 */
export function addedIds(plain: number[], marked: number[]): number[] | null {
  const left = new Map<number, number>();
  for (const id of marked) left.set(id, (left.get(id) ?? 0) + 1);
  for (const id of plain) {
    const n = left.get(id) ?? 0;
    if (n === 0) return null;
    left.set(id, n - 1);
  }
  return [...left].flatMap(([id, n]) => Array.from({ length: n }, () => id));
}
