// Small pieces every renderer shares. Pure: no clock, no I/O; everything comes from the report.
import type { EvidenceMessage, ExchangeRequest, Finding, RuleStatus, ScanReport, Severity } from '../engine/types.js';
import { quote } from '../engine/untrusted.js';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export const RULE_STATUSES: readonly RuleStatus[] = ['fail', 'pass', 'inconclusive', 'skipped', 'error'];

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Findings by severity (most severe first), keeping the report's order within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

export function countByStatus(report: Pick<ScanReport, 'rules'>): Record<RuleStatus, number> {
  const counts: Record<RuleStatus, number> = { fail: 0, pass: 0, inconclusive: 0, skipped: 0, error: 0 };
  for (const r of report.rules) counts[r.status] += 1;
  return counts;
}

/** GitHub's security-severity scale (CVSS-like): critical ≥ 9, high 7–8.9, medium 4–6.9, low 0.1–3.9. */
export const SECURITY_SEVERITY: Record<Severity, number> = { critical: 9.5, high: 8.0, medium: 5.5, low: 3.0, info: 0.0 };

/** Reads "CVSS 9.1" / "CVSS:3.1 7.5" / "cvss score: 5.3" from a finding's notes (how advisory findings state their score). */
export function cvssFromNotes(notes: readonly string[] | undefined): number | undefined {
  for (const note of notes ?? []) {
    const m = /\bcvss(?:[:\s]*v?\d(?:\.\d)?)?(?:\s*(?:base\s*)?score)?[:\s=]+(\d{1,2}(?:\.\d+)?)\b/i.exec(note);
    if (m?.[1] !== undefined) {
      const n = Number(m[1]);
      if (Number.isFinite(n) && n >= 0 && n <= 10) return n;
    }
  }
  return undefined;
}

/** The finding's security-severity: the advisory's own score when it carries one, else the severity's. */
export function findingSecurityScore(finding: Finding, advisoryScore?: (finding: Finding) => number | undefined): number {
  if (finding.advisory !== undefined || finding.rule === 'vuln.known-advisory') {
    const own = advisoryScore?.(finding) ?? cvssFromNotes(finding.evidence.notes);
    if (own !== undefined && Number.isFinite(own) && own >= 0 && own <= 10) return own;
  }
  return SECURITY_SEVERITY[finding.severity];
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${min} min ${s} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Server text kept whole for evidence and terminals: the rule lives in the engine's untrusted-text module. */
export { neutralizeControls } from '../engine/untrusted.js';

/** Path plus query of a URL, or the URL itself when it does not parse. */
export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string | undefined {
  return REASONS[status];
}

/** The request as HTTP/1.1 text (absolute-form target, so the host is visible). Already redacted by the engine. */
export function httpRequestText(req: ExchangeRequest): string {
  const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`)];
  return req.body !== undefined && req.body !== '' ? `${lines.join('\n')}\n\n${req.body}` : lines.join('\n');
}

export function httpResponseText(res: NonNullable<EvidenceMessage['response']>): string {
  const reason = reasonPhrase(res.status);
  const lines = [`HTTP/1.1 ${res.status}${reason ? ` ${reason}` : ''}`, ...Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`)];
  return res.body !== '' ? `${lines.join('\n')}\n\n${res.body}` : lines.join('\n');
}

/** One line: `POST /v1/chat/completions → 200 OK (95 ms)`; `→ error: …` when nothing came back. */
export function exchangeOneLiner(msg: EvidenceMessage): string {
  const head = `${msg.request.method} ${pathOf(msg.request.url)}`;
  if (msg.response) {
    const reason = reasonPhrase(msg.response.status);
    return `${head} → ${msg.response.status}${reason ? ` ${reason}` : ''} (${formatDuration(msg.response.latencyMs)})`;
  }
  return `${head} → ${msg.error ? `error: ${msg.error}` : 'no response'}`;
}

/** First `max` characters of a one-line rendering of `text`, with an ellipsis when cut. */
export function preview(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** "vLLM ⟦0.6.3⟧, served through nginx": the product is Gatecrash's name for it, the version the server's words (quoted). */
export function serverLabel(report: Pick<ScanReport, 'fingerprint'>): string {
  const fp = report.fingerprint;
  const through = fp.servedThrough ? `, served through ${fp.servedThrough}` : '';
  if (fp.product === 'unknown') return `unknown server${through}`;
  const name = fp.productName ?? fp.product;
  return `${fp.version ? `${name} ${quote(fp.version, 40)}` : name}${through}`;
}

/**
 * The grade as every format states it: "Grade D · score 75/100" for a complete scan; "Incomplete: no grade" or
 * "Not reached: no grade" when the scan cannot vouch for one (the reasons follow it in each format).
 */
export function gradeHeadline(report: Pick<ScanReport, 'grade' | 'score' | 'verdict'>): string {
  if (report.verdict.status === 'unreached') return 'Not reached: no grade';
  if (report.grade === null || report.score === null) return 'Incomplete: no grade';
  return `Grade ${report.grade} · score ${report.score}/100`;
}

/** Why there is no grade, and what to pass (empty for a complete scan). One sentence per reason. */
export function verdictReasons(report: Pick<ScanReport, 'verdict'>): string[] {
  return report.verdict.status === 'complete' ? [] : report.verdict.reasons;
}

/** The grade letter for tables ("–" when there is none). */
export function gradeCell(report: Pick<ScanReport, 'grade' | 'verdict'>): string {
  return report.grade ?? (report.verdict.status === 'unreached' ? 'unreached' : 'incomplete');
}
