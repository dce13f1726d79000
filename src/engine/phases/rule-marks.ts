// What each rule came to: skipped before the scan (not selected, deeper, needs a key), marked by its check (inconclusive,
// error, cut short), failed by a finding, or passed. One table, read once into the report's rule results.

import { DEPTH_ORDER } from '../rules/define.js';
import { RULES } from '../rules/index.js';
import type { Finding, RuleId, RuleResult, ScanOptions } from '../types.js';
import { RULE_IDS } from '../types.js';

export interface RuleMarks {
  statuses: Map<RuleId, { status: RuleResult['status']; reason: string; defersTo?: RuleId }>;
  skipped: Map<RuleId, string>;
}

function looksLikeJwt(value: string): boolean {
  return /(^|\s)[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/.test(value.trim());
}

/** Why a rule will not run in this scan, or null when it runs. */
function skipReason(rule: RuleId, options: ScanOptions, credentials: Record<string, string>, implemented: Set<RuleId>): string | null {
  const meta = RULES[rule];
  if (options.rules && !options.rules.includes(rule)) return 'not selected for this scan';
  if (DEPTH_ORDER[meta.depth] > DEPTH_ORDER[options.depth]) return `runs at ${meta.depth} depth (--depth ${meta.depth})`;
  if (meta.needs === 'key' && Object.keys(credentials).length === 0) return 'needs your credentials (--header or --bearer)';
  // auth.jwt also runs without a user JWT when the server's refusals reveal JWT use; its check marks itself skipped otherwise.
  if (meta.needs === 'jwt' && !Object.values(credentials).some(looksLikeJwt) && !implemented.has(rule))
    return 'needs a JWT among your credentials (--bearer <jwt>)';
  if (!implemented.has(rule)) return 'not implemented in this version of Gatecrash';
  return null;
}

/** The marks before any request: each rule this scan will not run, with why. */
export function initialMarks(options: ScanOptions, credentials: Record<string, string>, implemented: Set<RuleId>): RuleMarks {
  const marks: RuleMarks = { statuses: new Map(), skipped: new Map() };
  for (const rule of RULE_IDS) {
    const reason = skipReason(rule, options, credentials, implemented);
    if (reason) marks.skipped.set(rule, reason);
  }
  return marks;
}

/** Skip every rule not already skipped, for one reason (the target did not answer; fingerprint only). */
export function skipTheRest(marks: RuleMarks, reason: string): void {
  for (const rule of RULE_IDS) if (!marks.skipped.has(rule)) marks.skipped.set(rule, reason);
}

export function ruleResults(findings: Finding[], marks: RuleMarks): RuleResult[] {
  const own = RULE_IDS.map((rule): RuleResult & { defersTo?: RuleId } => {
    const count = findings.filter((f) => f.rule === rule).length;
    if (count) return { rule, status: 'fail', findings: count };
    const skip = marks.skipped.get(rule);
    if (skip) return { rule, status: 'skipped', reason: skip, findings: 0 };
    const mark = marks.statuses.get(rule);
    if (mark) return { rule, status: mark.status, reason: mark.reason, findings: 0, ...(mark.defersTo ? { defersTo: mark.defersTo } : {}) };
    return { rule, status: 'pass', findings: 0 };
  });
  // A rule that leaves the case to another says so only when that one decided; otherwise both undecided reasons show.
  return own.map(({ defersTo, ...r }) => {
    if (!defersTo || !r.reason) return r;
    const other = own.find((o) => o.rule === defersTo)!;
    const base = r.reason.replace(/\.$/, '');
    const decided = other.status === 'pass' || other.status === 'fail';
    return {
      ...r,
      reason: decided
        ? `${base} (see ${defersTo}).`
        : `${base}, and ${defersTo} did not decide either (${other.status}${other.reason ? `: ${other.reason.replace(/\.$/, '')}` : ''}).`,
    };
  });
}
