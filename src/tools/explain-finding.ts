// explain_finding: what a finding (or rule) is, why it matters, how Gatecrash proved it, how to check a fix by hand, and
// its CWE / OWASP / PCI DSS references. A pure adapter over the knowledge base.
import * as z from 'zod/v4';
import { RULE_IDS } from '../engine/types.js';
import { explainRule, isRuleId, renderExplanationMarkdown } from '../knowledge/index.js';
import { ExplanationSchema, FindingInputSchema } from '../knowledge/schemas.js';
import type { FindingLike } from '../knowledge/types.js';
import { defineTool, toolError } from './define.js';

export default defineTool({
  name: 'explain_finding',
  title: 'Explain a Gatecrash finding',
  description:
    'Explains a finding or a rule: what it is, why it matters, how Gatecrash proved it, when it may be wrong, curl lines to ' +
    'check a fix by hand (filled with the finding\'s real URL, credential header and port), CWE / OWASP API 2023 / OWASP LLM ' +
    '2025 / PCI DSS 4.0 references, and which frameworks suggest_remediation has a fix for. Pass either `rule` (e.g. ' +
    '"auth.missing") or a `finding` from scan_endpoint.',
  input: z.object({
    rule: z.string().optional().describe(`A rule id: ${RULE_IDS.join(', ')}`),
    finding: FindingInputSchema.optional(),
  }),
  output: ExplanationSchema.extend({ markdown: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args) {
    const finding = args.finding as FindingLike | undefined;
    const rule = args.rule ?? finding?.rule;
    if (!rule) return toolError(`Pass a rule id (one of: ${RULE_IDS.join(', ')}) or a finding from scan_endpoint.`);
    if (!isRuleId(rule)) return toolError(`Unknown rule "${rule}". Valid rules: ${RULE_IDS.join(', ')}.`);
    if (args.rule && finding && finding.rule !== args.rule) {
      return toolError(`The rule "${args.rule}" and the finding's rule "${finding.rule}" differ: pass one of them, or make them agree.`);
    }
    const explanation = explainRule(rule, finding ?? null);
    const markdown = renderExplanationMarkdown(explanation);
    return { content: [{ type: 'text', text: markdown }], structuredContent: { ...explanation, markdown } };
  },
});
