// suggest_remediation: a ready fix for a rule on one framework, filled from the finding (its URL, credential header, port,
// product), with apply steps and verify commands. A pure adapter over the knowledge base, loaded by the first call.
import * as z from 'zod/v4';
import type { RemediationContext } from '../knowledge/types.js';
import { defineTool, toolError } from './define.js';
import { findingInputs, resolveFinding } from './finding-input.js';
import { RemediationOutputSchema } from './knowledge-output.js';

export default defineTool({
  name: 'suggest_remediation',
  title: 'Suggest a remediation',
  description:
    'A ready fix for a finding or rule on one framework (fastapi, flask, express, vllm, tgi, ollama, llamacpp, nginx, caddy, …): ' +
    "code with the finding's real paths, header and port, apply steps and verify commands. Auth fixes fail closed.",
  input: z.object({
    ...findingInputs,
    rule: z.string().max(100).optional().describe('A rule id, e.g. auth.missing (list_checks)'),
    framework: z.string().max(40).optional().describe("Default: the finding's server if identified surely (else you are asked), else fastapi"),
    url: z.string().max(2048).optional().describe('The endpoint URL to fill in when no finding is given'),
  }),
  output: RemediationOutputSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(args) {
    const resolved = await resolveFinding(args);
    if ('error' in resolved) return toolError(resolved.error);
    const { finding } = resolved;
    const { RULE_IDS } = await import('../engine/types.js');
    const {
      FRAMEWORK_INFO,
      applicableFrameworks,
      chooseFramework,
      contextFromFinding,
      defaultFrameworkFor,
      isApplicable,
      isFramework,
      isRuleId,
      remediationFor,
      renderRemediationMarkdown,
    } = await import('../knowledge/index.js');
    const rule = args.rule ?? finding?.rule;
    if (!rule) return toolError('Pass findingId (from scan_endpoint), a finding object, or a rule id (list_checks names them).');
    if (!isRuleId(rule)) return toolError(`Unknown rule "${rule.slice(0, 100)}". Valid rules: ${RULE_IDS.join(', ')}.`);
    if (args.rule && finding && finding.rule !== args.rule) {
      return toolError(`The rule "${args.rule}" and the finding's rule "${finding.rule}" differ: pass one of them, or make them agree.`);
    }
    const valid = applicableFrameworks(rule);
    // A finding's fingerprint chooses only when it is sure enough; a rule alone gets the documented default.
    let framework = args.framework;
    if (framework === undefined && finding?.server) {
      const choice = chooseFramework(rule, { product: finding.server.product ?? null, confidence: finding.server.confidence ?? null });
      if (!choice.framework) {
        const names = choice.candidates.map((c) => `${c.framework}${c.confidence !== null ? ` (${Math.round(c.confidence * 100)}%)` : ''}`);
        return toolError(
          `No framework was chosen for this finding: ${choice.reason}. Call suggest_remediation again with ` +
            `framework set to the one the server runs, e.g. one of: ${names.join(', ')}.`,
        );
      }
      framework = choice.framework;
    }
    framework ??= defaultFrameworkFor(rule, finding ?? null);
    if (!isFramework(framework)) {
      return toolError(`Unknown framework "${framework.slice(0, 40)}". Valid frameworks for ${rule}: ${valid.join(', ')}.`);
    }
    if (!isApplicable(rule, framework)) {
      return toolError(`There is no ${FRAMEWORK_INFO[framework].name} fix for ${rule}. Valid frameworks for this rule: ${valid.join(', ')}.`);
    }
    let context: Partial<RemediationContext> | undefined;
    if (finding) context = contextFromFinding(finding, { framework });
    else if (args.url) {
      try {
        const u = new URL(args.url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      } catch {
        return toolError(`"${args.url.slice(0, 200)}" is not an http(s) URL: pass the endpoint as http://host:port/path, or leave url out.`);
      }
      // As if a finding of this rule had been made at this URL: its path becomes the route to serve or to close.
      context = contextFromFinding({ rule, endpoint: { method: 'POST', url: args.url } }, { framework });
    }
    const snippet = remediationFor(rule, framework, context);
    const markdown = renderRemediationMarkdown(snippet);
    const { rules: _rules, ...rest } = snippet;
    return {
      content: [{ type: 'text', text: markdown }],
      structuredContent: { ...rest, applicableFrameworks: valid, markdown },
    };
  },
});
