// The contract of a rule family: its rules' catalog entries, their explanations and the check that proves them, in one
// folder (src/engine/rules/<family>/). Checks never import each other; they speak Probe / Exchange only.
//
// Why the explanation sits beside the check, in the engine: one folder then holds every fact about a rule, and each
// sentence exists once (the catalog's summary opens the explanation, the remediation line opens the fix). The explanation
// is data plus small functions that receive the knowledge base's helpers as arguments (ManualCheckKit, FixKit), so the
// engine never imports the knowledge base at run time: only its types (test/walls.test.ts guards this). The knowledge
// base reads the explanations from the registry (index.ts) and builds its full text from them.
//
// A family's index.ts is pure data (catalog + explanation); its check.ts holds the probing code. They are two modules
// so that the catalog can be read (by reports, the knowledge base, the rule list) without loading any code that probes.
import type { RuleExplanation } from '../../knowledge/model.js';
import type { FindingInput } from '../findings.js';
import type { Depth, Exchange, Finding, Probe, RuleId, ScanOptions, Severity, Surface, Target } from '../types.js';

/** A rule's catalog entry: what reports, SARIF and the rule list show. A rule id is a public contract: never rename one. */
export interface RuleMeta {
  id: RuleId;
  /** The check (category) the rule belongs to, as reports show it. */
  check: string;
  title: string;
  severity: Severity;
  cwe: string[];
  owasp: string[];
  owaspLlm: string[];
  pci: string[];
  /** The lowest depth at which the rule runs. */
  depth: Depth;
  /** What the rule needs from the user beyond a URL. */
  needs?: 'key' | 'jwt';
  /**
   * The finding sits on an inference route a fix must keep serving (an auth or cost fix guards it), rather than on a route
   * the fix closes (docs, metrics, management): the remediation keeps the route and proves it still answers with the key.
   */
  onServedRoute?: true;
  /** One sentence: what the rule finds. The explanation's "what" opens with it. */
  summary: string;
  /** One sentence: the fix, for the finding's `remediation` field. The explanation's fix opens with it. */
  remediation: string;
}

/** A rule as its family module writes it: the catalog entry and the explanation (the knowledge base's long form). */
export interface RuleDefinition extends RuleMeta {
  explanation: RuleExplanation;
}

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

/** The probing half of a family, as its check.ts writes it. */
export interface CheckBody {
  /** Short id of the family, the name of its folder ('auth-missing', 'auth-header-bypass', …). */
  id: string;
  /** The lowest depth at which the check runs at all (each rule's own depth still applies). */
  depth: Depth;
  /** Checks that must finish first (by id), e.g. the advisory check waits for the bypass checks to link findings. */
  after?: string[];
  run(ctx: CheckContext): Promise<Finding[]>;
}

/** A check as the scan runs it: the body plus the rules it decides (taken from its family, never written twice). */
export interface Check extends CheckBody {
  rules: RuleId[];
}

/** A family's pure half (index.ts): the catalog entries and explanations, importable without any probing code. */
export interface RuleFamily {
  rules: RuleDefinition[];
}

export function defineFamily(rules: RuleDefinition[]): RuleFamily {
  return { rules };
}

/** A family's check (check.ts): it decides exactly the family's rules, read from the family, never written twice. */
export function defineCheck(family: RuleFamily, check: CheckBody): Check {
  return { ...check, rules: family.rules.map((r) => r.id) };
}

export const DEPTH_ORDER: Record<Depth, number> = { quick: 0, standard: 1, deep: 2 };

export function ruleRunsAt(rule: RuleMeta, depth: Depth): boolean {
  return DEPTH_ORDER[rule.depth] <= DEPTH_ORDER[depth];
}
