// gatecrash://checks/{rule}: the page of each rule in the catalog (see rule-page.ts for where the text comes from).
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';
import { RULES } from '../engine/rules/index.js';
import { RULE_IDS, type RuleId } from '../engine/types.js';
import type { RulePageRenderer } from './rule-page.js';

export const CHECK_URI_TEMPLATE = 'gatecrash://checks/{rule}';
export const checkUri = (rule: RuleId): string => `gatecrash://checks/${rule}`;

const isRuleId = (value: string): value is RuleId => (RULE_IDS as readonly string[]).includes(value);

/** `renderRulePage` defaults to the knowledge base's page (rule-page.ts), loaded by the first read. */
export function registerCheckResources(server: McpServer, renderRulePage?: RulePageRenderer): void {
  server.registerResource(
    'check',
    new ResourceTemplate(CHECK_URI_TEMPLATE, {
      list: () => ({
        resources: RULE_IDS.map((id) => ({
          uri: checkUri(id),
          name: id,
          title: RULES[id].title,
          description: `${RULES[id].check} · ${RULES[id].severity} · ${RULES[id].summary}`,
          mimeType: 'text/markdown',
        })),
      }),
      complete: { rule: (value) => RULE_IDS.filter((id) => id.startsWith(value)) },
    }),
    {
      title: 'Gatecrash rule',
      description: 'The knowledge-base page of a rule: what it finds, how Gatecrash proves it, the fix, CWE / OWASP / PCI DSS mappings.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const raw = Array.isArray(variables.rule) ? variables.rule[0] : variables.rule;
      let rule = raw ?? '';
      try {
        rule = decodeURIComponent(rule);
      } catch {
        // A malformed %-escape is simply not a rule id.
      }
      if (!isRuleId(rule)) throw new ResourceNotFoundError(uri.href, `No rule '${rule.slice(0, 80)}'. List resources or call list_checks for the rule ids.`);
      const render = renderRulePage ?? (await import('./rule-page.js')).knowledgeRulePage;
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: render(RULES[rule]) }] };
    },
  );
}
