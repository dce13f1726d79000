// list_checks: the rule catalog (ids, severities, mappings, depth). Pure, local.
import * as z from 'zod/v4';
import { RULES } from '../engine/rules/index.js';
import { defineTool } from './define.js';

/** Declares what an assistant reads; each rule also carries its check, needs and CWE / OWASP / PCI mappings (wire-schema.ts). */
const RuleOut = z.object({ id: z.string(), title: z.string(), severity: z.string(), depth: z.string(), summary: z.string() });

export default defineTool({
  name: 'list_checks',
  title: 'List Gatecrash checks',
  description: 'The rule catalog: each rule id, category, severity, depth, what it finds, and its CWE / OWASP / PCI DSS mappings.',
  input: z.object({}),
  output: z.object({ rules: z.array(RuleOut) }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler() {
    const rules = Object.values(RULES).map((r) => ({
      id: r.id,
      check: r.check,
      title: r.title,
      severity: r.severity,
      depth: r.depth,
      ...(r.needs ? { needs: r.needs } : {}),
      summary: r.summary,
      cwe: r.cwe,
      owasp: r.owasp,
      owaspLlm: r.owaspLlm,
      pci: r.pci,
    }));
    const text = rules.map((r) => `${r.id} (${r.severity}, ${r.depth}): ${r.title}`).join('\n');
    return { content: [{ type: 'text', text }], structuredContent: { rules } };
  },
});
