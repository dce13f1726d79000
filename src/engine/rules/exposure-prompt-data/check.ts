// exposure.prompt-data — introspection routes that hand other users' prompts and outputs to anyone: llama.cpp `/slots`
// (in older builds, and in current ones started with LLAMA_SERVER_SLOTS_DEBUG=1, each slot keeps its last prompt and
// generation), SGLang `/get_server_info` (every launch argument, keys included, and
// internal state), LiteLLM `/spend/logs` (request logs, with the prompts when prompt storage is on). One GET each, no body.

import { isRecord, notServedHere, okJson, promptTexts, readWithoutCredentials } from '../../probes/open-reads.js';
import type { Exchange, Finding } from '../../types.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

interface Dump {
  path: string;
  /** A cheap-phase path the same server always serves alongside this one; 404 there means the server is not here. */
  marker: string;
  /** Decides whether the answer is this route's dump (not a SPA page, not an error), and what it reveals. */
  read(json: unknown): { what: string; prompts: string[]; secrets: string[]; secretValues?: string[] } | null;
}

/** A copy of the exchange whose response body no longer carries the keys the dump disclosed (the report must not spread them). */
function masked(ex: Exchange, values: string[]): Exchange {
  if (!ex.response || values.length === 0) return ex;
  let body = ex.response.body;
  for (const v of values) body = body.split(v).join('[REDACTED]');
  return { ...ex, response: { ...ex.response, body } };
}

const DUMPS: Dump[] = [
  {
    path: '/slots',
    marker: '/props', // llama.cpp has served /props since before /slots existed
    read(json) {
      if (!Array.isArray(json) || json.length === 0) return null;
      if (!json.every((s) => isRecord(s) && 'id' in s && ('n_ctx' in s || 'is_processing' in s || 'state' in s))) return null;
      const prompts = promptTexts(json);
      // Current builds list counters and sampling settings only, unless started with LLAMA_SERVER_SLOTS_DEBUG=1; older ones
      // always carry a `prompt` field, empty while the slot is idle. With no text and no such field, the route shows no
      // one's text, now or later.
      if (prompts.length === 0 && !json.some((s) => 'prompt' in s || 'generated' in s)) return null;
      return { what: `the state of ${json.length} llama.cpp slot(s)`, prompts, secrets: [] };
    },
  },
  {
    path: '/get_server_info',
    marker: '/get_model_info',
    read(json) {
      if (!isRecord(json) || typeof json['model_path'] !== 'string') return null;
      const argKeys = ['tp_size', 'port', 'host', 'mem_fraction_static', 'context_length', 'api_key', 'served_model_name'].filter((k) => k in json);
      if (argKeys.length < 2) return null;
      const keys = ['api_key', 'admin_api_key'].filter((k) => typeof json[k] === 'string' && (json[k] as string).length > 0);
      return {
        what: 'every SGLang launch argument and its internal state',
        prompts: promptTexts(json['internal_states'] ?? []),
        secrets: keys.map((k) => `${k} is set and shown in clear (masked in this report)`),
        secretValues: keys.map((k) => json[k] as string),
      };
    },
  },
  {
    path: '/spend/logs',
    marker: '/health/readiness',
    read(json) {
      if (!Array.isArray(json)) return null;
      if (!json.every((e) => isRecord(e) && ('request_id' in e || 'spend' in e || 'call_type' in e))) return null;
      return {
        what: `${json.length} LiteLLM spend log entr${json.length === 1 ? 'y' : 'ies'} (callers, keys' hashes, models, cost)`,
        prompts: promptTexts(json),
        secrets: [],
      };
    },
  },
];

/**
 * The dumps worth asking for: those the identified server has; when the server is unknown, those of every server that may
 * still be behind it (its marker path was not answered 404).
 */
function pathsToRead(ctx: CheckContext): Dump[] {
  const listed = new Set(ctx.surface.routes.filter((r) => r.method === 'GET').map((r) => r.path));
  const known = ctx.surface.fingerprint.product !== 'unknown';
  return DUMPS.filter((d) => (known ? listed.has(d.path) || ctx.surface.signals.byPath[d.path] : !notServedHere(ctx, d.marker)));
}

export default defineCheck(family, {
  id: 'exposure-prompt-data',
  depth: 'standard',
  async run(ctx) {
    const dumps = pathsToRead(ctx);
    const answers: Exchange[] = await Promise.all(
      dumps.map((d) => readWithoutCredentials(ctx, d.path, `prompt-data exposure: GET ${d.path} without credentials`)),
    );
    const findings: Finding[] = [];
    dumps.forEach((dump, i) => {
      const exchange = answers[i]!;
      const seen = dump.read(okJson(exchange));
      if (!seen) return;
      const proven = seen.prompts.length > 0 || seen.secrets.length > 0;
      findings.push(
        ctx.finding({
          rule: 'exposure.prompt-data',
          // Prompt text or a key on screen is the data itself; a readable dump with none in it yet still hands over the next one.
          confidence: proven ? 'confirmed' : 'firm',
          description:
            `GET ${dump.path} returns ${seen.what} to a request without credentials` +
            (seen.prompts.length ? `, including prompt or output text (${seen.prompts[0]})` : ', which shows the prompts and outputs of requests as they run') +
            (seen.secrets.length ? `; ${seen.secrets.join(', ')}` : '') +
            '.',
          exchange: masked(exchange, seen.secretValues ?? []),
          notes: [...seen.prompts.map((p) => `prompt text: ${p}`), ...seen.secrets],
        }),
      );
    });
    return findings;
  },
});
