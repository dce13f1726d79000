// exposure.model-inventory — model lists and metadata readable without credentials (low), escalated to medium when they
// disclose file-system paths or the chat template. Reads only the cheap phase's GETs (discovery already sent them
// without credentials): sends nothing. One finding for the whole family, naming every route that answered.

import { disclosedPaths, isRecord, okJson } from '../../probes/open-reads.js';
import type { Exchange } from '../../types.js';
import { quote, quoteList } from '../../untrusted.js';
import { defineCheck } from '../define.js';
import family from './index.js';

interface Reading {
  path: string;
  exchange: Exchange;
  /** What the route states, in words ("2 model ids", "model_id, max_total_tokens"). */
  states: string;
  paths: string[];
  template: boolean;
}

/** What an inventory route answered, or null when the answer is not inventory (an error, a page, an empty list). */
function readInventory(path: string, json: unknown): Omit<Reading, 'path' | 'exchange'> | null {
  const paths = disclosedPaths(json);
  const template = isRecord(json) && typeof json['chat_template'] === 'string' && json['chat_template'].trim().length > 0;
  const base = { paths, template };
  switch (path) {
    case '/v1/models':
    case '/models': {
      const data = isRecord(json) ? json['data'] : undefined;
      if (!Array.isArray(data)) return null;
      const ids = data.filter((m) => isRecord(m) && typeof m['id'] === 'string').map((m) => (m as Record<string, string>)['id']!);
      return ids.length ? { ...base, states: `${ids.length} model id(s): ${quoteList(ids, 3, 80)}` } : null;
    }
    case '/api/tags': {
      const models = isRecord(json) ? json['models'] : undefined;
      if (!Array.isArray(models) || models.length === 0) return null;
      return { ...base, states: `${models.length} local model(s) with sizes and digests` };
    }
    case '/info':
      return isRecord(json) && typeof json['model_id'] === 'string'
        ? { ...base, states: `model ${quote(json['model_id'], 80)} with its limits and build` }
        : null;
    case '/props':
      return isRecord(json) && ('model_path' in json || 'default_generation_settings' in json || 'chat_template' in json)
        ? { ...base, states: 'server properties (model, generation defaults, slots)' }
        : null;
    case '/get_model_info':
      return isRecord(json) && typeof json['model_path'] === 'string' ? { ...base, states: 'model and tokenizer paths' } : null;
    default:
      return null;
  }
}

const INVENTORY_PATHS = ['/props', '/get_model_info', '/info', '/v1/models', '/models', '/api/tags'];

export default defineCheck(family, {
  id: 'exposure-model-inventory',
  depth: 'quick',
  async run(ctx) {
    const readings: Reading[] = [];
    for (const path of INVENTORY_PATHS) {
      const exchange = ctx.surface.signals.byPath[path];
      if (exchange?.probe.method.toUpperCase() !== 'GET' || exchange.probe.credentials === 'user') continue;
      const r = readInventory(path, okJson(exchange));
      if (r) readings.push({ path, exchange, ...r });
    }
    if (readings.length === 0) return [];
    const serious = readings.filter((r) => r.paths.length > 0 || r.template);
    const main = serious[0] ?? readings[0]!;
    const others = readings.filter((r) => r !== main);
    const disclosures = [
      ...new Set(serious.flatMap((r) => [...r.paths.map((p) => `file path ${p}`), ...(r.template ? [`the chat template (GET ${r.path})`] : [])])),
    ];
    const listed = readings.map((r) => `GET ${r.path} → ${r.states}`);
    return [
      ctx.finding({
        rule: 'exposure.model-inventory',
        confidence: 'confirmed',
        severity: serious.length ? 'medium' : 'low',
        description:
          `The model inventory is readable without credentials: ${listed.join('; ')}.` +
          (disclosures.length ? ` It discloses ${disclosures.slice(0, 3).join(', ')}, which maps the host and the prompt format for an attacker.` : ''),
        exchange: main.exchange,
        ...(others.length ? { extra: others.map((r) => r.exchange) } : {}),
        notes: [...listed, ...disclosures],
      }),
    ];
  },
});
