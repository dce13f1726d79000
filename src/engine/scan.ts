// One scan: guard → surface → checks (concurrently, one shared budgeted client) → findings, score, rule statuses.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { ALL_CHECKS } from './checks/index.js';
import type { Check, CheckContext } from './checks/define.js';
import { buildFinding, dedupFindings, redactFinding } from './findings.js';
import { ScanClient } from './http/client.js';
import { resolveAndPin, type Resolver } from './http/guard.js';
import { resolveScanOptions } from './options.js';
import { ALL_PROFILES } from './profiles/index.js';
import { DEPTH_ORDER, RULES } from './rules.js';
import { gradeFor, scoreFindings } from './score.js';
import { discoverSurface } from './surface/discover.js';
import { detectModelFamily } from './surface/model-family.js';
import { extractModelOutput } from './surface/model-output.js';
import { createTarget } from './target.js';
import type { Exchange, Finding, ProgressEvent, RuleId, RuleResult, ScanError, ScanOptions, ScanReport, Surface } from './types.js';
import { RULE_IDS } from './types.js';
import { GATECRASH_VERSION } from './release.js';

export { GATECRASH_VERSION };

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

export async function scan(input: ScanInput, partialOptions: Partial<ScanOptions> = {}, hooks: ScanHooks = {}): Promise<ScanReport> {
  const options = resolveScanOptions(partialOptions);
  const startedAt = new Date();
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const errors: ScanError[] = [];
  const progress = (phase: ProgressEvent['phase'], done: number, planned: number, message: string) => hooks.onProgress?.({ phase, done, planned, message });

  // Input errors (TargetError, GuardError) are thrown: the faces turn them into a sentence, exit 2 or isError.
  const target = createTarget(input.url, input.headers ?? {}, KNOWN_ROUTE_PATHS);
  progress('guard', 0, options.budget, `resolving ${target.url.hostname}`);
  const pinned = await resolveAndPin(target.url, { allowPrivate: options.allowPrivate, allow: options.allow }, hooks.resolver);
  // Checks judge where the traffic really goes (transport.cleartext: a name that resolves to loopback never leaves the host).
  target.address = pinned.address;
  timings.guardMs = Math.round(performance.now() - t0);

  const deadline = new AbortController();
  // Every in-flight request listens on the deadline; a scan legitimately has more than ten.
  setMaxListeners(0, deadline.signal);
  const timer = setTimeout(() => deadline.abort(new Error(`the scan deadline of ${options.timeoutMs} ms passed`)), options.timeoutMs);
  const onUserAbort = () => deadline.abort(new Error('the scan was cancelled'));
  if (hooks.signal?.aborted) onUserAbort();
  hooks.signal?.addEventListener('abort', onUserAbort, { once: true });

  const client = new ScanClient({ target, pinned, budget: options.budget, concurrency: options.concurrency, readCapBytes: options.readCapBytes, signal: deadline.signal });
  client.onExchange((ex) => {
    hooks.onExchange?.(ex);
    progress(ex.probe.inference ? 'checks' : 'surface', client.counts.sent, options.budget, client.redactor.redact(ex.probe.purpose));
  });

  const implemented = new Set(ALL_CHECKS.flatMap((c) => c.rules));
  const skipped = new Map<RuleId, string>();
  for (const rule of RULE_IDS) {
    const reason = skipReason(rule, options, target.credentials, implemented);
    if (reason) skipped.set(rule, reason);
  }

  let surface: Surface | null = null;
  const findings: Finding[] = [];
  const marks = new Map<RuleId, { status: RuleResult['status']; reason: string }>();
  try {
    const t1 = performance.now();
    progress('surface', 0, options.budget, 'fingerprinting and route discovery');
    surface = await discoverSurface(target, (p) => client.send(p), options.hint ? { hint: options.hint } : {});
    timings.surfaceMs = Math.round(performance.now() - t1);

    const reached = client.exchanges.some((ex) => ex.response);
    if (!reached) {
      const first = client.exchanges.find((ex) => ex.error)?.error ?? 'no response';
      errors.push({ phase: 'reach', message: `Could not reach ${target.origin}: ${first}` });
      for (const rule of RULE_IDS) if (!skipped.has(rule)) skipped.set(rule, 'the target did not answer');
    } else if (options.surfaceOnly) {
      for (const rule of RULE_IDS) if (!skipped.has(rule)) skipped.set(rule, 'fingerprint only: no checks were run');
    } else {
      const t2 = performance.now();
      await runChecks(surface);
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

  async function runChecks(surface: Surface): Promise<void> {
    const runnable = ALL_CHECKS.filter((c) => DEPTH_ORDER[c.depth] <= DEPTH_ORDER[options.depth] && c.rules.some((r) => !skipped.has(r)));
    const done = new Map<string, Promise<void>>();
    const runOne = async (check: Check): Promise<void> => {
      for (const dep of check.after ?? []) await done.get(dep)?.catch(() => undefined);
      let cutShort: string | null = null;
      const ctx: CheckContext = {
        target,
        surface,
        options,
        signal: deadline.signal,
        send: async (probe) => {
          const ex = await client.send(probe);
          if (!ex.response && ex.error?.startsWith('Not ')) cutShort = ex.error;
          return ex;
        },
        // Evidence is redacted as it is recorded; the prose a check writes around it is redacted here, so no wording can leak.
        finding: (fi) => redactFinding(buildFinding(fi, surface, options.evidenceCapBytes), client.redactor),
        mark: (rule, status, reason) => marks.set(rule, { status, reason: client.redactor.redact(reason) }),
        get settled() {
          return findings;
        },
      };
      try {
        const own = await check.run(ctx);
        findings.push(...own.filter((f) => !skipped.has(f.rule)));
        if (cutShort) for (const r of check.rules) if (!own.some((f) => f.rule === r) && !marks.has(r)) marks.set(r, { status: 'skipped', reason: cutShort });
      } catch (e) {
        const message = client.redactor.redact((e as Error).message);
        errors.push({ phase: `check:${check.id}`, message });
        for (const r of check.rules) marks.set(r, { status: 'error', reason: message });
      }
    };
    for (const check of runnable) done.set(check.id, runOne(check));
    await Promise.all(done.values());
  }

  progress('report', client.counts.sent, client.counts.sent, 'building the report');
  const unique = dedupFindings(findings);
  const rules: RuleResult[] = RULE_IDS.map((rule) => {
    const count = unique.filter((f) => f.rule === rule).length;
    if (count) return { rule, status: 'fail', findings: count };
    const skip = skipped.get(rule);
    if (skip) return { rule, status: 'skipped', reason: skip, findings: 0 };
    const mark = marks.get(rule);
    if (mark) return { rule, status: mark.status, reason: mark.reason, findings: 0 };
    return { rule, status: 'pass', findings: 0 };
  });
  if (!errors.some((e) => e.phase === 'reach')) errors.push(...transportErrors(client.exchanges));
  const partial = deadline.signal.aborted || client.counts.overBudget > 0;
  if (deadline.signal.aborted) errors.push({ phase: 'deadline', message: `Stopped early: ${(deadline.signal.reason as Error).message}; the report is partial.` });
  if (client.counts.overBudget > 0) errors.push({ phase: 'budget', message: `The request budget of ${options.budget} was spent; ${client.counts.overBudget} request(s) were not sent. Raise --budget for a complete scan.` });
  const score = scoreFindings(unique);
  const finishedAt = new Date();
  timings.totalMs = Math.round(performance.now() - t0);

  const fp = surface?.fingerprint ?? { product: 'unknown' as const, productName: null, version: null, confidence: 0, signals: [], models: [], modelFamily: null, candidates: [] };
  refineModelFamily(fp, client.exchanges, unique);
  return {
    schemaVersion: 1,
    tool: { name: 'gatecrash', version: GATECRASH_VERSION },
    scanId: randomUUID(),
    target: { url: target.url.href, origin: target.origin },
    depth: options.depth,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: timings.totalMs,
    partial,
    score,
    grade: gradeFor(score),
    fingerprint: fp,
    surface: {
      credentialHeader: surface?.credentialHeader ?? { name: 'Authorization', scheme: 'Bearer', source: 'default' },
      routes: (surface?.routes ?? []).map((r) => ({ method: r.method, path: r.path, kind: r.kind, access: r.access, source: r.source, ...(r.shape ? { shape: r.shape } : {}) })),
    },
    findings: unique,
    rules,
    requests: { sent: client.counts.sent, deduplicated: client.counts.deduplicated, inference: client.counts.inference, budget: options.budget, overBudget: client.counts.overBudget },
    timings,
    errors,
  };
}

/**
 * The cheap phase names the family from model ids and templates; when it could not, the outputs the checks obtained may
 * (Mistral's plain-text [INST] markers). The report's fingerprint and its findings then say so, with the signal.
 */
function refineModelFamily(fp: ScanReport['fingerprint'], exchanges: Exchange[], findings: Finding[]): void {
  if (fp.modelFamily) return;
  const outputs = exchanges.filter((ex) => ex.probe.inference && ex.response).flatMap((ex) => extractModelOutput(ex.response!.body)?.text ?? []);
  const family = detectModelFamily({ modelIds: [], outputs });
  if (!family) return;
  fp.modelFamily = family;
  fp.signals = [...fp.signals, `model output carries ${family} chat-template markers`];
  for (const f of findings) f.server.modelFamily = family;
}

/**
 * What went wrong on the wire, named once per kind (a trickling body, a reset, an answer that is not HTTP), so a partial
 * report says why it is partial. Budget refusals are reported on their own; at most three kinds, most frequent first.
 */
function transportErrors(exchanges: Exchange[]): ScanError[] {
  const kinds = new Map<string, { count: number; message: string }>();
  for (const ex of exchanges) {
    // Budget refusals, and requests the deadline stopped before they reached the wire, are the budget and deadline errors.
    if (!ex.error || ex.error.startsWith('Not sent:') || (ex.error.startsWith('Not completed:') && !ex.error.includes('('))) continue;
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
