// The contract between the scan and a rule family. Checks never import each other; they speak Probe / Exchange only.
import type { Depth, Exchange, Finding, Probe, RuleId, ScanOptions, Surface, Target } from '../types.js';
import type { FindingInput } from '../findings.js';

export interface CheckContext {
  target: Target;
  surface: Surface;
  options: ScanOptions;
  signal: AbortSignal;
  /** Budgeted, deduplicated, guarded. Never throws for transport problems: the exchange carries `error` instead. */
  send(probe: Probe): Promise<Exchange>;
  /** Build a finding from exchanges (redacted, truncated, mapped from the rule catalog). */
  finding(input: FindingInput): Finding;
  /**
   * Record that a rule could not decide: it is listed with this status and reason instead of 'pass'. `defersTo` names the
   * rule that speaks for the case instead (the report adds "see …" when that rule decided, and says so when it did not).
   */
  mark(rule: RuleId, status: 'inconclusive' | 'skipped' | 'error', reason: string, defersTo?: RuleId): void;
  /** Findings of checks that already finished (for linking, e.g. an advisory confirmed by a bypass). Read-only. */
  readonly settled: readonly Finding[];
}

export interface Check {
  /** Short id of the family ('auth-missing', 'auth-bypass', …). */
  id: string;
  rules: RuleId[];
  /** The lowest depth at which the check runs at all (each rule's own depth still applies). */
  depth: Depth;
  /** Checks that must finish first (by id), e.g. the advisory check waits for the bypass checks to link findings. */
  after?: string[];
  run(ctx: CheckContext): Promise<Finding[]>;
}

export function defineCheck(check: Check): Check {
  return check;
}
