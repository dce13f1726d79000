// Which framework's fix a finding gets, and the short form of that fix every report shows. Pure.
//
// A fix written for the wrong stack is worse than none (nginx in front of a server that is not there, an Ollama script
// for a FastAPI app), so a guess never chooses: below FIX_MIN_CONFIDENCE the answer is the candidates and how to name one.

import { profileById } from '../engine/profiles/index.js';
import type { Finding, Fingerprint, RuleId, ScanReport, StackFix } from '../engine/types.js';
import { contextFromFinding } from './context.js';
import { FRAMEWORK_INFO } from './framework-info.js';
import { frameworkForFinding, productFacts } from './frameworks.js';
import { appFocus, applicableFrameworks, defaultFrameworkFor, isRuleId, remediationFor } from './remediation.js';
import type { AppFramework, FindingLike, Framework } from './types.js';

/** The fingerprint confidence a scan must reach before its product chooses the fix (README "Fixes for your stack"). */
export const FIX_MIN_CONFIDENCE = 0.6;

/** What Gatecrash knows of the server a fix is for: the fingerprint, or a finding's `server` (confidence optional). */
export interface ServerIdentity {
  product: string | null;
  /** 0..1; absent when the caller did not say (a finding written by hand): the product is then taken as stated. */
  confidence?: number | null;
  candidates?: readonly { product: string; confidence: number }[];
}

export interface FrameworkChoice {
  framework: Framework | null;
  /** Why none was chosen (null when one was). */
  reason: string | null;
  /** When none was chosen: the frameworks with a fix for the rule, best first, with the confidence of the product behind each. */
  candidates: { framework: Framework; confidence: number | null }[];
}

/** Fixes for servers nobody identified: the app frameworks, then the proxies (a proxy fixes any server behind it). */
const GENERIC: Framework[] = ['fastapi', 'flask', 'express', 'starlette', 'nginx', 'caddy'];

const percent = (c: number) => `${Math.round(c * 100)}%`;
const productName = (product: string) => (profileById(product) ? productFacts(product).name : product);

/** The framework for a rule on this server, or the candidates and why none was chosen. */
export function chooseFramework(rule: RuleId, server: ServerIdentity | null): FrameworkChoice {
  const valid = applicableFrameworks(rule);
  const product = server?.product && server.product !== 'unknown' ? server.product : null;
  const confidence = server?.confidence ?? null;
  if (product && (confidence === null || confidence >= FIX_MIN_CONFIDENCE)) {
    return { framework: defaultFrameworkFor(rule, { server: { product } }), reason: null, candidates: [] };
  }
  const seen = new Map<Framework, number | null>();
  const offer = (framework: Framework, c: number | null) => {
    if (valid.includes(framework) && !seen.has(framework)) seen.set(framework, c);
  };
  const ranked = [...(product ? [{ product, confidence: confidence ?? 0 }] : []), ...(server?.candidates ?? [])];
  for (const p of ranked) offer(frameworkForFinding({ server: { product: p.product } }), p.confidence);
  for (const f of GENERIC) offer(f, null);
  if (seen.size === 0) offer(valid[0]!, null);
  const reason = product
    ? `the server looks like ${productName(product)} with ${percent(confidence ?? 0)} confidence only, ` +
      `below the ${percent(FIX_MIN_CONFIDENCE)} Gatecrash needs to choose a fix for it`
    : 'the server was not identified, so Gatecrash cannot choose a fix for it';
  return { framework: null, reason, candidates: [...seen].map(([framework, c]) => ({ framework, confidence: c })) };
}

/** How a command line names the finding's fix: `gatecrash fix GC-… --report r.json`, or the rule on its URL. */
export type FixCommand = (finding: Pick<Finding, 'id' | 'rule' | 'endpoint'>, framework: Framework | null) => string;

/** The fix for one finding of a scan, in short, for the reports. */
export function stackFixFor(finding: Finding, fingerprint: Pick<Fingerprint, 'product' | 'confidence' | 'candidates'>, command: FixCommand): StackFix {
  if (!isRuleId(finding.rule)) throw new Error(`unknown rule ${finding.rule}`);
  const choice = chooseFramework(finding.rule, fingerprint);
  if (!choice.framework) {
    const names = choice.candidates.map((c) => `${c.framework}${c.confidence !== null ? ` (${percent(c.confidence)})` : ''}`).join(', ');
    return {
      framework: null,
      name: null,
      summary:
        `No stack-specific fix: ${choice.reason}. Name the framework: ` +
        `${command(finding, choice.candidates[0]?.framework ?? null)} (candidates: ${names}).`,
      apply: [],
      candidates: choice.candidates,
      command: command(finding, null),
    };
  }
  const framework = choice.framework;
  const snippet = remediationFor(finding.rule, framework, contextFromFinding(finding as FindingLike, { framework }));
  const kind = FRAMEWORK_INFO[framework].kind;
  return {
    framework,
    name: FRAMEWORK_INFO[framework].name,
    // An app's summary ends with what every app snippet does; one line per finding keeps what this rule's fix does.
    summary: kind === 'app' || kind === 'wrapper' ? appFocus(finding.rule, framework as AppFramework | 'wrapper') : snippet.summary,
    apply: snippet.apply,
    command: command(finding, framework),
  };
}

/** The report with each finding's fix for the stack its scan identified (a copy; the report is not touched). */
export function withStackFixes(report: ScanReport, command: FixCommand): ScanReport {
  return { ...report, findings: report.findings.map((f) => ({ ...f, fix: stackFixFor(f, report.fingerprint, command) })) };
}

/** How an MCP client asks for a finding's code: suggest_remediation with the finding (and the framework, once chosen). */
export const suggestRemediationCommand: FixCommand = (finding, framework) =>
  `suggest_remediation with this finding (${finding.id})${framework ? '' : ' and the framework it runs'}`;
