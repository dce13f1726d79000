// Proving a fix: re-run exactly the rules a previous scan failed, on the same endpoints, and say for each prior finding
// whether it is fixed, still failing, or could not be decided — plus any finding the re-scan made that was not there before.
// The judgement is pure; the scan is injected (the MCP tool passes the session's runner, the CLI the engine), so both faces
// share every decision. A finding is `fixed` only when its rule ran to completion and its endpoint was actually reached.
import { normalizeUrlForId, stableFindingId } from './engine/findings.js';
import type { Confidence, Depth, Exchange, Finding, ProductId, RuleId, RuleStatus, ScanOptions, ScanReport, Severity } from './engine/types.js';
import { UNTRUSTED_NOTICE } from './engine/untrusted.js';

export type VerifyStatus = 'fixed' | 'still-failing' | 'inconclusive';

/** A request that cannot be verified as asked (no findings, unknown ids): a sentence, exit 2 or isError. */
export class VerifyInputError extends Error {
  override readonly name = 'VerifyInputError';
}

/** The re-scan could not reach the target: nothing was proven either way. */
export class VerifyUnreachableError extends Error {
  override readonly name = 'VerifyUnreachableError';
}

export interface VerifyRequest {
  /** Where the fixed service answers now (the previous target, or e.g. the proxy put in front of it). */
  url: string;
  /** Only these findings of the previous scan (default: all of them). */
  findingIds?: string[];
  headers?: Record<string, string>;
}

export interface FindingVerdict {
  /** The prior finding's id. */
  findingId: string;
  rule: RuleId;
  title: string;
  severity: Severity;
  confidence: Confidence;
  /** The endpoint as re-checked: the prior one, moved onto the new origin when the URL names another one. */
  endpoint: { method: string; url: string };
  status: VerifyStatus;
  /** One sentence: what the re-scan saw. */
  reason: string;
  /** For still-failing: the re-scan's finding, and how it was matched to the prior one. */
  current?: { findingId: string; matchedBy: 'id' | 'rule+endpoint'; description: string };
  /** The re-scan that decided (null when none could). */
  scanId: string | null;
}

export interface Rescan {
  scanId: string;
  url: string;
  rules: RuleId[];
  requests: { sent: number; inference: number };
  partial: boolean;
  errors: string[];
}

export interface VerifyResult {
  target: string;
  previousScanId: string;
  /** Exactly the rules that failed among the verified findings. */
  rules: RuleId[];
  depth: Depth;
  /** The product the re-scan was told to assume (the previous scan's fingerprint), if any. */
  assumedProduct: ProductId | null;
  verdicts: FindingVerdict[];
  /** Findings of the re-scanned rules that match no finding of the previous scan. */
  newFindings: Finding[];
  summary: { fixed: number; stillFailing: number; inconclusive: number; newFindings: number };
  /** Every verified finding is fixed and the re-scan found nothing new at confirmed or firm confidence. */
  allFixed: boolean;
  rescans: Rescan[];
}

/** What the faces hand in: one scan with the given options, every exchange reported as it completes. */
export type VerifyScan = (
  input: { url: string; headers?: Record<string, string> },
  options: Partial<ScanOptions>,
  onExchange: (exchange: Exchange) => void,
) => Promise<ScanReport>;

/** Follow-up scans (one per endpoint the first re-scan never reached) are capped: verification stays a polite, small thing. */
export const MAX_FOLLOW_UPS = 4;

// ---------- planning ----------

export interface VerificationPlan {
  previous: ScanReport;
  findings: Finding[];
  rules: RuleId[];
  url: string;
  depth: Depth;
  hint: ProductId | null;
}

/** The previous scan's findings to verify, the rules to re-run, and where. Throws VerifyInputError with a sentence. */
export function planVerification(previous: ScanReport, request: Pick<VerifyRequest, 'url' | 'findingIds'>): VerificationPlan {
  if (previous.findings.length === 0) {
    throw new VerifyInputError(`Scan ${previous.scanId} of ${previous.target.url} has no findings: there is nothing to verify.`);
  }
  let findings = previous.findings;
  if (request.findingIds?.length) {
    const wanted = [...new Set(request.findingIds)];
    const unknown = wanted.filter((id) => !previous.findings.some((f) => f.id === id));
    if (unknown.length) {
      const known = previous.findings
        .slice(0, 10)
        .map((f) => `${f.id} (${f.rule})`)
        .join(', ');
      // Echo only id-shaped values: the rest is caller text.
      const shown = unknown.filter((id) => /^[\w-]{1,40}$/.test(id)).slice(0, 3);
      throw new VerifyInputError(
        `Scan ${previous.scanId} has no finding ${shown.length ? shown.join(', ') : 'with the ids given'}. ` +
          `Its findings: ${known}${previous.findings.length > 10 ? ', …' : ''}.`,
      );
    }
    findings = previous.findings.filter((f) => wanted.includes(f.id));
  }
  const rules = [...new Set(findings.map((f) => f.rule))];
  const fp = previous.fingerprint;
  // The same route families as before: a fix that hides the server's banner (a proxy) must not shrink what is re-checked.
  const hint = fp.product !== 'unknown' ? fp.product : null;
  return { previous, findings, rules, url: request.url, depth: previous.depth, hint };
}

/** The prior endpoint on the origin being verified (same path), when the previous scan ran against another origin. */
export function rebaseUrl(url: string, previousOrigin: string, newUrl: string): string {
  let target: URL;
  let old: URL;
  try {
    target = new URL(newUrl);
    old = new URL(url);
  } catch {
    return url;
  }
  if (old.origin !== previousOrigin || target.origin === previousOrigin) return url;
  return `${target.origin}${old.pathname}${old.search}`;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

// ---------- judging ----------

/** Status codes the re-scan got per endpoint (normalized like finding ids: no query, no trailing slash, lower case). */
export type Reached = Map<string, Set<number>>;

export function recordReached(reached: Reached, ex: Exchange): void {
  if (!ex.response) return;
  const key = normalizeUrlForId(ex.request.url);
  const set = reached.get(key) ?? new Set<number>();
  set.add(ex.response.status);
  reached.set(key, set);
}

function sameEndpoint(a: { method: string; url: string }, b: { method: string; url: string }): boolean {
  return a.method.toUpperCase() === b.method.toUpperCase() && normalizeUrlForId(a.url) === normalizeUrlForId(b.url);
}

/** The re-scan's finding that is the prior one: the same stable id (recomputed on the new origin), else the same rule on the same endpoint. */
function matchIn(
  prior: Finding,
  endpoint: { method: string; url: string },
  findings: Finding[],
): { finding: Finding; matchedBy: 'id' | 'rule+endpoint' } | null {
  const id = stableFindingId(prior.rule, endpoint.method, endpoint.url, prior.variant ?? '');
  const byId = findings.find((f) => f.id === id || f.id === prior.id);
  if (byId) return { finding: byId, matchedBy: 'id' };
  const byEndpoint = findings.find((f) => f.rule === prior.rule && sameEndpoint(f.endpoint, endpoint));
  return byEndpoint ? { finding: byEndpoint, matchedBy: 'rule+endpoint' } : null;
}

interface Judgement {
  status: VerifyStatus;
  reason: string;
  current?: FindingVerdict['current'];
  /** Inconclusive only because the re-scan never reached the endpoint: a follow-up scan of that URL can decide. */
  unreached?: boolean;
}

const codes = (set: Set<number> | undefined): string => [...(set ?? [])].sort((a, b) => a - b).join('/');

/** One prior finding against one re-scan. */
export function judge(prior: Finding, endpoint: { method: string; url: string }, rescan: ScanReport, reached: Reached): Judgement {
  const where = `${endpoint.method} ${endpoint.url}`;
  const match = matchIn(prior, endpoint, rescan.findings);
  if (match) {
    return {
      status: 'still-failing',
      reason: `${prior.rule} still fails on ${where}: ${match.finding.description}`,
      current: { findingId: match.finding.id, matchedBy: match.matchedBy, description: match.finding.description },
    };
  }
  const result = rescan.rules.find((r) => r.rule === prior.rule);
  const status: RuleStatus = result?.status ?? 'skipped';
  if (status === 'skipped' || status === 'error' || status === 'inconclusive') {
    return { status: 'inconclusive', reason: `${prior.rule} was ${status} in the re-scan${result?.reason ? `: ${result.reason}` : ''}` };
  }
  if (rescan.partial) {
    return {
      status: 'inconclusive',
      reason: `the re-scan was cut short (${rescan.errors.map((e) => e.message).join(' ') || 'partial report'}), so a pass proves nothing`,
    };
  }
  const seen = reached.get(normalizeUrlForId(endpoint.url));
  if (!seen) return { status: 'inconclusive', reason: `the re-scan never reached ${where}`, unreached: true };
  // A route that only ever answered 429 was not judged: a lock-out (perhaps earned by this very scan's wrong keys) hides it.
  if ([...seen].every((s) => s === 429))
    return { status: 'inconclusive', reason: `every request of the re-scan to ${where} was answered 429 (rate limited or locked out), so it shows nothing` };
  const elsewhere = status === 'fail' ? `; ${prior.rule} still fails elsewhere (see the new findings)` : '';
  return { status: 'fixed', reason: `${prior.rule} no longer fires on ${where}, which the re-scan reached (answered ${codes(seen)})${elsewhere}` };
}

// ---------- running ----------

/**
 * Re-runs the previous scan's failed rules against `request.url` and judges every selected finding. When the first re-scan
 * never reached some endpoints (a fix that turned off OpenAPI hides routes discovery used to find), each of those endpoint
 * URLs is scanned once more as the given URL, with only its findings' rules (at most MAX_FOLLOW_UPS of them).
 */
export async function verifyFix(previous: ScanReport, request: VerifyRequest, runScan: VerifyScan, options: Partial<ScanOptions> = {}): Promise<VerifyResult> {
  const plan = planVerification(previous, request);
  const input = { url: plan.url, ...(request.headers && Object.keys(request.headers).length ? { headers: request.headers } : {}) };
  const base: Partial<ScanOptions> = { ...options, depth: plan.depth, ...(plan.hint ? { hint: plan.hint } : {}) };
  const rescans: Rescan[] = [];
  const reports: ScanReport[] = [];

  const run = async (url: string, rules: RuleId[]): Promise<{ report: ScanReport; reached: Reached }> => {
    const reached: Reached = new Map();
    const report = await runScan({ ...input, url }, { ...base, rules }, (ex) => recordReached(reached, ex));
    const unreachable = report.errors.find((e) => e.phase === 'reach');
    if (unreachable)
      throw new VerifyUnreachableError(
        `${unreachable.message.replace(/\.$/, '')}. Nothing was verified: check that the fixed service is running and that ${url} is where it answers.`,
      );
    rescans.push({
      scanId: report.scanId,
      url: report.target.url,
      rules,
      requests: { sent: report.requests.sent, inference: report.requests.inference },
      partial: report.partial,
      errors: report.errors.map((e) => `${e.phase}: ${e.message}`),
    });
    reports.push(report);
    return { report, reached };
  };

  const endpoints = new Map<string, { method: string; url: string }>();
  for (const f of plan.findings) endpoints.set(f.id, { method: f.endpoint.method, url: rebaseUrl(f.endpoint.url, previous.target.origin, plan.url) });

  const first = await run(plan.url, plan.rules);
  const decided = new Map<string, Judgement & { scanId: string | null }>();
  for (const f of plan.findings) decided.set(f.id, { ...judge(f, endpoints.get(f.id)!, first.report, first.reached), scanId: first.report.scanId });

  // Follow-ups for endpoints the first re-scan never reached, grouped by URL.
  const unreached = new Map<string, Finding[]>();
  const verifiedOrigin = originOf(plan.url);
  const offOrigin = new Set<string>();
  for (const f of plan.findings) {
    if (!decided.get(f.id)!.unreached) continue;
    const url = endpoints.get(f.id)!.url;
    // Only the origin being verified is ever scanned: an endpoint elsewhere (a report edited by hand) stays unreached.
    if (originOf(url) === null || originOf(url) !== verifiedOrigin) {
      offOrigin.add(f.id);
      continue;
    }
    unreached.set(url, [...(unreached.get(url) ?? []), f]);
  }
  const followedUp = new Set<string>();
  for (const [url, group] of [...unreached.entries()].slice(0, MAX_FOLLOW_UPS)) {
    const next = await run(url, [...new Set(group.map((f) => f.rule))]);
    for (const f of group) {
      followedUp.add(f.id);
      decided.set(f.id, { ...judge(f, endpoints.get(f.id)!, next.report, next.reached), scanId: next.report.scanId });
    }
  }

  const verdicts: FindingVerdict[] = plan.findings.map((f) => {
    const j = decided.get(f.id)!;
    const v: FindingVerdict = {
      findingId: f.id,
      rule: f.rule,
      title: f.title,
      severity: f.severity,
      confidence: f.confidence,
      endpoint: endpoints.get(f.id)!,
      status: j.status,
      reason: !j.unreached
        ? j.reason
        : followedUp.has(f.id)
          ? `${j.reason}, not even when scanned as the given URL`
          : offOrigin.has(f.id)
            ? `${j.reason} (not scanned: it is not on the origin being verified)`
            : `${j.reason} (not scanned again: at most ${MAX_FOLLOW_UPS} follow-up scans)`,
      scanId: j.unreached && !followedUp.has(f.id) ? null : j.scanId,
    };
    if (j.current) v.current = j.current;
    return v;
  });

  // New: a re-scan finding that is no finding of the previous scan at all (selected or not), on its own origin or the old one.
  const isOld = (f: Finding): boolean =>
    previous.findings.some((p) => matchIn(p, { method: p.endpoint.method, url: rebaseUrl(p.endpoint.url, previous.target.origin, plan.url) }, [f]) !== null);
  const newFindings = new Map<string, Finding>();
  for (const r of reports) for (const f of r.findings) if (!isOld(f) && !newFindings.has(f.id)) newFindings.set(f.id, f);

  const count = (s: VerifyStatus) => verdicts.filter((v) => v.status === s).length;
  const fresh = [...newFindings.values()];
  const summary = { fixed: count('fixed'), stillFailing: count('still-failing'), inconclusive: count('inconclusive'), newFindings: fresh.length };
  return {
    target: plan.url,
    previousScanId: previous.scanId,
    rules: plan.rules,
    depth: plan.depth,
    assumedProduct: plan.hint,
    verdicts,
    newFindings: fresh,
    summary,
    allFixed: summary.fixed === verdicts.length && !fresh.some((f) => f.confidence !== 'tentative'),
    rescans,
  };
}

// ---------- the faces' shared output ----------

/**
 * CLI exit status, as the scan gate's: 0 when everything is proven fixed, 1 when something is still failing or new, 2 when
 * nothing failed but something could not be proven either way (the gate cannot vouch for it).
 */
export function verifyExitCode(result: VerifyResult): 0 | 1 | 2 {
  if (result.allFixed) return 0;
  return result.summary.stillFailing + result.newFindings.filter((f) => f.confidence !== 'tentative').length > 0 ? 1 : 2;
}

const MARK: Record<VerifyStatus, string> = { fixed: 'FIXED', 'still-failing': 'STILL FAILING', inconclusive: 'INCONCLUSIVE' };

/** The readable form: one line per prior finding, then new findings and the re-scans' cost. */
export function formatVerifyResult(result: VerifyResult): string {
  const s = result.summary;
  const lines = [
    `Gatecrash verify of ${result.target} against scan ${result.previousScanId}: ${s.fixed} fixed, ` +
      `${s.stillFailing} still failing, ${s.inconclusive} inconclusive, ${s.newFindings} new.`,
    `Re-ran only ${result.rules.join(', ')} at ${result.depth} ` +
      `depth${result.assumedProduct ? `, treating the server as ${result.assumedProduct} as the previous scan did` : ''}.`,
    UNTRUSTED_NOTICE,
  ];
  for (const v of result.verdicts)
    lines.push(`- ${MARK[v.status]} [${v.severity}] ${v.rule} ${v.endpoint.method} ${v.endpoint.url} (${v.findingId}): ${v.reason}`);
  for (const f of result.newFindings)
    lines.push(`- NEW [${f.severity}/${f.confidence}] ${f.rule} ${f.endpoint.method} ${f.endpoint.url} (${f.id}): ${f.description}`);
  const sent = result.rescans.reduce((n, r) => n + r.requests.sent, 0);
  lines.push(`${result.rescans.length} re-scan(s), ${sent} requests: ${result.rescans.map((r) => r.scanId).join(', ')}.`);
  lines.push(
    result.allFixed
      ? 'Every finding is proven fixed.'
      : s.stillFailing + s.newFindings > 0
        ? 'Not fixed yet: see the lines above.'
        : 'Not proven fixed: see the inconclusive lines above.',
  );
  return lines.join('\n');
}
