// Fingerprinting: which server, which version, which models, from the cheap phase only (GETs, headers, refusal shapes).
// Pure: every profile's detect runs over the same Signals; the best verdict wins, ties go to the more specific product.

import { ALL_PROFILES, MODEL_SOURCES, profileById, profileSpecificity } from '../profiles/index.js';
import type { Fingerprint, ProductId, ServerProfile, Signals } from '../types.js';
import { detectModelFamily, mistralTokenizerGeneration } from './model-family.js';
import { servedThrough } from './proxy.js';
import { asString, NAMING_THRESHOLD, okObjectAt } from './signals-read.js';

/** Below this, no profile is named: the product is 'unknown' (the candidates still list what was considered). */
export const MIN_CONFIDENCE = NAMING_THRESHOLD;

/** A backend named behind a proxy only when its own evidence is at least this strong. */
const BACKEND_CONFIDENCE = 0.5;

/** At most this many model ids are kept: a server may list thousands (or say anything it likes a thousand times). */
export const MAX_MODEL_IDS = 50;

/** Model ids the server states, read by every profile's model sources in profile order, deduplicated, at most MAX_MODEL_IDS. */
export function modelIdsFrom(signals: Signals): string[] {
  const ids: string[] = [];
  for (const source of MODEL_SOURCES) {
    for (const v of source.ids(signals)) {
      if (typeof v === 'string' && v.trim() !== '' && ids.length < MAX_MODEL_IDS && !ids.includes(v)) ids.push(v);
    }
  }
  return ids;
}

/** A chat template the server discloses without inference (llama.cpp /props, vLLM /tokenizer_info). */
export function chatTemplateFrom(signals: Signals): string | null {
  for (const path of ['/props', '/tokenizer_info']) {
    const t = asString(okObjectAt(signals, path)?.['chat_template']);
    if (t) return t;
  }
  return null;
}

export function fingerprint(signals: Signals, hint?: ProductId): Fingerprint {
  const proxy = servedThrough(signals);
  const withProxy = (fp: Omit<Fingerprint, 'servedThrough'>): Fingerprint => ({
    ...fp,
    signals: proxy ? [...fp.signals, proxy.signal] : fp.signals,
    servedThrough: proxy?.name ?? null,
  });
  const models = modelIdsFrom(signals);
  const chatTemplate = chatTemplateFrom(signals);
  const modelFamily = detectModelFamily({ modelIds: models, chatTemplate });
  const familySignals: string[] = [];
  if (modelFamily === 'mistral' && chatTemplate) {
    const gen = mistralTokenizerGeneration(chatTemplate);
    if (gen) familySignals.push(`chat template follows the Mistral ${gen} tokenizer${gen === 'v1' ? ' ([INST] is plain text)' : ''}`);
  }

  if (hint) {
    const profile = profileById(hint);
    return withProxy({
      product: hint,
      productName: profile.name,
      version: profile.version?.(signals) ?? null,
      confidence: 1,
      signals: [`hint: the caller said ${profile.name}`, ...familySignals],
      models,
      modelFamily,
      candidates: [],
    });
  }

  const verdicts = (ALL_PROFILES as readonly ServerProfile[])
    .map((profile) => ({ profile, ...profile.detect(signals) }))
    .filter((v) => v.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence || profileSpecificity(b.profile.id) - profileSpecificity(a.profile.id));
  const best = verdicts[0];

  if (!best || best.confidence < MIN_CONFIDENCE) {
    return withProxy({
      product: 'unknown',
      productName: null,
      version: null,
      confidence: 0,
      signals: [...(best ? best.signals.map((s) => `weak (${best.profile.id}): ${s}`) : []), ...familySignals],
      models,
      modelFamily,
      candidates: verdicts.map((v) => ({ product: v.profile.id, confidence: v.confidence })),
    });
  }

  const signalsOut = [...best.signals];
  // A gateway (LiteLLM) fronts any backend; its own markers win, but the backend's are worth saying.
  if (profileSpecificity(best.profile.id) === 3) {
    const backend = verdicts.find((v) => profileSpecificity(v.profile.id) === 2 && v.confidence >= BACKEND_CONFIDENCE);
    if (backend) signalsOut.push(`backend behind LiteLLM looks like ${backend.profile.name}: ${backend.signals[0] ?? ''}`);
  }
  return withProxy({
    product: best.profile.id,
    productName: best.profile.name,
    version: best.profile.version?.(signals) ?? null,
    confidence: best.confidence,
    signals: [...signalsOut, ...familySignals],
    models,
    modelFamily,
    candidates: verdicts.slice(1).map((v) => ({ product: v.profile.id, confidence: v.confidence })),
  });
}
