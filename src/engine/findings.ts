// Finding construction: evidence comes from recorded exchanges (never re-typed), mappings from the rule catalog.
import { createHash } from 'node:crypto';
import { RULES } from './rules/index.js';
import type { Confidence, Evidence, EvidenceMessage, Exchange, Finding, RuleId, Severity, Surface } from './types.js';
import { clean, VERSION_MAX, visible } from './untrusted.js';

export interface FindingInput {
  rule: RuleId;
  confidence: Confidence;
  description: string;
  /** The exchange that proves the finding. */
  exchange: Exchange;
  /** The refused request of a differential finding. */
  baseline?: Exchange;
  extra?: Exchange[];
  notes?: string[];
  /** Distinguishes several findings of one rule on one endpoint. */
  variant?: string;
  /** Defaults to the proving exchange's method and URL (query removed). */
  endpoint?: { method: string; url: string };
  title?: string;
  severity?: Severity;
  remediation?: string;
  cwe?: string[];
  advisory?: string;
  related?: string[];
}

export function truncateBody(body: string, capBytes: number): string {
  if (Buffer.byteLength(body, 'utf8') <= capBytes) return body;
  const cut = Buffer.from(body, 'utf8')
    .subarray(0, capBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
  return `${cut}… [truncated]`;
}

/** Headers as evidence shows them: control, invisible and quote characters made visible (see untrusted.ts). */
function visibleHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [visible(k), visible(v, true)]));
}

/**
 * An exchange as evidence: truncated, and with every control, bidi, zero-width and quote character the server sent shown
 * as a visible escape, so no reader (a terminal, a browser, a language model) gets a character that acts or hides text.
 */
export function evidenceMessage(ex: Exchange, capBytes: number): EvidenceMessage {
  const msg: EvidenceMessage = {
    request: {
      method: ex.request.method,
      url: visible(ex.request.url),
      headers: visibleHeaders(ex.request.headers),
      ...(ex.request.body !== undefined ? { body: truncateBody(visible(ex.request.body, true), capBytes) } : {}),
    },
  };
  if (ex.response) {
    msg.response = {
      status: ex.response.status,
      headers: visibleHeaders(ex.response.headers),
      body: truncateBody(visible(ex.response.body, true), capBytes),
      latencyMs: ex.response.latencyMs,
    };
  }
  if (ex.error) msg.error = ex.error;
  return msg;
}

/** Normalized for ids: lower-case scheme and host, no query, no trailing slash. */
export function normalizeUrlForId(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '') || '/'}`.toLowerCase();
  } catch {
    return url;
  }
}

export function stableFindingId(rule: RuleId, method: string, url: string, variant = ''): string {
  const h = createHash('sha256')
    .update(`${rule}\n${method.toUpperCase()}\n${normalizeUrlForId(url)}\n${variant}`)
    .digest('hex');
  return `GC-${h.slice(0, 16)}`;
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}

export function buildFinding(input: FindingInput, surface: Surface, evidenceCapBytes: number): Finding {
  const meta = RULES[input.rule];
  const endpoint = input.endpoint ?? { method: input.exchange.request.method, url: stripQuery(input.exchange.request.url) };
  const main = evidenceMessage(input.exchange, evidenceCapBytes);
  const evidence: Evidence = { untrusted: true, request: main.request };
  if (main.response) evidence.response = main.response;
  if (input.baseline) evidence.baseline = evidenceMessage(input.baseline, evidenceCapBytes);
  if (input.extra?.length) evidence.extra = input.extra.map((e) => evidenceMessage(e, evidenceCapBytes));
  if (input.notes?.length) evidence.notes = input.notes;
  const fp = surface.fingerprint;
  const finding: Finding = {
    id: stableFindingId(input.rule, endpoint.method, endpoint.url, input.variant),
    rule: input.rule,
    check: meta.check,
    title: input.title ?? meta.title,
    severity: input.severity ?? meta.severity,
    confidence: input.confidence,
    description: input.description,
    endpoint,
    evidence,
    remediation: input.remediation ?? meta.remediation,
    cwe: input.cwe ?? meta.cwe,
    owasp: meta.owasp,
    owaspLlm: meta.owaspLlm,
    pci: meta.pci,
    server: {
      untrusted: ['version'],
      product: fp.product === 'unknown' ? null : fp.product,
      version: fp.version === null ? null : clean(fp.version, VERSION_MAX),
      modelFamily: fp.modelFamily,
      confidence: fp.confidence,
    },
  };
  if (input.variant) finding.variant = input.variant;
  if (input.advisory) finding.advisory = input.advisory;
  if (input.related?.length) finding.related = input.related;
  return finding;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** One finding per id (the first, which is the strongest by construction); sorted by severity then rule. */
export function dedupFindings(findings: Finding[]): Finding[] {
  const byId = new Map<string, Finding>();
  for (const f of findings) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule) || a.endpoint.url.localeCompare(b.endpoint.url),
  );
}

/**
 * Rules that, on one endpoint, report one exposure seen two ways: an inference route open to anyone is auth.missing, and
 * when another route refuses callers it is also auth.alternate-path (the same probe, with the refused route beside it).
 * Such findings point at each other and count once in the score (score.ts).
 */
export const SAME_EXPOSURE: readonly (readonly RuleId[])[] = [['auth.missing', 'auth.alternate-path']];

/** The exposure a finding shares with findings of other rules, or null: its group and its endpoint. */
export function exposureKey(f: Pick<Finding, 'rule' | 'endpoint'>): string | null {
  const group = SAME_EXPOSURE.findIndex((g) => g.includes(f.rule));
  return group === -1 ? null : `${group} ${f.endpoint.method.toUpperCase()} ${normalizeUrlForId(f.endpoint.url)}`;
}

/** Links the findings that report the same exposure (SAME_EXPOSURE): each names the others in `related` and in a note. */
export function linkSameExposure(findings: Finding[]): Finding[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = exposureKey(f);
    if (key) byKey.set(key, [...(byKey.get(key) ?? []), f]);
  }
  return findings.map((f) => {
    const key = exposureKey(f);
    const others = key ? byKey.get(key)!.filter((o) => o.id !== f.id && o.rule !== f.rule) : [];
    if (others.length === 0) return f;
    const notes = [...(f.evidence.notes ?? []), ...others.map((o) => `the same exposure as ${o.rule} ${o.id}: counted once in the score`)];
    return { ...f, related: [...new Set([...(f.related ?? []), ...others.map((o) => o.id)])], evidence: { ...f.evidence, notes } };
  });
}

export function severityAtLeast(s: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER[s] <= SEVERITY_ORDER[threshold];
}

/** The prose of a finding through the redactor (evidence is already redacted when recorded). */
export function redactFinding(f: Finding, redactor: { redact(text: string): string }): Finding {
  const notes = f.evidence.notes?.map((n) => redactor.redact(n));
  return {
    ...f,
    title: redactor.redact(f.title),
    description: redactor.redact(f.description),
    remediation: redactor.redact(f.remediation),
    ...(notes ? { evidence: { ...f.evidence, notes } } : {}),
  };
}
