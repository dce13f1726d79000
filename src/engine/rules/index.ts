// Every rule family's pure half (catalog entries and explanations), and what derives from them: the rule catalog and the
// explanations the knowledge base reads. The checks are listed in checks.ts. test/engine/rules.test.ts fails when a rule
// id has no family, a family has no check, or a folder is not registered: never a report saying "not implemented".
import type { RuleExplanation } from '../../knowledge/model.js';
import { RULE_IDS, type RuleId } from '../types.js';
import authAdminExposed from './auth-admin-exposed/index.js';
import authAlternatePath from './auth-alternate-path/index.js';
import authBruteForce from './auth-brute-force/index.js';
import authCredentialsIgnored from './auth-credentials-ignored/index.js';
import authHeaderBypass from './auth-header-bypass/index.js';
import authHostHeader from './auth-host-header/index.js';
import authJwt from './auth-jwt/index.js';
import authMethodOverride from './auth-method-override/index.js';
import authMissing from './auth-missing/index.js';
import authPathConfusion from './auth-path-confusion/index.js';
import authWeakKey from './auth-weak-key/index.js';
import corsPermissive from './cors-permissive/index.js';
import costRateLimit from './cost-rate-limit/index.js';
import costUnbounded from './cost-unbounded/index.js';
import type { RuleDefinition, RuleFamily, RuleMeta } from './define.js';
import exposureApiDocs from './exposure-api-docs/index.js';
import exposureDebugMode from './exposure-debug-mode/index.js';
import exposureMetrics from './exposure-metrics/index.js';
import exposureModelInventory from './exposure-model-inventory/index.js';
import exposurePromptData from './exposure-prompt-data/index.js';
import exposureVerboseErrors from './exposure-verbose-errors/index.js';
import knownAdvisory from './known-advisory/index.js';
import llmSystemPrompt from './llm-system-prompt/index.js';
import llmTemplateInjection from './llm-template-injection/index.js';
import llmTemplateLeak from './llm-template-leak/index.js';
import transportCleartext from './transport-cleartext/index.js';

export const FAMILIES: readonly RuleFamily[] = [
  authMissing,
  authHeaderBypass,
  authBruteForce,
  authWeakKey,
  authJwt,
  authCredentialsIgnored,
  authAdminExposed,
  authAlternatePath,
  authHostHeader,
  authPathConfusion,
  authMethodOverride,
  transportCleartext,
  corsPermissive,
  exposurePromptData,
  exposureModelInventory,
  exposureMetrics,
  exposureApiDocs,
  exposureVerboseErrors,
  exposureDebugMode,
  knownAdvisory,
  llmTemplateLeak,
  llmTemplateInjection,
  llmSystemPrompt,
  costUnbounded,
  costRateLimit,
];

const DEFINITIONS = new Map<RuleId, RuleDefinition>();
for (const rule of FAMILIES.flatMap((f) => f.rules)) {
  if (DEFINITIONS.has(rule.id)) throw new Error(`rule ${rule.id} is defined twice`);
  DEFINITIONS.set(rule.id, rule);
}

/** One entry per rule id, in RULE_IDS order; a rule no family defines is left out (and fails the registry's test). */
function byRule<T>(pick: (rule: RuleDefinition) => T): Record<RuleId, T> {
  const out: Partial<Record<RuleId, T>> = {};
  for (const id of RULE_IDS) {
    const rule = DEFINITIONS.get(id);
    if (rule) out[id] = pick(rule);
  }
  return out as Record<RuleId, T>;
}

/** The rule catalog, in RULE_IDS order (reports and SARIF list rules in that order). */
export const RULES: Record<RuleId, RuleMeta> = byRule(({ explanation: _explanation, ...meta }) => meta);

/** The long form of every rule; only the knowledge base reads it (src/knowledge/rules.ts). */
export const EXPLANATIONS: Record<RuleId, RuleExplanation> = byRule((rule) => rule.explanation);

/** Rule ids of RULE_IDS that no family defines (empty; a test keeps it so). */
export const RULES_WITHOUT_FAMILY: readonly RuleId[] = RULE_IDS.filter((id) => !DEFINITIONS.has(id));

/** Rules a family defines that RULE_IDS (the public list of ids) does not name. */
export const UNLISTED_RULES: readonly string[] = [...DEFINITIONS.keys()].filter((id) => !RULE_IDS.includes(id));
