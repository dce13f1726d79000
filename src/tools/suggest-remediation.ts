// suggest_remediation: a ready fix for a rule on one framework, filled from the finding (its URL, credential header, port,
// product), with apply steps and verify commands. A pure adapter over the knowledge base.
import * as z from 'zod/v4';
import { RULE_IDS } from '../engine/types.js';
import {
  FRAMEWORKS, FRAMEWORK_INFO, applicableFrameworks, chooseFramework, contextFromFinding, defaultFrameworkFor, isApplicable, isFramework,
  isRuleId, remediationFor, renderRemediationMarkdown,
} from '../knowledge/index.js';
import { FindingInputSchema, FrameworkSchema, RemediationSchema } from '../knowledge/schemas.js';
import type { FindingLike, RemediationContext } from '../knowledge/types.js';
import { defineTool, toolError } from './define.js';

export default defineTool({
  name: 'suggest_remediation',
  title: 'Suggest a remediation',
  description:
    'A ready-to-apply fix for a rule or finding on one framework: fastapi, starlette, flask, express, wrapper (the seed\'s ' +
    'decorator), vllm, tgi, ollama, llamacpp, sglang, litellm, localai, koboldcpp, nginx or caddy. Auth fixes fail closed at ' +
    'start-up when the key is not set, compare in constant time and cover every route; where a server cannot close the hole ' +
    'itself, the fix is a proxy in front plus its flags. With a finding, the framework defaults to its fingerprint and the ' +
    'code uses its real paths, header name and port. Returns code, apply steps, verify commands (curl and the re-scan) and Markdown.',
  input: z.object({
    rule: z.string().optional().describe(`A rule id: ${RULE_IDS.join(', ')}`),
    finding: FindingInputSchema.optional(),
    framework: z.string().optional().describe(`One of: ${FRAMEWORKS.join(', ')}. Default: from the finding's fingerprint when its confidence is at least 0.6 (else you are asked to name one), fastapi for a rule alone.`),
    url: z.string().optional().describe('The endpoint URL to fill in when no finding is given (e.g. http://10.0.0.5:8000/v1/chat/completions)'),
  }),
  output: RemediationSchema.extend({
    applicableFrameworks: z.array(FrameworkSchema),
    markdown: z.string(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args) {
    const finding = args.finding as FindingLike | undefined;
    const rule = args.rule ?? finding?.rule;
    if (!rule) return toolError(`Pass a rule id (one of: ${RULE_IDS.join(', ')}) or a finding from scan_endpoint.`);
    if (!isRuleId(rule)) return toolError(`Unknown rule "${rule}". Valid rules: ${RULE_IDS.join(', ')}.`);
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
        return toolError(`No framework was chosen for this finding: ${choice.reason}. Call suggest_remediation again with framework set to the one the server runs, e.g. one of: ${names.join(', ')}.`);
      }
      framework = choice.framework;
    }
    framework ??= defaultFrameworkFor(rule, finding ?? null);
    if (!isFramework(framework)) {
      return toolError(`Unknown framework "${framework}". Valid frameworks for ${rule}: ${valid.join(', ')}.`);
    }
    if (!isApplicable(rule, framework)) {
      return toolError(
        `There is no ${FRAMEWORK_INFO[framework].name} fix for ${rule}. Valid frameworks for this rule: ${valid.join(', ')}.`,
      );
    }
    let context: Partial<RemediationContext> | undefined;
    if (finding) context = contextFromFinding(finding, { framework });
    else if (args.url) {
      try {
        const u = new URL(args.url);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      } catch {
        return toolError(`"${args.url}" is not an http(s) URL: pass the endpoint as http://host:port/path, or leave url out.`);
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
