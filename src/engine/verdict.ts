// Whether a scan can vouch for its grade. A security tool that cannot tell says so: a target that never answered has no
// grade; a scan cut short by its budget, its deadline or a cancellation, a rule that failed to run, or an auth.missing that
// could not decide (no inference route found, no answer it could read) is incomplete, has no grade, and fails every gate
// but `--fail-on none`. Each reason names what to change.
import type { RuleResult, ScanOptions, Verdict } from './types.js';

export interface ScanOutcome {
  /** Some request got an HTTP answer. */
  reached: boolean;
  /** Why the target could not be reached, when it could not. */
  unreachable?: string;
  /** Requests the budget refused. */
  overBudget: number;
  /** The deadline passed, or the caller cancelled. */
  stopped: 'deadline' | 'cancelled' | null;
  rules: RuleResult[];
}

/** Seconds, as a person writes them. */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

export function verdictOf(outcome: ScanOutcome, options: Pick<ScanOptions, 'budget' | 'timeoutMs'>): Verdict {
  if (!outcome.reached) {
    return {
      status: 'unreached',
      reasons: [outcome.unreachable ?? 'The target did not answer: check the URL (scheme, host, port) and that the server is running.'],
    };
  }
  const reasons: string[] = [];
  if (outcome.overBudget > 0) {
    reasons.push(
      `The request budget of ${options.budget} ran out before every rule finished (${outcome.overBudget} ` +
        `request(s) not sent): raise it, e.g. --budget ${Math.max(options.budget * 2, 150)}.`,
    );
  }
  if (outcome.stopped === 'deadline') {
    reasons.push(
      `The scan deadline of ${seconds(options.timeoutMs)} passed before every rule finished: raise it, ` +
        `e.g. --timeout ${seconds(options.timeoutMs * 2)} (a cold model may need minutes).`,
    );
  }
  if (outcome.stopped === 'cancelled') reasons.push('The scan was cancelled before every rule finished.');
  const missing = outcome.rules.find((r) => r.rule === 'auth.missing');
  if (
    missing &&
    (missing.status === 'inconclusive' || (missing.status === 'skipped' && reasons.length === 0 && missing.reason !== 'not selected for this scan'))
  ) {
    reasons.push(`auth.missing could not decide: ${missing.reason ?? 'no reason was given'}`);
  }
  for (const r of outcome.rules) if (r.status === 'error') reasons.push(`${r.rule} failed to run: ${r.reason ?? 'an unexpected error'}.`);
  return { status: reasons.length ? 'incomplete' : 'complete', reasons };
}
