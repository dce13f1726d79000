// Every rule's knowledge, keyed by rule id, built from the explanations the rule families hold (src/engine/rules/*):
// the catalog's summary opens `what`, its remediation line opens the fix, and the helpers are handed in here.
import { EXPLANATIONS, RULES } from '../../engine/rules/index.js';
import { RULE_IDS, type RuleId } from '../../engine/types.js';
import type { RuleExplanation, RuleKnowledge } from '../model.js';
import { COMMON_LINKS } from '../references.js';
import { FIX_KIT, MANUAL_CHECK_KIT } from './kit.js';

function knowledgeOf(rule: RuleId, e: RuleExplanation): RuleKnowledge {
  const meta = RULES[rule];
  const { detail, ...parts } = e.fix(FIX_KIT);
  return {
    rule,
    what: `${meta.summary} ${e.what}`,
    why: e.why,
    howProved: e.howProved,
    falsePositives: e.falsePositives,
    manualChecks: (ctx) => e.manualChecks(ctx, MANUAL_CHECK_KIT),
    ...(e.relatedCwe ? { relatedCwe: e.relatedCwe } : {}),
    ...(e.links ? { links: e.links.map((l) => (typeof l === 'string' ? COMMON_LINKS[l] : l)) } : {}),
    fix: { summary: `${meta.remediation} ${detail}`, ...parts },
  };
}

export const KNOWLEDGE: Record<RuleId, RuleKnowledge> = Object.fromEntries(RULE_IDS.map((rule) => [rule, knowledgeOf(rule, EXPLANATIONS[rule])])) as Record<
  RuleId,
  RuleKnowledge
>;
