// Explanations: the long form of a rule, for explain_finding, the Markdown report and SARIF help.
import { RULES } from '../engine/rules/index.js';
import type { RuleId } from '../engine/types.js';
import { contextFromFinding } from './context.js';
import { COMMON_LINKS, cweReference, owaspApiReference, owaspLlmReference, pciReference } from './references.js';
import { applicableFrameworks, defaultContextForRule, defaultFrameworkFor, knowledgeFor } from './remediation.js';
import { chooseFramework } from './stack-fix.js';
import type { Explanation, FindingLike, References } from './types.js';

export function referencesFor(rule: RuleId): References {
  const meta = RULES[rule];
  const k = knowledgeFor(rule);
  const cwe = [...meta.cwe, ...(k.relatedCwe ?? []).filter((c) => !meta.cwe.includes(c))].map(cweReference);
  const links = [...(k.links ?? [])];
  if (meta.owasp.length && !links.some((l) => l.url === COMMON_LINKS.owaspApiTop10.url)) links.push(COMMON_LINKS.owaspApiTop10);
  if (meta.owaspLlm.length && !links.some((l) => l.url === COMMON_LINKS.owaspLlmTop10.url)) links.push(COMMON_LINKS.owaspLlmTop10);
  return {
    cwe,
    owaspApi: meta.owasp.map(owaspApiReference),
    owaspLlm: meta.owaspLlm.map(owaspLlmReference),
    pci: meta.pci.map(pciReference),
    links,
  };
}

/**
 * Everything about a rule, filled in from a finding when one is given: the finding's severity and confidence, manual
 * checks against its real URL, header and port, and the framework its fingerprint points at.
 * Throws UnknownRuleError for a rule id the catalog does not know.
 */
export function explainRule(rule: string, finding?: FindingLike | null): Explanation {
  const k = knowledgeFor(rule);
  const meta = RULES[k.rule];
  // A finding's fingerprint recommends only when it is sure enough (stack-fix.ts); a rule alone gets the documented default.
  const recommendedFramework = finding?.server
    ? chooseFramework(k.rule, { product: finding.server.product ?? null, confidence: finding.server.confidence ?? null }).framework
    : defaultFrameworkFor(k.rule, finding ?? null);
  const contextFramework = recommendedFramework ?? defaultFrameworkFor(k.rule, null);
  const ctx = finding ? contextFromFinding(finding, { framework: contextFramework }) : defaultContextForRule(k.rule, contextFramework);
  return {
    rule: k.rule,
    title: meta.title,
    check: meta.check,
    severity: finding?.severity ?? meta.severity,
    confidence: finding?.confidence ?? null,
    depth: meta.depth,
    needs: meta.needs ?? null,
    summary: meta.summary,
    what: k.what,
    whyItMatters: k.why,
    howProved: [...k.howProved],
    falsePositives: [...k.falsePositives],
    manualChecks: k.manualChecks(ctx),
    references: referencesFor(k.rule),
    remediation: k.fix.summary,
    applicableFrameworks: applicableFrameworks(k.rule),
    recommendedFramework,
    finding: finding
      ? {
          id: finding.id ?? null,
          description: finding.description ?? null,
          endpoint: finding.endpoint?.url ? { method: finding.endpoint.method ?? 'POST', url: finding.endpoint.url } : null,
          server: finding.server
            ? {
                untrusted: ['version'],
                product: finding.server.product ?? null,
                version: finding.server.version ?? null,
                modelFamily: finding.server.modelFamily ?? null,
              }
            : null,
        }
      : null,
  };
}
