// Markdown and plain-text renderings of explanations and snippets (pure).
import { RULES } from '../engine/rules/index.js';
import { RULE_IDS, type RuleId } from '../engine/types.js';
import { quote } from '../engine/untrusted.js';
import { codeSpan, escapeMarkdown, markdownProse } from '../engine/untrusted-markdown.js';
import { explainRule } from './explain.js';
import { FRAMEWORK_INFO } from './framework-info.js';
import { applicableFrameworks } from './remediation.js';
import type { Explanation, Reference, RemediationSnippet } from './types.js';
import { FRAMEWORKS } from './types.js';

/** A fence longer than any backtick run in the code, so code with ``` inside still renders. */
function fence(code: string, lang: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${code.replace(/\n$/, '')}\n${f}`;
}

function refLine(r: Reference): string {
  return r.url ? `[${r.id}](${r.url}) ${r.name}` : `${r.id} ${r.name}`;
}

export function renderExplanationMarkdown(e: Explanation): string {
  const out: string[] = [];
  out.push(`## ${e.title} (\`${e.rule}\`)`);
  const facts = [`**Severity:** ${e.severity}`, `**Category:** ${e.check}`, `**Depth:** ${e.depth}`];
  if (e.confidence) facts.push(`**Confidence:** ${e.confidence}`);
  if (e.needs) facts.push(`**Needs:** your ${e.needs === 'key' ? 'API key' : 'JWT'}`);
  out.push(facts.join(' · '));
  if (e.finding?.endpoint) {
    // The version is the server's statement, quoted like every value it wrote (the description quotes its own).
    const server = e.finding.server?.product
      ? ` on ${e.finding.server.product}${e.finding.server.version ? ` ${quote(e.finding.server.version, 40)}` : ''}`
      : '';
    out.push(
      `**Finding:** ${codeSpan(`${e.finding.endpoint.method} ${e.finding.endpoint.url}`)}${markdownProse(server, escapeMarkdown)}${e.finding.id ? ` (${e.finding.id})` : ''}`,
    );
    // What the server said sits in code spans: a client that renders this shows it as text, never as a link or a tag.
    if (e.finding.description) out.push(`> ${markdownProse(e.finding.description, escapeMarkdown)}`);
  }
  out.push('### What it is', e.what);
  out.push('### Why it matters', e.whyItMatters);
  out.push('### How Gatecrash proved it', e.howProved.map((s) => `- ${s}`).join('\n'));
  out.push('### When it may be wrong', e.falsePositives.map((s) => `- ${s}`).join('\n'));
  out.push('### The fix', e.remediation);
  out.push(
    `Fixes exist for: ${e.applicableFrameworks.map((f) => `\`${f}\``).join(', ')}. ` +
      (e.recommendedFramework
        ? `Ask \`suggest_remediation\` for one (default here: \`${e.recommendedFramework}\`, ${FRAMEWORK_INFO[e.recommendedFramework].name}).`
        : 'The scan could not tell the stack surely enough to choose one: name the framework when you ask `suggest_remediation`.'),
  );
  if (e.manualChecks.length) {
    out.push('### Check it by hand');
    out.push(fence(e.manualChecks.map((c) => `# ${c.description} — expect: ${c.expect}\n${c.command}`).join('\n\n'), 'bash'));
  }
  const refs: string[] = [];
  for (const r of e.references.cwe) refs.push(`- ${refLine(r)}`);
  for (const r of e.references.owaspApi) refs.push(`- OWASP API Security Top 10: ${refLine(r)}`);
  for (const r of e.references.owaspLlm) refs.push(`- OWASP Top 10 for LLM Applications: ${refLine(r)}`);
  for (const r of e.references.pci) refs.push(`- ${r.id}: ${r.name}`);
  for (const l of e.references.links) refs.push(`- [${l.title}](${l.url})`);
  if (refs.length) out.push('### References', refs.join('\n'));
  return `${out.join('\n\n')}\n`;
}

export function renderExplanationText(e: Explanation): string {
  const out: string[] = [];
  out.push(`${e.title} (${e.rule}) — ${e.severity}${e.confidence ? `, ${e.confidence}` : ''}`);
  if (e.finding?.endpoint) out.push(`Finding: ${e.finding.endpoint.method} ${e.finding.endpoint.url}`);
  out.push('', e.what, '', `Why it matters: ${e.whyItMatters}`, '', 'How Gatecrash proved it:', ...e.howProved.map((s) => `- ${s}`));
  out.push('', `Fix: ${e.remediation}`);
  if (e.manualChecks.length) out.push('', 'Check by hand:', ...e.manualChecks.map((c) => `  ${c.command}   # expect: ${c.expect}`));
  const maps = [
    ...e.references.cwe.map((r) => r.id),
    ...e.references.owaspApi.map((r) => `OWASP ${r.id}`),
    ...e.references.owaspLlm.map((r) => `OWASP ${r.id}`),
    ...e.references.pci.map((r) => r.id),
  ];
  if (maps.length) out.push('', `Mappings: ${maps.join(', ')}`);
  return `${out.join('\n')}\n`;
}

export function renderRemediationMarkdown(s: RemediationSnippet): string {
  const out: string[] = [];
  out.push(`## Fix: ${s.title}`);
  out.push(s.summary);
  out.push(`**File:** \`${s.file}\``);
  out.push(fence(s.code, s.language === 'caddyfile' ? 'caddyfile' : s.language));
  out.push('### Apply', s.apply.map((a, i) => `${i + 1}. ${a}`).join('\n'));
  out.push('### Verify', fence(s.verify.join('\n'), 'bash'));
  if (s.notes.length) out.push('### Notes', s.notes.map((n) => `- ${n}`).join('\n'));
  return `${out.join('\n\n')}\n`;
}

/** The snippet for a terminal: the code as it is (to copy or redirect), the steps numbered, the checks with what to expect. */
export function renderRemediationText(s: RemediationSnippet): string {
  const out = [
    `Fix: ${s.title}`,
    '',
    s.summary,
    '',
    `File: ${s.file}`,
    '',
    s.code.replace(/\n$/, ''),
    '',
    'Apply:',
    ...s.apply.map((a, i) => `  ${i + 1}. ${a}`),
  ];
  out.push('', 'Verify:', ...s.verify.map((v) => `  ${v}`));
  if (s.notes.length) out.push('', 'Notes:', ...s.notes.map((n) => `  - ${n}`));
  return `${out.join('\n')}\n`;
}

/** Help for a SARIF rule descriptor / report section (matches src/report/sarif.ts's RuleHelp). */
export function ruleHelp(rule: RuleId | { id: RuleId }): { text: string; markdown: string; uri?: string } {
  const id = typeof rule === 'string' ? rule : rule.id;
  const e = explainRule(id);
  const uri = e.references.cwe[0]?.url ?? e.references.owaspApi[0]?.url ?? undefined;
  return { text: renderExplanationText(e), markdown: renderExplanationMarkdown(e), ...(uri ? { uri } : {}) };
}

/** One line per rule for listings: id, title, the frameworks with a fix. */
export function ruleOneLiner(rule: RuleId): string {
  return `${rule}: ${RULES[rule].title}`;
}

/** The rule × framework coverage as a Markdown table (✓ where the knowledge base has a fix). */
export function coverageTableMarkdown(): string {
  const head = `| rule | ${FRAMEWORKS.join(' | ')} |`;
  const sep = `|---|${FRAMEWORKS.map(() => ':-:').join('|')}|`;
  const rows = RULE_IDS.map((r) => {
    const fws = new Set(applicableFrameworks(r));
    return `| \`${r}\` | ${FRAMEWORKS.map((f) => (fws.has(f) ? '✓' : '')).join(' | ')} |`;
  });
  return `${[head, sep, ...rows].join('\n')}\n`;
}
