// Small shared pieces for the rule files: standard server fixes and manual-check helpers.
import { check, curl } from '../curl.js';
import { FRAMEWORK_INFO } from '../framework-info.js';
import type { ServerFix } from '../model.js';
import type { AppFramework, ManualCheck, RemediationContext, ServerFramework } from '../types.js';

export const ALL_APPS: AppFramework[] = ['fastapi', 'starlette', 'flask', 'express'];

const KEY_VAR: Record<ServerFramework, string> = {
  vllm: 'VLLM_API_KEY',
  tgi: 'API_KEY',
  ollama: '',
  llamacpp: 'LLAMA_API_KEY',
  sglang: 'SGLANG_API_KEY',
  litellm: 'LITELLM_MASTER_KEY',
  localai: 'LOCALAI_API_KEY',
  koboldcpp: 'KOBOLDCPP_PASSWORD',
};

export function serverKeyVar(s: ServerFramework): string {
  return KEY_VAR[s];
}

/** "Starts X only with a real key" — the fix for servers whose own key check is sound once it is configured. */
export function keyedStart(s: Exclude<ServerFramework, 'ollama'>, extra = ''): ServerFix {
  const name = FRAMEWORK_INFO[s].name;
  const v = KEY_VAR[s];
  return {
    aspects: ['key'],
    focus:
      `Starts ${name} only with a real key: the script stops when ${v} is unset, empty or a placeholder, so ${name} can never run ` +
      `with authentication off or with a key an attacker can guess.${extra ? ` ${extra}` : ''}`,
  };
}

export function withAspects(fix: ServerFix, ...aspects: ServerFix['aspects']): ServerFix {
  return { ...fix, aspects: [...new Set([...fix.aspects, ...aspects])] };
}

export const ollamaBehindProxy = (focus: string): ServerFix => ({ aspects: ['loopback'], needsProxy: true, focus });

/** The request without any credentials, and with the key: the two checks most rules start from. */
export function refusedWithoutKey(ctx: RemediationContext, path = ctx.path, method = ctx.method): ManualCheck[] {
  return [check('Without credentials', curl(ctx, { path, method }), '401 (or 403)'), check('With the key', curl(ctx, { path, method, keyed: true }), '200')];
}

/** An empty value of the credential header (curl's `Name;` form sends the header with no value). */
export function emptyHeader(ctx: RemediationContext): string {
  return `${ctx.headerName};`;
}

/** A header carrying a placeholder value, with the scheme when the server uses one. */
export function placeholderHeader(ctx: RemediationContext, value: string): string {
  return `${ctx.headerName}: ${ctx.scheme === 'Bearer' ? 'Bearer ' : ''}${value}`;
}

/** The JSON body with a huge generation limit for the product's shape. */
export function hugeLimitBody(ctx: RemediationContext): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(ctx.body) as Record<string, unknown>;
  } catch {
    parsed = { [ctx.promptField]: 'Hello' };
  }
  switch (ctx.product) {
    case 'tgi':
      return JSON.stringify({ ...parsed, parameters: { ...(parsed['parameters'] as object | undefined), max_new_tokens: 1000000 }, stream: true });
    case 'ollama':
      return JSON.stringify({ ...parsed, options: { ...(parsed['options'] as object | undefined), num_predict: 1000000 }, stream: true });
    case 'llamacpp':
      return JSON.stringify({ ...parsed, n_predict: 1000000, stream: true });
    case 'koboldcpp':
      return JSON.stringify({ ...parsed, max_length: 1000000 });
    case null:
    case 'fastapi':
      return JSON.stringify({ ...parsed, max_tokens: 1000000 });
    default:
      return JSON.stringify({ ...parsed, max_tokens: 1000000, stream: true });
  }
}

/** The context's request body with its prompt replaced by `text` (chat messages, a prompt field, or the wrapper's field). */
export function bodyWithPrompt(ctx: RemediationContext, text: string): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(ctx.body) as Record<string, unknown>;
  } catch {
    return JSON.stringify({ [ctx.promptField]: text });
  }
  if (Array.isArray(parsed['messages'])) return JSON.stringify({ ...parsed, messages: [{ role: 'user', content: text }] });
  const field = [ctx.promptField, 'prompt', 'inputs', 'text', 'input', 'query'].find((k) => typeof parsed[k] === 'string');
  return JSON.stringify({ ...parsed, [field ?? ctx.promptField]: text });
}

/** base64url of a JSON value (pure: no Buffer needed for ASCII JSON). */
export function b64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += alphabet[(n >> 18) & 63]! + alphabet[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) out += alphabet[(n >> 6) & 63]!;
    if (i + 2 < bytes.length) out += alphabet[n & 63]!;
  }
  return out;
}
