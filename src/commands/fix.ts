// gatecrash fix FINDING_ID|RULE [--report FILE | --scan-id ID] [--framework F] [--url URL]: the fix for a finding (of a
// saved report, or of a scan kept in the local scan store), a rule, or every finding of a scan, on one framework, with
// the steps to apply it and the commands that show it holds.
import { readFileSync } from 'node:fs';
import type { Finding, RuleId, ScanReport } from '../engine/types.js';
import {
  applicableFrameworks,
  chooseFramework,
  contextFromFinding,
  defaultFrameworkFor,
  FRAMEWORK_INFO,
  type Framework,
  isFramework,
  type RemediationSnippet,
  remediationFor,
  remediationForRules,
  renderRemediationMarkdown,
  renderRemediationText,
} from '../knowledge/index.js';
import { parseBatchReport } from '../report/batch.js';
import { ScanStore } from '../scan-store.js';
import { ruleArgument } from './checks.js';
import { type CommandContext, emit } from './context.js';
import { closest } from './flags.js';
import { choiceFlag } from './options.js';
import { readReportFile, storedFinding, storedScan } from './saved-scans.js';
import { UsageError } from './usage-error.js';

const FINDING_ID = /^GC-[0-9a-f]{16}$/i;

/** Every scan report a file holds: one, or each of a batch's. */
function reportsIn(path: string, flag: string): ScanReport[] {
  try {
    const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (raw && typeof raw === 'object' && 'reports' in raw) return parseBatchReport(raw).reports;
  } catch {
    // not a batch: the single-report reader below says what is wrong
  }
  return [readReportFile(path, flag)];
}

/** The framework asked for, checked against the rules the fix must close. */
function frameworkAsked(ctx: CommandContext, rules: RuleId[]): Framework | undefined {
  const typed = ctx.args.values.framework;
  if (typeof typed !== 'string') return undefined;
  const flag = ctx.args.spelt.framework ?? '--framework';
  const valid = [...new Set(rules.flatMap(applicableFrameworks))];
  const f = typed.trim().toLowerCase();
  if (!isFramework(f)) {
    const near = closest(f, valid);
    throw new UsageError(`${flag} takes one of ${valid.join(', ')}${near ? ` (did you mean ${near}?)` : ''}; got '${typed.slice(0, 40)}'.`);
  }
  if (!rules.some((r) => applicableFrameworks(r).includes(f))) {
    throw new UsageError(`${flag} ${f}: there is no ${FRAMEWORK_INFO[f].name} fix for ${rules.join(', ')}; the frameworks with one are ${valid.join(', ')}.`);
  }
  return f;
}

/** The scan's product chooses only when it is sure enough; otherwise the user is asked, with the candidates. */
function frameworkFor(ctx: CommandContext, rules: RuleId[], report: ScanReport): Framework {
  const asked = frameworkAsked(ctx, rules);
  if (asked) return asked;
  const choice = chooseFramework(rules[0]!, report.fingerprint);
  if (choice.framework) return choice.framework;
  const names = choice.candidates.map((c) => `${c.framework}${c.confidence !== null ? ` (${Math.round(c.confidence * 100)}%)` : ''}`).join(', ');
  throw new UsageError(`No framework was chosen: ${choice.reason}; pass --framework, one of ${names}.`);
}

/** The scans named by --report or --scan-id, with how to name them in a sentence; undefined when neither was given. */
function namedScans(ctx: CommandContext): { reports: ScanReport[]; where: string } | undefined {
  const { args } = ctx;
  const reportFile = typeof args.values.report === 'string' ? args.values.report : undefined;
  const scanId = typeof args.values['scan-id'] === 'string' ? args.values['scan-id'] : undefined;
  if (reportFile !== undefined && scanId !== undefined) throw new UsageError('Give the scan once: --report FILE or --scan-id ID, not both.');
  if (reportFile !== undefined) return { reports: reportsIn(reportFile, args.spelt.report ?? '--report'), where: reportFile };
  if (scanId !== undefined) return { reports: [storedScan(scanId, args.spelt['scan-id'] ?? '--scan-id')], where: `the scan ${scanId}` };
  return undefined;
}

/** A finding's fix on the framework asked for, else the one its scan identified surely enough. */
function findingSnippet(ctx: CommandContext, finding: Finding, report: ScanReport): RemediationSnippet {
  const framework = frameworkFor(ctx, [finding.rule], report);
  return remediationFor(finding.rule, framework, contextFromFinding(finding, { framework }));
}

function snippetFor(ctx: CommandContext): RemediationSnippet {
  const { args, positionals } = ctx;
  const url = typeof args.values.url === 'string' ? args.values.url : undefined;
  const typed = positionals[0];
  if (positionals.length > 1) throw new UsageError(`fix takes one finding id or rule; got ${positionals.length}.`);
  const named = namedScans(ctx);
  if (url && named)
    throw new UsageError(`Give ${args.values.report !== undefined ? '--report' : '--scan-id'} (the finding carries its URL) or --url, not both.`);

  if (named) {
    const { reports, where } = named;
    const all = reports.flatMap((r) => r.findings.map((f) => ({ report: r, finding: f })));
    if (typed === undefined) {
      // Every finding of the scan at once: one app or one proxy file that closes them all.
      if (all.length === 0) throw new UsageError(`${where} has no findings: there is nothing to fix.`);
      const report = reports.find((r) => r.findings.length)!;
      const rules = [...new Set(report.findings.map((f) => f.rule))];
      const framework = frameworkFor(ctx, rules, report);
      const covered = rules.filter((r) => applicableFrameworks(r).includes(framework));
      const first = report.findings.find((f) => covered.includes(f.rule))!;
      return remediationForRules(covered, framework, contextFromFinding(first, { framework }));
    }
    const rule = FINDING_ID.test(typed) ? null : ruleArgument(typed);
    const match = all.find((x) => (rule ? x.finding.rule === rule : x.finding.id.toLowerCase() === typed.toLowerCase()));
    if (!match) {
      const ids = all
        .slice(0, 6)
        .map((x) => `${x.finding.id} (${x.finding.rule})`)
        .join(', ');
      throw new UsageError(
        `${typed.slice(0, 60)} is not a finding of ${where}${all.length ? `; its findings: ${ids}${all.length > 6 ? ', …' : ''}` : ', which has none'}.`,
      );
    }
    return findingSnippet(ctx, match.finding, match.report);
  }

  if (typed === undefined) {
    throw new UsageError(
      'fix needs a finding id with its report (gatecrash fix GC-… --report r.json, or GC-… alone for a scan ' +
        'kept in the local scan store), a rule (gatecrash fix auth.missing --framework fastapi), or --report ' +
        'FILE or --scan-id ID alone for every finding.',
    );
  }
  if (FINDING_ID.test(typed)) {
    // A finding id alone: the scan that found it is in the local scan store, unless it was turned off or has pruned it.
    const needsReport = 'needs the report the finding is in: --report FILE (scan --format json --output FILE writes one)';
    const store = ScanStore.fromEnv();
    if (!store) throw new UsageError(`fix ${typed} ${needsReport}; the local scan store is turned off (GATECRASH_NO_STORE).`);
    const found = storedFinding(typed, store);
    if (!found) throw new UsageError(`No scan in the local scan store (${store.dir}) holds ${typed}: fix ${needsReport}.`);
    return findingSnippet(ctx, found.finding, found.report);
  }
  const rule = ruleArgument(typed);
  // A rule alone names no server: the documented default (the tutorial wrapper's FastAPI, docs/tutorial-wrapper.md) unless --framework says otherwise.
  const framework = frameworkAsked(ctx, [rule]) ?? defaultFrameworkFor(rule, null);
  if (url !== undefined && !/^https?:\/\/[^\s/]+/i.test(url))
    throw new UsageError(`--url takes the endpoint as http://host:port/path; got '${url.slice(0, 60)}'.`);
  const context = url ? contextFromFinding({ rule, endpoint: { method: 'POST', url } }, { framework }) : undefined;
  return remediationFor(rule, framework, context);
}

export function runFix(ctx: CommandContext): number {
  const format = choiceFlag(ctx.args, 'format', ['text', 'markdown', 'json'] as const) ?? 'text';
  const snippet = snippetFor(ctx);
  const text =
    format === 'json' ? `${JSON.stringify(snippet, null, 2)}\n` : format === 'markdown' ? renderRemediationMarkdown(snippet) : renderRemediationText(snippet);
  emit(text, ctx.config.output);
  return 0;
}
