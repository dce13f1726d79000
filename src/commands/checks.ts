// gatecrash checks [RULE] [--format text|markdown|json]: the rule catalog, or one rule's page.
import { RULES } from '../engine/rules/index.js';
import { RULE_IDS, type RuleId } from '../engine/types.js';
import { explainRule, renderExplanationMarkdown, renderExplanationText } from '../knowledge/index.js';
import type { CommandContext } from './context.js';
import { closest } from './flags.js';
import { choiceFlag } from './options.js';
import { UsageError } from './usage-error.js';

const FORMATS = ['text', 'markdown', 'json'] as const;

/** A rule id as typed, or a sentence naming the closest one. */
export function ruleArgument(typed: string): RuleId {
  const id = typed.trim().toLowerCase();
  if ((RULE_IDS as readonly string[]).includes(id)) return id as RuleId;
  const near = closest(id, RULE_IDS);
  throw new UsageError(`'${typed.slice(0, 60)}' is not a rule${near ? `: did you mean ${near}?` : '; run gatecrash checks for the list.'}`);
}

function catalogMarkdown(): string {
  const rows = Object.values(RULES).map((r) => `| \`${r.id}\` | ${r.severity} | ${r.depth} | ${r.title} |`);
  return `${['| rule | severity | depth | title |', '|---|---|---|---|', ...rows].join('\n')}\n`;
}

export function runChecks(ctx: CommandContext): number {
  const format = choiceFlag(ctx.args, 'format', FORMATS) ?? 'text';
  if (ctx.positionals.length > 1) throw new UsageError(`checks takes at most one rule; got ${ctx.positionals.length}.`);
  const typed = ctx.positionals[0];
  if (typed !== undefined) {
    const rule = ruleArgument(typed);
    const page = explainRule(rule);
    process.stdout.write(
      format === 'json'
        ? `${JSON.stringify({ ...RULES[rule], explanation: page }, null, 2)}\n`
        : format === 'markdown'
          ? renderExplanationMarkdown(page)
          : renderExplanationText(page),
    );
    return 0;
  }
  const rules = Object.values(RULES);
  if (format === 'json') process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
  else if (format === 'markdown') process.stdout.write(catalogMarkdown());
  else for (const r of rules) process.stdout.write(`${r.id.padEnd(28)} ${r.severity.padEnd(9)} ${r.depth.padEnd(9)} ${r.title}\n`);
  return 0;
}
