// One scan, in named phases: prepare (options, target, template) → guard (resolve and pin) → surface (fingerprint and
// discovery) → checks (concurrently, one shared budgeted client) → report (findings, rule statuses, verdict, grade).
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { ALL_CHECKS } from './rules/checks.js';
import type { Check, CheckContext } from './rules/define.js';
import { buildFinding, dedupFindings, linkSameExposure, redactFinding } from './findings.js';
import { ScanClient } from './http/client.js';
import { weakCredentialNotice } from './http/redact.js';
import { resolveAndPin, type Resolver } from './http/guard.js';
import type { RateLimiter } from './http/limits.js';
import { resolveScanOptions } from './options.js';
import { ALL_PROFILES } from './profiles/index.js';
import { RULES } from './rules/index.js';
import { DEPTH_ORDER } from './rules/define.js';
import { gradeOf, scoreFindings } from './score.js';
import { discoverSurface } from './surface/discover.js';
import { routeKey } from './surface/inference.js';
import { detectModelFamily } from './surface/model-family.js';
import { modelOutputOf } from './surface/answer.js';
import { createTarget, parseRequestTemplate } from './target.js';
import type { CertificateSeen, Exchange, Finding, Fingerprint, ProgressEvent, ReportRoute, RuleId, RuleResult, ScanError, ScanOptions, ScanReport, Surface, Target } from './types.js';
import { FINGERPRINT_SERVER_TEXT, RULE_IDS } from './types.js';
import { verdictOf } from './verdict.js';
import { GATECRASH_VERSION } from './release.js';
import { VERSION_MAX, clean, visible } from './untrusted.js';

/** Bound of an error sentence in a report (it may quote the server). */
const ERROR_MAX = 500;

export { GATECRASH_VERSION };

/** The most wrong credentials a scan's burst sends at a depth: what a person is told before approving a scan. */
export { burstCeiling } from './probes/credential-burst.js';

export interface ScanInput {
  url: string;
  /** Credential headers; attached only to probes that ask for them, redacted everywhere. */
  headers?: Record<string, string>;
}

export interface ScanHooks {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** DNS resolver (tests stub it to prove that forbidden answers never connect). */
  resolver?: Resolver;
  /** Every exchange, as it completes (redacted). */
  onExchange?: (exchange: Exchange) => void;
  /** What discovery learned, once it has (fleet sweeps read a server's auth state from it). */
  onSurface?: (surface: Surface) => void;
  /** A pace for new connections shared with other scans (fleet sweeps: `--rate`). */
  connectionRate?: RateLimiter;
}

const KNOWN_ROUTE_PATHS = [...new Set(ALL_PROFILES.flatMap((p) => [...p.inferenceRoutes, ...p.metadataRoutes].map((r) => r.path)))];

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
  if (meta.needs === 'jwt' && !Object.values(credentials).some(looksLikeJwt) && !implemented.has(rule)) return 'needs a JWT among your credentials (--bearer <jwt>)';
  if (!implemented.has(rule)) return 'not implemented in this version of Gatecrash';
  return null;
}

interface Marks {
  statuses: Map<RuleId, { status: RuleResult['status']; reason: string; defersTo?: RuleId }>;
  skipped: Map<RuleId, string>;
}

/** Every check whose depth is enabled, concurrently over the same surface, through the same budgeted client. */
async function runChecks(surface: Surface, target: Target, options: ScanOptions, client: ScanClient, signal: AbortSignal, marks: Marks, errors: ScanError[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const runnable = ALL_CHECKS.filter((c) => DEPTH_ORDER[c.depth] <= DEPTH_ORDER[options.depth] && c.rules.some((r) => !marks.skipped.has(r)));
  const done = new Map<string, Promise<void>>();
  const runOne = async (check: Check): Promise<void> => {
    for (const dep of check.after ?? []) await done.get(dep)?.catch(() => undefined);
    let cutShort: string | null = null;
    const ctx: CheckContext = {
      target,
      surface,
      options,
      signal,
      send: async (probe) => {
        const ex = await client.send(probe);
        if (ex.failure === 'budget' || ex.failure === 'stopped' || ex.failure === 'cut') cutShort = ex.error ?? 'the scan was cut short';
        return ex;
      },
      // Evidence is redacted as it is recorded; the prose a check writes around it is redacted here, so no wording can leak.
      finding: (fi) => redactFinding(buildFinding(fi, surface, options.evidenceCapBytes), client.redactor),
      mark: (rule, status, reason, defersTo) => marks.statuses.set(rule, { status, reason: client.redactor.redact(reason), ...(defersTo ? { defersTo } : {}) }),
      get settled() {
        return findings;
      },
    };
    try {
      const own = await check.run(ctx);
      findings.push(...own.filter((f) => !marks.skipped.has(f.rule)));
      // A rule whose requests were cut short decided nothing, whatever it marked: say so, with what stopped it.
      if (cutShort) for (const r of check.rules) if (!own.some((f) => f.rule === r)) marks.statuses.set(r, { status: 'skipped', reason: `cut short: ${cutShort}` });
    } catch (e) {
      const message = client.redactor.redact((e as Error).message);
      errors.push({ phase: `check:${check.id}`, message });
      for (const r of check.rules) marks.statuses.set(r, { status: 'error', reason: message });
    }
  };
  for (const check of runnable) done.set(check.id, runOne(check));
  await Promise.all(done.values());
  return findings;
}

function ruleResults(findings: Finding[], marks: Marks): RuleResult[] {
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
    return { ...r, reason: decided ? `${base} (see ${defersTo}).` : `${base}, and ${defersTo} did not decide either (${other.status}${other.reason ? `: ${other.reason.replace(/\.$/, '')}` : ''}).` };
  });
}

/** The routes as the report lists them, each with the requests that tried its shape (from the exchanges, in order). */
function reportRoutes(surface: Surface | null, exchanges: Exchange[]): ReportRoute[] {
  return (surface?.routes ?? []).map((r) => {
    const tried = exchanges.filter((ex) => ex.probe.attempt?.route === routeKey(r) && ex.probe.credentials !== 'user' && !ex.cached);
    const attempts = tried.map((ex) => ({
      untrusted: ['path' as const],
      n: ex.probe.attempt!.n,
      method: ex.request.method,
      path: visible(ex.request.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')),
      why: ex.probe.attempt!.why,
      status: ex.response?.status ?? null,
      tokens: ex.probe.attempt!.tokens,
    }));
    return {
      method: r.method,
      path: r.path,
      kind: r.kind,
      access: r.access,
      source: r.source,
      ...(r.shape ? { shape: r.shape } : {}),
      ...(attempts.length ? { attempts, tokens: attempts[attempts.length - 1]!.tokens } : {}),
    };
  });
}

/**
 * What went wrong on the wire, named once per kind (a trickling body, a reset, an answer that is not HTTP), so a partial
 * report says why it is partial. Budget refusals and requests stopped before they left are the budget and deadline errors;
 * at most three kinds, most frequent first.
 */
function transportErrors(exchanges: Exchange[]): ScanError[] {
  const kinds = new Map<string, { count: number; message: string }>();
  for (const ex of exchanges) {
    if (!ex.error || (ex.failure !== 'transport' && ex.failure !== 'cut')) continue;
    const key = ex.error.replace(/\d+/g, 'N');
    const k = kinds.get(key) ?? { count: 0, message: ex.error };
    k.count++;
    kinds.set(key, k);
  }
  return [...kinds.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
    .map((k) => ({ phase: 'transport', message: `${k.count} request(s): ${k.message}` }));
}

/**
 * The cheap phase names the family from model ids and templates; when it could not, the outputs the checks obtained may
 * (Mistral's plain-text [INST] markers). The report's fingerprint and its findings then say so, with the signal.
 */
function refineModelFamily(fp: ScanReport['fingerprint'], exchanges: Exchange[], findings: Finding[], prompt: string): void {
  if (fp.modelFamily) return;
  const outputs = exchanges.filter((ex) => ex.probe.inference).flatMap((ex) => modelOutputOf(ex, prompt)?.text ?? []);
  const family = detectModelFamily({ modelIds: [], outputs });
  if (!family) return;
  fp.modelFamily = family;
  fp.signals = [...fp.signals, `model output carries ${family} chat-template markers`];
  for (const f of findings) f.server.modelFamily = family;
}

/**
 * The fingerprint as a report states it: the server's own words in it (its version, its model ids) cleaned and bounded, and
 * named under `untrusted`. The engine kept them raw while it scanned (a request must name the model as the server does).
 */
function reportFingerprint(fp: Fingerprint): Fingerprint {
  return {
    untrusted: [...FINGERPRINT_SERVER_TEXT],
    ...fp,
    version: fp.version === null ? null : clean(fp.version, VERSION_MAX),
    models: fp.models.map((m) => clean(m)),
  };
}

/** A certificate's names are the server's words: cleaned, bounded and marked. */
function reportCertificate(cert: CertificateSeen | null): CertificateSeen | null {
  return cert && { untrusted: ['subject', 'issuer'], ...cert, subject: clean(cert.subject), issuer: clean(cert.issuer) };
}

export async function scan(input: ScanInput, partialOptions: Partial<ScanOptions> = {}, hooks: ScanHooks = {}): Promise<ScanReport> {
  // ---- prepare: input errors (TargetError, GuardError) are thrown; the faces turn them into a sentence, exit 2 or isError.
  const options = resolveScanOptions(partialOptions);
  const startedAt = new Date();
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const errors: ScanError[] = [];
  const progress = (phase: ProgressEvent['phase'], done: number, planned: number, message: string) => hooks.onProgress?.({ phase, done, planned, message });
  const target = createTarget(input.url, input.headers ?? {}, KNOWN_ROUTE_PATHS);
  const template = options.request ? parseRequestTemplate(options.request) : undefined;

  // ---- guard: resolve once, refuse forbidden addresses, pin the answer for every connection.
  progress('guard', 0, options.budget, `resolving ${target.url.hostname}`);
  const pinned = await resolveAndPin(target.url, { allowPrivate: options.allowPrivate, allow: options.allow }, hooks.resolver);
  // Checks judge where the traffic really goes (transport.cleartext: a name that resolves to loopback never leaves the host).
  target.address = pinned.address;
  timings.guardMs = Math.round(performance.now() - t0);

  const deadline = new AbortController();
  // Every in-flight request listens on the deadline; a scan legitimately has more than ten.
  setMaxListeners(0, deadline.signal);
  let stopped: 'deadline' | 'cancelled' | null = null;
  const timer = setTimeout(() => {
    stopped ??= 'deadline';
    deadline.abort(new Error(`the scan deadline of ${options.timeoutMs} ms passed`));
  }, options.timeoutMs);
  const onUserAbort = () => {
    stopped ??= 'cancelled';
    deadline.abort(new Error('the scan was cancelled'));
  };
  if (hooks.signal?.aborted) onUserAbort();
  hooks.signal?.addEventListener('abort', onUserAbort, { once: true });

  const client = new ScanClient({
    target,
    pinned,
    budget: options.budget,
    concurrency: options.concurrency,
    readCapBytes: options.readCapBytes,
    signal: deadline.signal,
    ...(options.tls ? { tls: options.tls } : {}),
    ...(hooks.connectionRate ? { connectionRate: hooks.connectionRate } : {}),
  });
  client.onExchange((ex) => {
    hooks.onExchange?.(ex);
    progress(ex.probe.inference ? 'checks' : 'surface', client.counts.sent, options.budget, client.redactor.redact(ex.probe.purpose));
  });

  const implemented = new Set(ALL_CHECKS.flatMap((c) => c.rules));
  const marks: Marks = { statuses: new Map(), skipped: new Map() };
  for (const rule of RULE_IDS) {
    const reason = skipReason(rule, options, target.credentials, implemented);
    if (reason) marks.skipped.set(rule, reason);
  }

  let surface: Surface | null = null;
  let findings: Finding[] = [];
  let unreachable: string | undefined;
  try {
    // ---- surface: cheap GETs, fingerprint, then one prompt-less request per candidate route.
    const t1 = performance.now();
    progress('surface', 0, options.budget, 'fingerprinting and route discovery');
    surface = await discoverSurface(target, (p) => client.send(p), { ...(options.hint ? { hint: options.hint } : {}), ...(template ? { template } : {}) });
    timings.surfaceMs = Math.round(performance.now() - t1);
    hooks.onSurface?.(surface);

    if (!client.exchanges.some((ex) => ex.response)) {
      const first = client.exchanges.find((ex) => ex.error)?.error ?? 'no response';
      unreachable = `Could not reach ${target.origin}: ${first}`;
      errors.push({ phase: 'reach', message: unreachable });
      for (const rule of RULE_IDS) if (!marks.skipped.has(rule)) marks.skipped.set(rule, 'the target did not answer');
    } else if (options.surfaceOnly) {
      for (const rule of RULE_IDS) if (!marks.skipped.has(rule)) marks.skipped.set(rule, 'fingerprint only: no checks were run');
    } else {
      // ---- checks
      const t2 = performance.now();
      findings = await runChecks(surface, target, options, client, deadline.signal, marks, errors);
      timings.checksMs = Math.round(performance.now() - t2);
    }
  } catch (e) {
    errors.push({ phase: surface ? 'checks' : 'surface', message: client.redactor.redact((e as Error).message) });
  } finally {
    clearTimeout(timer);
    hooks.signal?.removeEventListener('abort', onUserAbort);
    await client.close();
    Object.assign(timings, client.connectionTimings());
  }

  // ---- report
  progress('report', client.counts.sent, client.counts.sent, 'building the report');
  const unique = linkSameExposure(dedupFindings(findings));
  const rules = ruleResults(unique, marks);
  if (!unreachable) errors.push(...transportErrors(client.exchanges));
  if (stopped) errors.push({ phase: 'deadline', message: `Stopped early: ${(deadline.signal.reason as Error).message}; the report is partial.` });
  if (client.counts.overBudget > 0) errors.push({ phase: 'budget', message: `The request budget of ${options.budget} was spent; ${client.counts.overBudget} request(s) were not sent. Raise --budget for a complete scan.` });
  const verdict = options.surfaceOnly
    ? { status: 'incomplete' as const, reasons: ['Fingerprint only: no rule was run.'] }
    : verdictOf({ reached: !unreachable, ...(unreachable ? { unreachable } : {}), overBudget: client.counts.overBudget, stopped, rules }, options);
  const score = verdict.status === 'complete' ? scoreFindings(unique) : null;
  const graded = score === null ? null : gradeOf(unique, score);
  if (graded?.cappedBy) {
    const f = graded.cappedBy;
    verdict.gradeCap = `capped at ${graded.grade} by a proven ${f.severity} finding (${f.rule}: ${f.title}); a score of ${score} alone would be higher`;
  }
  timings.totalMs = Math.round(performance.now() - t0);

  const notices = Object.entries(target.credentials).flatMap(([name, value]) => weakCredentialNotice(name, value) ?? []);
  const fp: ScanReport['fingerprint'] = surface?.fingerprint ?? { product: 'unknown', productName: null, version: null, confidence: 0, signals: [], models: [], modelFamily: null, candidates: [], servedThrough: null };
  refineModelFamily(fp, client.exchanges, unique, options.prompt);
  return {
    schemaVersion: 1,
    tool: { name: 'gatecrash', version: GATECRASH_VERSION },
    scanId: randomUUID(),
    target: { url: target.url.href, origin: target.origin },
    depth: options.depth,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: timings.totalMs,
    partial: stopped !== null || client.counts.overBudget > 0,
    verdict,
    score,
    grade: graded?.grade ?? null,
    fingerprint: reportFingerprint(fp),
    surface: {
      credentialHeader: surface?.credentialHeader ?? { name: 'Authorization', scheme: 'Bearer', source: 'default' },
      routes: reportRoutes(surface, client.exchanges),
      guessed: surface?.guessed ?? [],
    },
    ...(target.url.protocol === 'https:' ? { tls: { verified: !options.tls?.insecure, certificate: reportCertificate(client.certificate) } } : {}),
    findings: unique,
    rules,
    requests: { sent: client.counts.sent, deduplicated: client.counts.deduplicated, inference: client.counts.inference, budget: options.budget, overBudget: client.counts.overBudget },
    timings,
    // Error sentences are Gatecrash's, but an exception's message may carry a fragment of what the server sent.
    errors: errors.map((e) => ({ phase: e.phase, message: clean(e.message, ERROR_MAX) })),
    ...(notices.length ? { notices } : {}),
  };
}
