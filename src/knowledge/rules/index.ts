// Every rule's knowledge, keyed by rule id. The Record type makes a missing rule a compile error.
import type { RuleId } from '../../engine/types.js';
import type { RuleKnowledge } from '../model.js';
import { AUTH_RULES } from './auth.js';
import { CONFIG_RULES } from './config.js';
import { COST_RULES } from './cost.js';
import { EXPOSURE_RULES } from './exposure.js';
import { LLM_RULES } from './llm.js';
import { VULN_RULES } from './vuln.js';

function byRule(list: RuleKnowledge[]): Record<RuleId, RuleKnowledge> {
  const out: Partial<Record<RuleId, RuleKnowledge>> = {};
  for (const k of list) {
    if (out[k.rule]) throw new Error(`knowledge for ${k.rule} is defined twice`);
    out[k.rule] = k;
  }
  return out as Record<RuleId, RuleKnowledge>;
}

export const KNOWLEDGE: Record<RuleId, RuleKnowledge> = byRule([
  ...AUTH_RULES,
  ...CONFIG_RULES,
  ...EXPOSURE_RULES,
  ...LLM_RULES,
  ...COST_RULES,
  ...VULN_RULES,
]);
