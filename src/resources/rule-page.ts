// The page gatecrash://checks/{rule} serves: what the rule finds, why it matters, how it is proven, when it may be wrong,
// the fix, manual checks and references. The knowledge base (src/knowledge) owns that text; the rule catalog's own
// page (src/engine/rules.ts, the help SARIF falls back to) stands in for a rule the knowledge base cannot explain.
// registerCheckResources(server, renderRulePage) takes any other renderer.
import type { RuleMeta } from '../engine/rules/define.js';
import { explainRule, renderExplanationMarkdown } from '../knowledge/index.js';
import { defaultRuleHelp } from '../report/sarif.js';

export type RulePageRenderer = (rule: RuleMeta) => string;

/** The catalog's own page for a rule: title, classification, summary, remediation, mappings, and where to go next. */
export const catalogRulePage: RulePageRenderer = (meta) => {
  const facts = [
    `- Rule: \`${meta.id}\``,
    `- Check: ${meta.check}`,
    `- Default severity: ${meta.severity}`,
    `- Runs at depth: ${meta.depth}${meta.depth === 'quick' ? ' (every scan)' : ''}`,
    ...(meta.needs
      ? [`- Needs: ${meta.needs === 'key' ? 'your API key (--header / --bearer, or the headers argument)' : 'a JWT among your credentials'}`]
      : []),
  ];
  const next = [
    '## With Gatecrash',
    `- \`explain_finding\` with a finding of this rule for the long explanation and the manual checks.`,
    `- \`suggest_remediation\` with the finding and your framework for a fix that fails closed.`,
    `- \`verify_fix\` after the change, to prove the finding is gone.`,
  ];
  // The catalog help opens with a bold title line the facts above already carry; the rest is summary, fix and mappings.
  const help = defaultRuleHelp(meta).markdown.split('\n\n').slice(1).join('\n\n');
  return `# ${meta.title}\n\n${facts.join('\n')}\n\n${help}\n\n${next.join('\n')}\n`;
};

/** The knowledge base's explanation of the rule, or the catalog page when it has none. */
export const knowledgeRulePage: RulePageRenderer = (meta) => {
  try {
    return renderExplanationMarkdown(explainRule(meta.id));
  } catch {
    return catalogRulePage(meta);
  }
};
