// The zoo scanned as a user would scan it: the URL they would type, standard depth, a fresh server for every scan (the
// guarded forms remember wrong keys), and what the scan must conclude:
// - open form: the app's rule fails with a confirmed finding whose evidence carries the fake model's reply; grade D or F;
// - guarded form without a key: no auth.* finding and the app's rule not failed; the model never ran;
// - guarded form with the key (some apps): no auth.* rule fails; the deliberately weak app fails auth.weak-key-handling;
// - the template-only app: incomplete and ungraded without `request`, auth.missing failed with it;
// - the self-signed app: without TLS options an error naming --insecure and --ca; with the CA or `insecure` it scans.
// Every scan stays inside its budget and makes the model run only a few times; each one adds a row to the zoo table.
import { expect } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { keyHeaders, MODEL_WORDS, type ZooApp } from './catalog.js';
import type { Launched, TlsOptions } from './launch.js';

/**
 * Times the model may run in one scan: the scanner asks for one token per inference probe and sends few of them (an open
 * wrapper's auth proof and the LLM rules' probes, or the keyed baselines with a key).
 */
export const MAX_GENERATIONS = 10;

export interface Row {
  app: ZooApp;
  form: string;
  findings: string;
  grade: string;
  sent: string;
  generations: number;
}

interface ScanCase {
  form: 'open' | 'guarded';
  /** How the row names this scan. */
  label: string;
  headers?: Record<string, string>;
  request?: string;
  /** TLS options: the app's own (its CA) unless given; null to scan without any. */
  tls?: TlsOptions | null;
}

export interface Scanned {
  report: ScanReport | null;
  /** The message of a scan that threw instead of returning a report. */
  thrown?: string;
  generations: number;
  log: string;
}

/** One scan of a fresh instance, recorded in `rows` whatever happens. */
export async function scanCase(app: ZooApp, c: ScanCase, rows: Row[]): Promise<Scanned> {
  const l: Launched = await app.start(c.form);
  const row: Row = { app, form: c.label, findings: '', grade: '', sent: '', generations: 0 };
  rows.push(row);
  try {
    const tls = c.tls === null ? undefined : (c.tls ?? l.tls);
    let report: ScanReport | null = null;
    let thrown: string | undefined;
    try {
      report = await scan(
        { url: l.url, ...(c.headers ? { headers: c.headers } : {}) },
        { depth: 'standard', ...(c.request ? { request: c.request } : {}), ...(tls ? { tls } : {}) },
      );
    } catch (e) {
      thrown = (e as Error).message;
    }
    row.generations = l.generations();
    if (report) {
      row.findings = [...new Set(report.findings.map((f) => f.rule))].join(', ') || '—';
      row.grade = report.grade ?? `none (${report.verdict.status})`;
      row.sent = `${report.requests.sent} / ${report.requests.budget}`;
      expect(report.requests.sent, 'requests sent within the budget').toBeLessThanOrEqual(report.requests.budget);
    } else {
      row.findings = `threw: ${thrown}`;
    }
    expect(row.generations, `the model ran ${row.generations} times:\n${l.log()}`).toBeLessThanOrEqual(MAX_GENERATIONS);
    return { report, ...(thrown !== undefined ? { thrown } : {}), generations: row.generations, log: l.log() };
  } finally {
    await l.stop();
  }
}

/** The rules, statuses and findings of a report in a few lines, for assertion messages. */
export function explain(s: Scanned): string {
  if (!s.report) return `the scan threw: ${s.thrown}`;
  const r = s.report;
  const rules = r.rules.filter((x) => x.status !== 'skipped').map((x) => `  ${x.rule}: ${x.status}${x.reason ? ` (${x.reason})` : ''}`);
  const routes = r.surface.routes.map((x) => `  ${x.method} ${x.path} ${x.kind} ${x.access} (${x.source})`);
  return [`grade ${r.grade}, ${r.requests.sent} requests, errors: ${JSON.stringify(r.errors)}`, 'routes:', ...routes, 'rules:', ...rules].join('\n');
}

function reportOf(s: Scanned): ScanReport {
  expect(s.report, explain(s)).not.toBeNull();
  return s.report!;
}

export async function scanOpen(app: ZooApp, rows: Row[]): Promise<void> {
  const s = await scanCase(app, { form: 'open', label: app.request ? 'open, with --request' : 'open', ...(app.request ? { request: app.request } : {}) }, rows);
  const report = reportOf(s);
  expect(report.rules.find((r) => r.rule === app.openRule)?.status, explain(s)).toBe('fail');
  const proof = report.findings.find((f) => f.rule === app.openRule && f.confidence === 'confirmed' && f.evidence.response?.body.includes(MODEL_WORDS[0]!));
  expect(proof, `a confirmed ${app.openRule} finding whose evidence carries the model's reply\n${explain(s)}`).toBeDefined();
  expect(['D', 'F'], explain(s)).toContain(report.grade);
  expect(s.generations, s.log).toBeGreaterThanOrEqual(1);
}

export async function scanGuarded(app: ZooApp, rows: Row[]): Promise<void> {
  const s = await scanCase(app, { form: 'guarded', label: 'guarded', ...(app.request ? { request: app.request } : {}) }, rows);
  const report = reportOf(s);
  expect(
    report.findings.filter((f) => f.rule.startsWith('auth.')).map((f) => `${f.rule}: ${f.description}`),
    explain(s),
  ).toEqual([]);
  expect(report.rules.find((r) => r.rule === app.openRule)?.status, explain(s)).not.toBe('fail');
  // A guarded form that answers a stranger exactly as an unknown path cannot be told from no route: never "complete".
  if (app.anonymous === 'hidden') expect(report.verdict.status, explain(s)).toBe('incomplete');
  // A guarded form whose model ran for a scanner without the key would be no guard at all.
  expect(s.generations, s.log).toBe(0);
}

export async function scanGuardedWithKey(app: ZooApp, rows: Row[]): Promise<void> {
  const s = await scanCase(
    app,
    { form: 'guarded', label: 'guarded, with the key', headers: keyHeaders(app), ...(app.request ? { request: app.request } : {}) },
    rows,
  );
  const report = reportOf(s);
  const failed = report.rules.filter((r) => r.rule.startsWith('auth.') && r.status === 'fail').map((r) => r.rule);
  if (app.weakQueryKey) {
    expect(failed, explain(s)).toContain('auth.weak-key-handling');
    const finding = report.findings.find((f) => f.rule === 'auth.weak-key-handling');
    expect(JSON.stringify(finding), 'the key never appears in a finding').not.toContain(app.key);
  } else {
    expect(failed, explain(s)).toEqual([]);
  }
  expect(JSON.stringify(report), 'the key never appears in the report').not.toContain(app.key);
}

export async function scanWithoutTemplate(app: ZooApp, rows: Row[]): Promise<void> {
  const s = await scanCase(app, { form: 'open', label: 'open, no --request' }, rows);
  const report = reportOf(s);
  expect(report.grade, explain(s)).toBeNull();
  expect(report.verdict.status, explain(s)).toBe('incomplete');
  expect(JSON.stringify(report.verdict), 'the verdict says to pass --request').toContain('--request');
}

export async function scanTlsWithoutOptions(app: ZooApp, rows: Row[]): Promise<void> {
  const s = await scanCase(app, { form: 'open', label: 'open, no TLS options', tls: null }, rows);
  const message = s.report ? s.report.errors.map((e) => e.message).join('\n') : (s.thrown ?? '');
  expect(message, explain(s)).toContain('--insecure');
  expect(message, explain(s)).toContain('--ca');
  // A scan that never reached the server must not be graded as if it had found nothing.
  if (s.report) expect(s.report.grade, explain(s)).toBeNull();
  expect(s.generations).toBe(0);
}

export async function scanTlsInsecure(app: ZooApp, rows: Row[]): Promise<void> {
  const s = await scanCase(app, { form: 'open', label: 'open, --insecure', tls: { insecure: true } }, rows);
  const report = reportOf(s);
  expect(report.rules.find((r) => r.rule === app.openRule)?.status, explain(s)).toBe('fail');
}

/** The zoo table: one row per scan, in catalog order. */
export function zooTable(rows: Row[], order: ZooApp[]): string {
  const sorted = [...rows].sort((a, b) => order.indexOf(a.app) - order.indexOf(b.app));
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const lines = sorted.map(
    (r) => `| ${r.app.name} | ${r.app.framework} | ${cell(r.app.shape)} | ${r.form} | ${cell(r.findings)} | ${r.grade} | ${r.sent} | ${r.generations} |`,
  );
  return ['| target | framework | shape | form | findings | grade | requests sent | model runs |', '|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}
