// Shared readers for the exposure checks (not a check itself): reuse the cheap phase's GETs, walk untrusted JSON,
// recognise file paths and prompt text. Pure except `readWithoutCredentials`, which sends through ctx.send.

import type { CheckContext } from '../rules/define.js';
import type { Exchange } from '../types.js';
import { quote } from '../untrusted.js';

/**
 * The answer to a credential-less GET of `path`: the cheap phase's exchange when discovery already sent it (never sent
 * twice), otherwise one GET through the budgeted client.
 */
export async function readWithoutCredentials(ctx: CheckContext, path: string, purpose: string): Promise<Exchange> {
  const seen = ctx.surface.signals.byPath[path];
  if (seen && seen.probe.method.toUpperCase() === 'GET' && seen.probe.credentials !== 'user' && !seen.probe.headers && !seen.probe.host) return seen;
  return ctx.send({ method: 'GET', path, purpose });
}

/**
 * Discovery's credential-less GET of `marker` was answered 404 (or not sent, because no known product answered the first
 * round of the cheap phase): the server that always serves `marker` is not behind this origin, so its other
 * product-specific routes need not be asked for. An auth layer that refuses every path before routing (401) leaves every
 * product possible; only "not found" rules one out.
 */
export function notServedHere(ctx: Pick<CheckContext, 'surface'>, marker: string): boolean {
  const { byPath, notAsked } = ctx.surface.signals;
  return byPath[marker]?.response?.status === 404 || Boolean(notAsked?.includes(marker));
}

export function ok(ex: Exchange | undefined): boolean {
  const s = ex?.response?.status;
  return s !== undefined && s >= 200 && s < 300;
}

/** JSON of a 2xx answer, or undefined (HTML, text, errors). */
export function okJson(ex: Exchange | undefined): unknown {
  if (!ok(ex)) return undefined;
  const text = ex!.response!.body.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Visits every string in a JSON value with its key (array items inherit the array's key), depth-limited. */
export function walkStrings(value: unknown, visit: (key: string, value: string, path: string) => void, key = '', path = '', depth = 0): void {
  if (depth > 8) return;
  if (typeof value === 'string') visit(key, value, path);
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) walkStrings(v, visit, key, `${path}[${i}]`, depth + 1);
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) walkStrings(v, visit, k, path ? `${path}.${k}` : k, depth + 1);
}

/** An absolute file-system path (POSIX with at least two segments, or a Windows drive path); URLs and routes excluded by the caller's choice of keys. */
export function looksLikeFilesystemPath(s: string): boolean {
  const t = s.trim();
  if (t.length > 1024 || /\s{2,}|\n/.test(t)) return false;
  if (/^[A-Za-z]:\\[^\\]/.test(t)) return true;
  return /^\/(?:[^/\0\s]+\/)+[^/\0\s]*$/.test(t) || /^\/[^/\0\s]+\.(?:gguf|bin|safetensors|ggml|pt|pth|onnx|model)$/i.test(t);
}

/** Keys under which servers state where a model lives. */
const PATH_KEYS = /^(?:model_path|tokenizer_path|model|model_id|model_name|id|name|root|parent|path|download_dir|model_dir|.*_path|.*_dir|.*_file)$/i;

/** File-system paths a metadata document discloses, as `⟦key⟧: ⟦value⟧` (the server's words, quoted; deduplicated, at most 5). */
export function disclosedPaths(json: unknown): string[] {
  const out = new Set<string>();
  walkStrings(json, (key, value, path) => {
    if (PATH_KEYS.test(key) && looksLikeFilesystemPath(value)) out.add(`${quote(path, 60)}: ${quote(value, 160)}`);
  });
  return [...out].slice(0, 5);
}

/** Keys under which request logs and slot dumps keep what a user sent or got back. */
const PROMPT_KEYS = /^(?:prompt|prompts|messages|content|text|input|inputs|query|generated|generated_text|response|completion|output)$/i;

/** Prompt or output text found in a dump, as `⟦path⟧: ⟦text…⟧` (the server's words, quoted; at most 3). */
export function promptTexts(json: unknown): string[] {
  const out: string[] = [];
  walkStrings(json, (key, value, path) => {
    if (out.length >= 3) return;
    if (PROMPT_KEYS.test(key) && value.trim().length > 0) {
      out.push(`${quote(path, 60)}: ${quote(value, 60)}`);
    }
  });
  return out;
}
