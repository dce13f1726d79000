// The report phase: from what the scan did (exchanges, findings, rule marks, how it stopped) to the ScanReport every face
// renders. The verdict decides whether a score and grade exist at all; the server's own words are cleaned and marked here.
import { randomUUID } from 'node:crypto';
import { dedupFindings, linkSameExposure } from '../findings.js';
import type { ScanClient } from '../http/client.js';
import { weakCredentialNotice } from '../http/redact.js';
import { GATECRASH_VERSION } from '../release.js';
import { gradeOf, scoreFindings } from '../score.js';
import { modelOutputOf } from '../surface/answer.js';
import { routeKey } from '../surface/inference.js';
import { detectModelFamily } from '../surface/model-family.js';
import type { CertificateSeen, Exchange, Finding, Fingerprint, ReportRoute, ScanError, ScanOptions, ScanReport, Surface, Target } from '../types.js';
import { FINGERPRINT_SERVER_TEXT } from '../types.js';
import { clean, VERSION_MAX, visible } from '../untrusted.js';
import { verdictOf } from '../verdict.js';
import type { Deadline } from './deadline.js';
import { type RuleMarks, ruleResults } from './rule-marks.js';

/** Bound of an error sentence in a report (it may quote the server). */
const ERROR_MAX = 500;

/** The fingerprint of a scan that learned nothing (a fresh object: the report phase may refine it). */
const noFingerprint = (): Fingerprint => ({
  product: 'unknown',
  productName: null,
  version: null,
  confidence: 0,
  signals: [],
  models: [],
  modelFamily: null,
  candidates: [],
  servedThrough: null,
});

export interface ScanRun {
  target: Target;
  options: ScanOptions;
  client: ScanClient;
  deadline: Deadline;
  startedAt: Date;
  timings: Record<string, number>;
  surface: Surface | null;
  findings: Finding[];
  marks: RuleMarks;
  errors: ScanError[];
  /** Set when no request got an answer: the sentence that says so. */
  unreachable?: string;
}

export function assembleReport(run: ScanRun): ScanReport {
  const { target, options, client, deadline, surface, timings } = run;
  const findings = linkSameExposure(dedupFindings(run.findings));
  const rules = ruleResults(findings, run.marks);
  const errors = [...run.errors, ...stopErrors(run)];
  const stopped = deadline.stopped;
  const verdict = options.surfaceOnly
    ? { status: 'incomplete' as const, reasons: ['Fingerprint only: no rule was run.'] }
    : verdictOf(
        { reached: !run.unreachable, ...(run.unreachable ? { unreachable: run.unreachable } : {}), overBudget: client.counts.overBudget, stopped, rules },
        options,
      );
  const score = verdict.status === 'complete' ? scoreFindings(findings) : null;
  const graded = score === null ? null : gradeOf(findings, score);
  if (graded?.cappedBy) {
    const f = graded.cappedBy;
    verdict.gradeCap = `capped at ${graded.grade} by a proven ${f.severity} finding (${f.rule}: ${f.title}); a score of ${score} alone would be higher`;
  }
  const notices = Object.entries(target.credentials).flatMap(([name, value]) => weakCredentialNotice(name, value) ?? []);
  const fp: Fingerprint = surface?.fingerprint ?? noFingerprint();
  refineModelFamily(fp, client.exchanges, findings, options.prompt);
  return {
    schemaVersion: 1,
    tool: { name: 'gatecrash', version: GATECRASH_VERSION },
    scanId: randomUUID(),
    target: { url: target.url.href, origin: target.origin },
    depth: options.depth,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: timings.totalMs ?? 0,
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
    findings,
    rules,
    requests: {
      sent: client.counts.sent,
      deduplicated: client.counts.deduplicated,
      inference: client.counts.inference,
      budget: options.budget,
      overBudget: client.counts.overBudget,
    },
    timings,
    // Error sentences are Gatecrash's, but an exception's message may carry a fragment of what the server sent.
    errors: errors.map((e) => ({ phase: e.phase, message: clean(e.message, ERROR_MAX) })),
    ...(notices.length ? { notices } : {}),
  };
}

/** Why the report is partial, in the order a reader needs it: the wire, then the deadline, then the budget. */
function stopErrors({ client, deadline, options, unreachable }: ScanRun): ScanError[] {
  const errors: ScanError[] = unreachable ? [] : transportErrors(client.exchanges);
  if (deadline.stopped) errors.push({ phase: 'deadline', message: `Stopped early: ${deadline.reason}; the report is partial.` });
  if (client.counts.overBudget > 0)
    errors.push({
      phase: 'budget',
      message: `The request budget of ${options.budget} was spent; ${client.counts.overBudget} request(s) were not sent. Raise --budget for a complete scan.`,
    });
  return errors;
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
