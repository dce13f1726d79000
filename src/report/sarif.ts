// SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer). Pure: every value comes from the reports.
//
// Choices (see also the module's tests):
// - One run for any number of reports. GitHub rejects an upload with several runs of one tool in one category, so a batch
//   scan becomes one run with one invocation per report and the results of all of them.
// - driver.rules lists every rule of the catalog, in catalog order, whether it fired or not: rule indexes never move
//   between runs and the Security tab can show the help of every rule Gatecrash knows.
// - No artifact URI has a scheme: GitHub refuses a whole upload when one is not `file` (docs/sarif.md). A result's location
//   is the endpoint written as a relative reference under the uriBaseId ENDPOINTS (`http/127.0.0.1:8000/generate`: the
//   scheme as the first segment keeps a colon out of it, where a parser would read a scheme), with a placeholder region
//   (line 1: GitHub wants a startLine), and a logical location `METHOD /path` of kind "resource". With a source location
//   (`--source FILE[:LINE]`), the result is attached to that file of the repository instead and the endpoint becomes a
//   related location. The full URL is in webRequest.target.
// - security-severity is set on each rule (where GitHub reads it): the highest score among this run's results of the
//   rule (the advisory's own CVSS for vuln.known-advisory when known), else the catalog severity. Each result carries
//   its own score in properties too.
// - partialFingerprints["gatecrash/v1"] is the finding id (rule + method + normalized URL + variant), so re-runs update
//   alerts instead of duplicating them.
// - Message texts are plain text where SARIF reads `[text](target)` as a link: every bracket in them is escaped (`\[`), so
//   no value a server wrote (which the engine quotes as ⟦…⟧) can become one; control characters are made visible.

import type { RuleMeta } from '../engine/rules/define.js';
import { RULES } from '../engine/rules/index.js';
import type { Finding, RuleId, ScanReport, Severity } from '../engine/types.js';
import { RULE_IDS } from '../engine/types.js';
import { exchangeOneLiner, findingSecurityScore, neutralizeControls, pathOf, reasonPhrase, SECURITY_SEVERITY } from './format.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Where Gatecrash lives; an integrator may point it elsewhere through `SarifOptions.informationUri`. */
export const GATECRASH_INFORMATION_URI = 'https://github.com/gatecrash/gatecrash';
export const FINGERPRINT_KEY = 'gatecrash/v1';

// ---------- a SARIF subset, typed ----------

export interface SarifMessage {
  text: string;
  markdown?: string;
}
export interface SarifMultiformat {
  text: string;
  markdown?: string;
}
export type SarifLevel = 'none' | 'note' | 'warning' | 'error';
export interface SarifReportingDescriptor {
  id: string;
  name?: string;
  shortDescription?: SarifMultiformat;
  fullDescription?: SarifMultiformat;
  help?: SarifMultiformat;
  helpUri?: string;
  defaultConfiguration?: { level: SarifLevel; enabled?: boolean };
  properties?: Record<string, unknown> & { tags?: string[]; 'security-severity'?: string };
}
export interface SarifReportingDescriptorReference {
  id: string;
  index?: number;
}
export interface SarifNotification {
  message: SarifMessage;
  level?: SarifLevel;
  timeUtc?: string;
  descriptor?: SarifReportingDescriptorReference;
  associatedRule?: SarifReportingDescriptorReference;
  properties?: Record<string, unknown>;
}
export interface SarifInvocation {
  executionSuccessful: boolean;
  startTimeUtc?: string;
  endTimeUtc?: string;
  toolExecutionNotifications?: SarifNotification[];
  toolConfigurationNotifications?: SarifNotification[];
  properties?: Record<string, unknown>;
}
export interface SarifArtifactContent {
  text: string;
}
export interface SarifWebRequest {
  protocol?: string;
  version?: string;
  target?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: SarifArtifactContent;
}
export interface SarifWebResponse {
  protocol?: string;
  version?: string;
  statusCode?: number;
  reasonPhrase?: string;
  headers?: Record<string, string>;
  body?: SarifArtifactContent;
  noResponseReceived?: boolean;
}
export interface SarifArtifactLocation {
  uri?: string;
  uriBaseId?: string;
  description?: SarifMessage;
}
export interface SarifLocation {
  id?: number;
  physicalLocation?: { artifactLocation: SarifArtifactLocation; region?: { startLine: number } };
  logicalLocations?: { name?: string; fullyQualifiedName?: string; kind?: string }[];
  message?: SarifMessage;
}
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  kind: 'fail';
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  webRequest?: SarifWebRequest;
  webResponse?: SarifWebResponse;
  properties?: Record<string, unknown>;
}
export interface SarifRun {
  tool: {
    driver: {
      name: string;
      version: string;
      semanticVersion?: string;
      informationUri: string;
      rules: SarifReportingDescriptor[];
    };
  };
  automationDetails?: { id: string };
  originalUriBaseIds?: Record<string, SarifArtifactLocation>;
  invocations: SarifInvocation[];
  results: SarifResult[];
  columnKind?: 'utf16CodeUnits' | 'unicodeCodePoints';
  properties?: Record<string, unknown>;
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

// ---------- options ----------

/** The long help of a rule, from the knowledge base. Any field left out falls back to the catalog. */
export interface RuleHelp {
  text?: string;
  markdown?: string;
  uri?: string;
}
/** Plugged in by callers that have the knowledge base (src/knowledge); the report layer does not import it. */
export type HelpProvider = (rule: RuleMeta) => RuleHelp | undefined;

/** A file of the repository (relative to its root, `/`-separated) and a line: the code that serves a scanned route. */
export interface SourceLocation {
  file: string;
  line?: number;
}

export interface SarifOptions {
  help?: HelpProvider;
  /** The code a report's results are attached to (`--source`); without it they point at the endpoint. */
  source?: (report: ScanReport) => SourceLocation | undefined;
  /** The advisory's own score (0–10) for an advisory finding; default: a "CVSS n.n" note in its evidence. */
  advisoryScore?: (finding: Finding) => number | undefined;
  /** driver.informationUri and the base of default helpUris. */
  informationUri?: string;
  /** run.automationDetails.id: GitHub's category (e.g. `gatecrash/staging/`). Omitted when not given. */
  category?: string;
  /** driver.version when `reports` is empty (otherwise the first report's tool version). */
  toolVersion?: string;
}

// ---------- mapping ----------

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

/** `CWE-79` → `external/cwe/cwe-079` (CodeQL's spelling, which GitHub turns into CWE links). */
export function cweTag(cwe: string): string {
  const m = /^CWE-(\d+)$/i.exec(cwe.trim());
  return m?.[1] ? `external/cwe/cwe-${m[1].padStart(3, '0')}` : `external/cwe/${cwe.trim().toLowerCase()}`;
}

export function ruleTags(meta: RuleMeta, cwes: readonly string[] = meta.cwe): string[] {
  const tags = new Set<string>(['security', meta.check.toLowerCase()]);
  for (const c of cwes) tags.add(cweTag(c));
  for (const o of meta.owasp) tags.add(`external/owasp/${o.toLowerCase()}`);
  for (const o of meta.owaspLlm) tags.add(`external/owasp-llm/${o.toLowerCase()}`);
  for (const p of meta.pci) tags.add(`external/pci-dss/${p.toLowerCase()}`);
  return [...tags];
}

function cweLink(cwe: string): string {
  const m = /^CWE-(\d+)$/i.exec(cwe.trim());
  return m?.[1] ? `[${cwe}](https://cwe.mitre.org/data/definitions/${m[1]}.html)` : cwe;
}

/** The catalog's own help: what the rule finds, the fix, and its mappings. */
export function defaultRuleHelp(meta: RuleMeta): Required<Pick<RuleHelp, 'text' | 'markdown'>> {
  const maps: string[] = [];
  if (meta.cwe.length) maps.push(`CWE: ${meta.cwe.join(', ')}`);
  if (meta.owasp.length) maps.push(`OWASP API Security Top 10: ${meta.owasp.join(', ')}`);
  if (meta.owaspLlm.length) maps.push(`OWASP Top 10 for LLM Applications: ${meta.owaspLlm.join(', ')}`);
  if (meta.pci.length) maps.push(`PCI DSS 4.0: ${meta.pci.join(', ')}`);
  const text = [`${meta.title} (${meta.id})`, meta.summary, `Fix: ${meta.remediation}`, ...maps].join('\n\n');
  const mdMaps: string[] = [];
  if (meta.cwe.length) mdMaps.push(`- CWE: ${meta.cwe.map(cweLink).join(', ')}`);
  if (meta.owasp.length) mdMaps.push(`- OWASP API Security Top 10 (2023): ${meta.owasp.join(', ')}`);
  if (meta.owaspLlm.length) mdMaps.push(`- OWASP Top 10 for LLM Applications (2025): ${meta.owaspLlm.join(', ')}`);
  if (meta.pci.length) mdMaps.push(`- PCI DSS 4.0: ${meta.pci.join(', ')}`);
  const markdown = [
    `**${meta.title}** (\`${meta.id}\`, ${meta.check}, default severity ${meta.severity})`,
    meta.summary,
    `## Remediation\n\n${meta.remediation}`,
    ...(mdMaps.length ? [`## Mappings\n\n${mdMaps.join('\n')}`] : []),
  ].join('\n\n');
  return { text, markdown };
}

function pascalName(id: string): string {
  return id
    .split(/[.\-_]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function formatScore(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1);
}

function ruleDescriptor(meta: RuleMeta, score: number, opts: SarifOptions, informationUri: string): SarifReportingDescriptor {
  const fallback = defaultRuleHelp(meta);
  const kb = opts.help?.(meta);
  return {
    id: meta.id,
    name: pascalName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.summary },
    help: { text: kb?.text ?? fallback.text, markdown: kb?.markdown ?? fallback.markdown },
    helpUri: kb?.uri ?? `${informationUri}#${meta.id}`,
    defaultConfiguration: { level: sarifLevel(meta.severity) },
    properties: {
      tags: ruleTags(meta),
      'security-severity': formatScore(score),
      check: meta.check,
      depth: meta.depth,
      ...(meta.needs ? { needs: meta.needs } : {}),
    },
  };
}

/** A SARIF plain-text message: brackets escaped (SARIF's embedded-link syntax), control characters visible. */
export function sarifText(text: string): SarifMessage {
  return { text: neutralizeControls(text).replace(/[[\]]/g, '\\$&') };
}

/** GitHub titles the alert with the rule's shortDescription; the message says what happened here and what proves it. */
function resultMessage(f: Finding): SarifMessage {
  const proof = [exchangeOneLiner(f.evidence)];
  if (f.evidence.baseline) proof.push(`baseline ${exchangeOneLiner(f.evidence.baseline)}`);
  const sentence = (t: string) => (/[.!?]$/.test(t.trim()) ? t.trim() : `${t.trim()}.`);
  const fix = f.fix ? ` ${f.fix.name ? `Fix for ${f.fix.name}: ${sentence(f.fix.summary)} Code and steps: ${f.fix.command}` : sentence(f.fix.summary)}` : '';
  return sarifText(`${sentence(f.description)} Evidence (${f.confidence}): ${proof.join('; ')}.${fix}`);
}

function webRequestOf(f: Finding): SarifWebRequest {
  const req = f.evidence.request;
  return {
    protocol: 'HTTP',
    version: '1.1',
    target: req.url,
    method: req.method,
    headers: { ...req.headers },
    ...(req.body !== undefined ? { body: { text: req.body } } : {}),
  };
}

function webResponseOf(f: Finding): SarifWebResponse {
  const res = f.evidence.response;
  if (!res) return { protocol: 'HTTP', version: '1.1', noResponseReceived: true };
  const reason = reasonPhrase(res.status);
  return {
    protocol: 'HTTP',
    version: '1.1',
    statusCode: res.status,
    ...(reason ? { reasonPhrase: reason } : {}),
    headers: { ...res.headers },
    body: { text: res.body },
  };
}

/** The uriBaseId under which endpoints are written; described in run.originalUriBaseIds, with no URI of its own. */
export const ENDPOINTS_BASE_ID = 'ENDPOINTS';

/**
 * An endpoint as a relative URI reference without a scheme: `http://127.0.0.1:8000/generate` → `http/127.0.0.1:8000/generate`.
 * The scheme becomes the first segment (so no colon can be read as a scheme), brackets of an IPv6 host are percent-encoded
 * (they are not allowed in a path), and the path keeps its own encoding.
 */
export function endpointArtifactUri(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol.replace(/:$/, '')}/${u.host.replace(/\[/g, '%5B').replace(/\]/g, '%5D')}${u.pathname}`;
  } catch {
    return `unknown/${encodeURIComponent(url)}`;
  }
}

/** A repository file as a relative URI under %SRCROOT% (each segment percent-encoded). */
function sourceArtifactUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function locationsOf(f: Finding, source: SourceLocation | undefined): Pick<SarifResult, 'locations' | 'relatedLocations'> {
  const path = pathOf(f.endpoint.url);
  const logicalLocations = [{ name: `${f.endpoint.method} ${path}`, fullyQualifiedName: `${f.endpoint.method} ${f.endpoint.url}`, kind: 'resource' }];
  const endpoint = { artifactLocation: { uri: endpointArtifactUri(f.endpoint.url), uriBaseId: ENDPOINTS_BASE_ID }, region: { startLine: 1 } };
  if (!source) return { locations: [{ physicalLocation: endpoint, logicalLocations }] };
  return {
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: sourceArtifactUri(source.file), uriBaseId: '%SRCROOT%' }, region: { startLine: source.line ?? 1 } },
        logicalLocations,
        message: sarifText(`The code that serves ${f.endpoint.method} ${path}`),
      },
    ],
    relatedLocations: [{ id: 1, physicalLocation: endpoint, message: sarifText(`The scanned endpoint ${f.endpoint.method} ${path}`) }],
  };
}

function resultOf(f: Finding, report: ScanReport, ruleIndex: number, score: number, source: SourceLocation | undefined): SarifResult {
  const properties: Record<string, unknown> = {
    confidence: f.confidence,
    severity: f.severity,
    'security-severity': formatScore(score),
    check: f.check,
    findingId: f.id,
    scanId: report.scanId,
    target: report.target.url,
    remediation: f.remediation,
    cwe: f.cwe,
    owasp: f.owasp,
    owaspLlm: f.owaspLlm,
    pci: f.pci,
    server: f.server,
  };
  if (f.variant !== undefined) properties.variant = f.variant;
  if (f.advisory !== undefined) properties.advisory = f.advisory;
  if (f.related?.length) properties.related = f.related;
  if (f.fix) properties.fix = f.fix;
  if (f.evidence.notes?.length) properties.notes = f.evidence.notes;
  if (f.evidence.baseline) properties.baseline = f.evidence.baseline;
  if (f.evidence.extra?.length) properties.extra = f.evidence.extra;
  return {
    ruleId: f.rule,
    ruleIndex,
    kind: 'fail',
    level: sarifLevel(f.severity),
    message: resultMessage(f),
    ...locationsOf(f, source),
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    webRequest: webRequestOf(f),
    webResponse: webResponseOf(f),
    properties,
  };
}

function invocationOf(report: ScanReport, ruleIndex: Map<RuleId, number>): SarifInvocation {
  const execution: SarifNotification[] = [];
  for (const e of report.errors) {
    execution.push({ level: 'error', message: sarifText(`${e.phase}: ${e.message}`), properties: { phase: e.phase } });
  }
  for (const r of report.rules) {
    if (r.status !== 'error') continue;
    execution.push({
      level: 'error',
      message: sarifText(`Rule ${r.rule} could not be evaluated${r.reason ? `: ${r.reason}` : '.'}`),
      associatedRule: { id: r.rule, ...(ruleIndex.has(r.rule) ? { index: ruleIndex.get(r.rule)! } : {}) },
    });
  }
  for (const reason of report.verdict.status === 'complete' ? [] : report.verdict.reasons) {
    execution.push({ level: 'error', message: sarifText(`No grade (${report.verdict.status}): ${reason}`), properties: { phase: 'verdict' } });
  }
  if (report.partial) {
    execution.push({
      level: 'warning',
      message: { text: 'The scan was cut short (deadline, request budget or cancellation); rules that did not finish are listed as skipped or inconclusive.' },
    });
  }
  const configuration: SarifNotification[] = [
    ...(report.notices ?? []).map((text) => ({ level: 'warning' as const, message: sarifText(text), properties: { phase: 'credentials' } })),
    ...report.rules
      .filter((r) => r.status === 'skipped')
      .map((r) => ({
        level: 'note' as const,
        message: sarifText(`Rule ${r.rule} was skipped${r.reason ? `: ${r.reason}` : '.'}`),
        associatedRule: { id: r.rule, ...(ruleIndex.has(r.rule) ? { index: ruleIndex.get(r.rule)! } : {}) },
      })),
  ];
  // An incomplete scan did not do its job: the gate cannot vouch for the target.
  const hadErrors = report.errors.length > 0 || report.rules.some((r) => r.status === 'error') || report.verdict.status !== 'complete';
  return {
    executionSuccessful: !hadErrors,
    startTimeUtc: report.startedAt,
    endTimeUtc: report.finishedAt,
    ...(execution.length ? { toolExecutionNotifications: execution } : {}),
    ...(configuration.length ? { toolConfigurationNotifications: configuration } : {}),
    properties: {
      scanId: report.scanId,
      target: report.target,
      depth: report.depth,
      partial: report.partial,
      verdict: report.verdict,
      score: report.score,
      grade: report.grade,
      durationMs: report.durationMs,
      requests: report.requests,
      fingerprint: {
        product: report.fingerprint.product,
        productName: report.fingerprint.productName,
        version: report.fingerprint.version,
        confidence: report.fingerprint.confidence,
        models: report.fingerprint.models,
        modelFamily: report.fingerprint.modelFamily,
      },
      rules: report.rules,
    },
  };
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** One SARIF log for one report or a batch of them (one run, one invocation per report). */
export function toSarif(input: ScanReport | readonly ScanReport[], options: SarifOptions = {}): SarifLog {
  const reports: readonly ScanReport[] = Array.isArray(input) ? input : [input as ScanReport];
  const informationUri = options.informationUri ?? GATECRASH_INFORMATION_URI;
  const ruleIndex = new Map<RuleId, number>(RULE_IDS.map((id, i) => [id, i]));

  const scoreOf = (f: Finding) => findingSecurityScore(f, options.advisoryScore);
  const ruleScore = new Map<RuleId, number>();
  for (const r of reports) {
    for (const f of r.findings) ruleScore.set(f.rule, Math.max(ruleScore.get(f.rule) ?? 0, scoreOf(f)));
  }

  const rules = RULE_IDS.map((id) => ruleDescriptor(RULES[id], ruleScore.get(id) ?? SECURITY_SEVERITY[RULES[id].severity], options, informationUri));
  const results = reports.flatMap((r) => {
    const source = options.source?.(r);
    return r.findings.map((f) => resultOf(f, r, ruleIndex.get(f.rule) ?? -1, scoreOf(f), source));
  });
  const version = reports[0]?.tool.version ?? options.toolVersion ?? '0.0.0';

  const run: SarifRun = {
    tool: {
      driver: {
        name: 'Gatecrash',
        version,
        ...(SEMVER.test(version) ? { semanticVersion: version } : {}),
        informationUri,
        rules,
      },
    },
    ...(options.category !== undefined ? { automationDetails: { id: options.category } } : {}),
    originalUriBaseIds: {
      [ENDPOINTS_BASE_ID]: {
        description: {
          text: "The scanned HTTP endpoints, each written scheme/host:port/path (not files of the repository; the full URL is in the result's webRequest).",
        },
      },
    },
    invocations: reports.map((r) => invocationOf(r, ruleIndex)),
    results,
    columnKind: 'utf16CodeUnits',
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** The SARIF log as the file the CLI writes (2-space JSON, newline-terminated). */
export function toSarifJson(input: ScanReport | readonly ScanReport[], options: SarifOptions = {}): string {
  return `${JSON.stringify(toSarif(input, options), null, 2)}\n`;
}
