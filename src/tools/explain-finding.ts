// explain_finding: what a finding (or rule) is, why it matters, how Gatecrash proved it, how to check a fix by hand, and
// its CWE / OWASP / PCI DSS references. A pure adapter over the knowledge base, loaded by the first call.
import * as z from 'zod/v4';
import { defineTool, toolError } from './define.js';
import { findingInputs, resolveFinding } from './finding-input.js';
import { ExplanationOutputSchema } from './knowledge-output.js';

export default defineTool({
  name: 'explain_finding',
  title: 'Explain a Gatecrash finding',
  description:
    'Explains a finding or rule: what it is, why it matters, how it was proved, false positives, curl lines to check a fix ' +
    'by hand, and CWE / OWASP / PCI DSS references. Pass findingId (from scan_endpoint) or rule.',
  input: z.object({
    ...findingInputs,
    rule: z.string().max(100).optional().describe('A rule id, e.g. auth.missing (list_checks)'),
  }),
  output: ExplanationOutputSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args) {
    const resolved = await resolveFinding(args);
    if ('error' in resolved) return toolError(resolved.error);
    const { finding } = resolved;
    const { RULE_IDS } = await import('../engine/types.js');
    const { explainRule, isRuleId, renderExplanationMarkdown } = await import('../knowledge/index.js');
    const rule = args.rule ?? finding?.rule;
    if (!rule) return toolError('Pass findingId (from scan_endpoint), a finding object, or a rule id (list_checks names them).');
    if (!isRuleId(rule)) return toolError(`Unknown rule "${rule.slice(0, 100)}". Valid rules: ${RULE_IDS.join(', ')}.`);
    if (args.rule && finding && finding.rule !== args.rule) {
      return toolError(`The rule "${args.rule}" and the finding's rule "${finding.rule}" differ: pass one of them, or make them agree.`);
    }
    const explanation = explainRule(rule, finding ?? null);
    const markdown = renderExplanationMarkdown(explanation);
    return { content: [{ type: 'text', text: markdown }], structuredContent: { ...explanation, markdown } };
  },
});
