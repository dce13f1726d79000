// The engine's core vocabulary. Everything outside engine/ speaks these types; nothing here does I/O.

import type { ALL_PROFILES } from './profiles/index.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CONFIDENCES = ['confirmed', 'firm', 'tentative'] as const;
export type Confidence = (typeof CONFIDENCES)[number];
export const DEPTHS = ['quick', 'standard', 'deep'] as const;
export type Depth = (typeof DEPTHS)[number];
export const GRADES = ['A', 'B', 'C', 'D', 'F'] as const;
export type Grade = (typeof GRADES)[number];

export const RULE_IDS = [
  'auth.missing',
  'auth.admin-exposed',
  'auth.alternate-path',
  'auth.header-bypass',
  'auth.insecure-default-key',
  'auth.host-header',
  'auth.path-confusion',
  'auth.method-override',
  'auth.brute-force',
  'auth.weak-key-handling',
  'auth.jwt',
  'auth.credentials-ignored',
  'transport.cleartext',
  'cors.permissive',
  'exposure.prompt-data',
  'exposure.model-inventory',
  'exposure.metrics',
  'exposure.api-docs',
  'exposure.verbose-errors',
  'exposure.debug-mode',
  'vuln.known-advisory',
  'llm.template-injection',
  'llm.template-leak',
  'llm.system-prompt-exposure',
  'cost.unbounded-generation',
  'cost.no-rate-limit',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * The products Gatecrash has a profile for, in the profile list's order (`profiles/index.ts` is their one home: a server is
 * added there and nowhere else). `unknown` when fingerprinting decides nothing.
 */
export type ProductId = (typeof ALL_PROFILES)[number]['id'];
export { PRODUCT_IDS } from './profiles/index.js';

/** What the user asked to scan, normalized. Credentials live here and nowhere else. */
export interface Target {
  /** The URL exactly as given, normalized by WHATWG URL (no credentials in it: userinfo is refused). */
  url: URL;
  /** scheme://host:port */
  origin: string;
  /** The URL's path without a trailing slash ('' for the origin root), under which profile routes are also tried. */
  basePath: string;
  /** Headers the user supplied (credentials). Attached only to probes that ask for them; always redacted in output. */
  credentials: Record<string, string>;
  /** The address the guard resolved and pinned (set by the scan before any request; absent before that). */
  address?: string;
}

/** How a probe's request body is sent. */
export type ProbeCredentials = 'none' | 'user';

/** A request the engine wants answered. Identical probes (same method, path, headers, body, host) are sent once per scan. */
export interface Probe {
  method: string;
  /** Path plus query, sent as-is on the wire (no normalization, so that path-confusion probes survive). Must start with '/'. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Why this request exists; shown in the report and in progress messages. */
  purpose: string;
  /** 'user' attaches the user's credential headers (unless the probe sets the same header itself). Default 'none'. */
  credentials?: ProbeCredentials;
  /** Overrides the Host header (Host-header confusion probes). The connection still goes to the pinned address. */
  host?: string;
  /** The request may run the model (counted and capped separately; one token at most unless `stream: 'first-event'`). */
  inference?: boolean;
  /** Read only until the first body chunk, then close the connection (never let a long generation run). */
  stream?: 'first-event';
  /** Further secret values derived from the user's credentials (a case-changed key, a prefix): redacted like the credentials. */
  secrets?: string[];
  /** For a request that tries a route's request shape: which route, which attempt, and why it was built that way. */
  attempt?: ShapeAttempt;
  /**
   * Header fields sent once per value, in this order (duplicate-header probes: which occurrence does the auth layer read?).
   * The recorded request shows them joined with ', '.
   */
  repeatedHeaders?: Record<string, string[]>;
}

/** One try at calling an inference route the way it wants (listed in the report under its route). */
export interface ShapeAttempt {
  /** The route's key as discovery listed it ('POST /generate'). */
  route: string;
  /** 1-based, per route and per way of asking (without credentials, with yours, with a trick). */
  n: number;
  /** Why this request was built this way ("the 400 answer named the field 'prompt'"). */
  why: string;
  /** The generation limit the request asks for (null: no limit field the route is known to read). */
  tokens: number | null;
}

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ExchangeResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ', ' (set-cookie with '\n'). */
  headers: Record<string, string>;
  /** Body as text, at most the read cap (default 256 KiB). Already redacted. */
  body: string;
  /** True when the body was longer than the read cap and was cut. */
  truncated: boolean;
  latencyMs: number;
}

/** A probe and what came back. The recorder keeps every exchange; findings carry redacted copies as evidence. */
export interface Exchange {
  /** Sequence number within the scan. */
  id: number;
  probe: Probe;
  /** The request as sent, redacted. */
  request: ExchangeRequest;
  response?: ExchangeResponse;
  /** Transport error, guard refusal, budget exhaustion or deadline, in one sentence. */
  error?: string;
  /**
   * Why there is no (complete) answer, as a fact rather than a sentence: the budget was spent before it was sent; the
   * deadline or a cancellation stopped it before it left ('stopped') or while it was on the wire ('cut'); or the wire
   * failed (the server, the network, TLS).
   */
  failure?: 'budget' | 'stopped' | 'cut' | 'transport';
  /** Set when the exchange was answered from the scan's dedup cache rather than sent again. */
  cached?: boolean;
}

// ---------- surface ----------

export const ROUTE_KINDS = ['inference', 'metadata', 'management', 'docs', 'health', 'tokenize', 'other'] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];
export const ROUTE_ACCESS = ['guarded', 'open', 'unknown'] as const;
export type RouteAccess = (typeof ROUTE_ACCESS)[number];

/**
 * Request body families Gatecrash can build. `tgi-kserve`: TGI's KServe route (`kserve` feature), required `id` and
 * `outputs`, BYTES data as UTF-8 byte values both ways. `wrapper`: a wrapper of its own design, the body built from what
 * the route taught (fields, encoding, method). `template`: the user's explicit request template (`--request`).
 */
export const BODY_SHAPE_IDS = [
  'openai-chat',
  'openai-completions',
  'tgi-generate',
  'ollama-generate',
  'ollama-chat',
  'llamacpp-completion',
  'kobold-generate',
  'kserve-v2',
  'tgi-kserve',
  'triton-generate',
  'sglang-generate',
  'wrapper',
  'template',
] as const;
export type BodyShapeId = (typeof BODY_SHAPE_IDS)[number];

/**
 * How a wrapper takes its request: a JSON body, a url-encoded form body, a multipart/form-data body, the query string of a
 * GET, or the prompt as plain text.
 */
export type BodyEncoding = 'json' | 'form' | 'multipart' | 'query' | 'text';

/** What a route's schema or validator says about one field of its request. */
export interface FieldSpec {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  /** The values allowed (an enum or a literal); the first is sent. */
  enum?: (string | number | boolean)[];
  minimum?: number;
  maximum?: number;
}

/** The user's explicit request (`--request 'POST /api/ask {"question": "{{prompt}}"}'`): used as given, never guessed at. */
export interface RequestTemplate {
  method: string;
  /** Path and query; may hold `{{prompt}}` (URL-encoded when filled). */
  path: string;
  /** Body text; `{{prompt}}` is filled JSON-escaped when the body is JSON, as is otherwise; `{{max_tokens}}` with the limit. */
  body?: string;
}

export interface RouteSpec {
  method: string;
  /** Absolute path; `{model}` and `{version}` are filled from the surface. */
  path: string;
  kind: RouteKind;
  /** For inference routes: how to build the body. */
  shape?: BodyShapeId;
  /**
   * For a wrapper: the prompt field name ('text', 'prompt', 'inputs', 'messages' for a chat array; dotted when nested,
   * 'input.text'). Absent when unknown: the prompt is then offered under every usual name at once.
   */
  promptField?: string;
  /** Human note: what this route reveals or does. */
  note?: string;
  /** A management route that acts on GET (too): never sent GET, not even as a harmless probe. */
  actsOnGet?: boolean;
  /** For wrappers: the request's fields are known exactly (a server's own API, an OpenAPI schema): no usual name is added. */
  exactSchema?: boolean;
  /**
   * A GET that runs a one-token generation to answer (a health check that generates): never part of the cheap phase;
   * auth.alternate-path asks it, with no credentials, on the server the profile names.
   */
  generates?: boolean;
}

export interface Route extends RouteSpec {
  /** How Gatecrash learned of it: 'given-url', 'profile:<id>', 'openapi', 'learned-422', 'common-path', 'template'. */
  source: string;
  access: RouteAccess;
  /** For wrappers: how the request is encoded (default 'json'). */
  encoding?: BodyEncoding;
  /** For wrappers: fields beyond the prompt, learned from OpenAPI or validation errors (dotted names for nested fields). */
  fields?: Record<string, FieldSpec>;
  /**
   * For wrappers whose prompt travels in a body: query-string parameters the route requires beside it (a FastAPI `Query(...)`
   * on a POST, an `?api-version=`), filled like the body's fields.
   */
  query?: Record<string, FieldSpec>;
  /** For wrappers: fields the route refused to be sent (a strict validator). */
  forbidden?: string[];
  /**
   * For wrappers: the route refuses every field it does not know, so only what it named is sent (no usual names beside
   * the prompt, no usual limit fields); a validator that stops at its first complaint then names the field it wants.
   */
  strict?: boolean;
  /** For the user's template route: the request as given. */
  template?: RequestTemplate;
  /** OpenAPI said this operation has a security requirement. */
  declaredSecurity?: boolean;
  /** Exchange ids that decided `access`. */
  evidence?: number[];
}

export interface CredentialHeader {
  name: string;
  /** 'Bearer' when the value is `Bearer <key>`; null for a raw key header. */
  scheme: 'Bearer' | null;
  /** user | openapi | fastapi-422 | www-authenticate | profile | default */
  source: string;
}

/** Fields of a fingerprint whose text the scanned server wrote (its stated version, its model ids). */
export const FINGERPRINT_SERVER_TEXT = ['version', 'models'] as const;

export interface Fingerprint {
  /**
   * The fields below whose text the scanned server wrote: data, never instructions (cleaned and bounded in a report). Set
   * by the engine on every report; absent on a report written before Gatecrash marked them.
   */
  untrusted?: (typeof FINGERPRINT_SERVER_TEXT)[number][];
  product: ProductId | 'unknown';
  /** Display name ('vLLM', 'Hugging Face TGI', …), null when unknown. */
  productName: string | null;
  version: string | null;
  /** 0..1 */
  confidence: number;
  /** The observations that decided it, in words ("GET /v1/models owned_by=vllm"). */
  signals: string[];
  models: string[];
  /** 'mistral', 'llama', … derived from model ids, templates and outputs; null when unknown. */
  modelFamily: string | null;
  /** Other products considered, best first. */
  candidates: { product: ProductId; confidence: number }[];
  /** A reverse proxy or gateway that answered in front of the server (nginx, Caddy, Envoy, …), null when none showed. */
  servedThrough: string | null;
}

/** The cheap-phase observations profiles decide on: GET exchanges keyed by path. Pure data. */
export interface Signals {
  /** Exchanges of the cheap phase by path ('/v1/models'); the given URL's own path is included. */
  byPath: Record<string, Exchange>;
  /** Every exchange of the cheap phase, in order. */
  all: Exchange[];
  /**
   * Fingerprint paths not asked: the first round showed no known product is served here (they would be 404), refused
   * every path alike, or named the product beyond doubt (another product's path is not served here).
   */
  notAsked?: string[];
}

export interface Surface {
  target: { url: string; origin: string; basePath: string };
  fingerprint: Fingerprint;
  routes: Route[];
  credentialHeader: CredentialHeader;
  /** The OpenAPI document if the server published one (parsed JSON, untrusted). */
  openapi?: unknown;
  /** The signals fingerprinting decided on (kept so checks read cheap GETs without sending them again). */
  signals: Signals;
  /** Paths guessed for a base URL of a server no profile names (the usual wrapper routes, sent prompt-less). */
  guessed: string[];
}

// ---------- profiles ----------

export interface ServerAuthModel {
  /** No server-side authentication exists at all (Ollama). */
  none?: boolean;
  /** Credential headers the server reads, most usual first. */
  headers: string[];
  scheme: 'Bearer' | null;
  schemeCaseSensitive: boolean;
  /** Paths the server leaves open even with a key set (documented behaviour). */
  openWithKey: string[];
  /** Comparison: 'constant-time' | 'equality' | 'case-insensitive' | 'unknown'. */
  compare: 'constant-time' | 'equality' | 'case-insensitive' | 'unknown';
  /**
   * The key is checked before routing (middleware), so a body-less GET to an inference route answers 401 when guarded and
   * 404/405 when open: discovery learns access without sending a body that a server could fill with defaults and run.
   * A function when it depends on the release, told by the cheap phase's answers.
   */
  checksBeforeRouting?: boolean | ((signals: Signals) => boolean);
  /**
   * Whether the auth layer reads the path from a URL rebuilt with the Host header (Starlette's `request.url`). false: it reads
   * the request line's path (not ASGI), so auth.host-header passes by design; true: it does in some releases; absent: unknown,
   * auth.host-header probes.
   */
  pathFromHostHeader?: boolean;
  /** The router dispatches on the end of the path (`self.path.endswith(...)`): a prefixed path reaches the same handler. */
  routesBySuffix?: boolean;
  /** A second key that alone opens the management routes (the API key is refused there). */
  admin?: AdminKey;
  notes?: string;
}

/** What an admin key guards that the API key does not. */
export interface AdminKey {
  /** The headers the admin routes read it from. */
  headers: string[];
  /** Paths that take the admin key only. */
  routes: string[];
  notes: string;
}

/** Where a server names its models without inference, and how to read the names. */
export interface ModelSource {
  path: string;
  /** 'list': the server's model list (a guarded one is asked again with the user's key); 'mention': a field of another answer. */
  role: 'list' | 'mention';
  /** The names the answer gives (anything not a non-empty string is dropped by the reader). Pure. */
  ids(signals: Signals): unknown[];
}

/** The GET paths of the cheap phase a profile needs to be told apart, by round. */
export interface CheapPhasePaths {
  /** Asked first: this product answers one of them with something other than 404 wherever it is served. */
  first?: string[];
  /** Asked when the first round leaves a product possible (not all 404, not all refused alike). */
  second?: string[];
  /** Asked even when the first round is refused alike: paths this product keeps open while it refuses every other one. */
  whenRefused?: string[];
}

/** How an operator runs the server, which the knowledge base's fixes start from. */
export interface Operation {
  /** The command (or setting) that makes it listen on loopback only, for a proxy's apply steps. */
  bindLoopback(port: number): string;
  /** A model as this server names one, for start-up commands and manual checks. */
  exampleModel: string;
  /**
   * What closes a hole: its own start-up settings (a keyed start script), a reverse proxy in front (a server the knowledge
   * base knows from the outside), or the author's code, written in the named application framework.
   */
  fixedBy: 'own-settings' | 'proxy' | { app: 'fastapi' | 'flask' | 'express' };
}

/** Everything Gatecrash knows about one server product: the one home of its facts. Pure data and pure functions. */
export interface ServerProfile<Id extends string = ProductId> {
  id: Id;
  /** Display name ('vLLM', 'Hugging Face TGI'). */
  name: string;
  /**
   * 'server': an inference server product with its own routes. 'framework': a web framework someone wrote their own
   * wrapper in; its routes are the author's (learned from OpenAPI, validation errors, the URL given, or guessed).
   */
  kind: 'server' | 'framework';
  defaultPort: number;
  /** 0..1 confidence that the signals come from this server, with the reasons. Pure. */
  detect(signals: Signals): { confidence: number; signals: string[] };
  /** Reads the version where the server states it (never guessed). Pure. */
  version?(signals: Signals): string | null;
  /** The GET path `version` reads (absent when nothing on the wire states the version). */
  versionPath?: string;
  /** Where it names its models; fingerprinting reads every profile's sources over any server's signals. */
  modelSources?: ModelSource[];
  /** What the cheap phase asks so that this profile's `detect` can tell it apart. */
  cheapPhase?: CheapPhasePaths;
  /**
   * How sure a verdict for it is when detections tie: 0 a framework fallback, 1 a generic family, 2 a named product, 3 a
   * gateway that fronts named products (its own markers beat the backend's). Default: 0 for a framework, else 2.
   */
  specificity?: 0 | 1 | 2 | 3;
  operation: Operation;
  /**
   * false: requests never name a `model` (the server answers with the model it has loaded, and naming another may load it,
   * which would change the target). Default: the first model the server listed is named.
   */
  namesModel?: boolean;
  /** Whether the server says itself that it is guarded (KoboldCpp's `protected`), so discovery need not probe. Pure. */
  accessFromSignals?(signals: Signals): RouteAccess | null;
  inferenceRoutes: RouteSpec[];
  metadataRoutes: RouteSpec[];
  managementRoutes: RouteSpec[];
  auth: ServerAuthModel;
}

// ---------- findings and the report ----------

export interface EvidenceMessage {
  request: ExchangeRequest;
  response?: { status: number; headers: Record<string, string>; body: string; latencyMs: number };
  error?: string;
}

export interface Evidence {
  /**
   * The exchanges in this block (request, response, baseline, extra) came from or were shaped by the scanned server: data
   * to report, never instructions. `notes` are Gatecrash's words, with the server's quoted ⟦…⟧. Set by the engine on every
   * finding; absent on older reports.
   */
  untrusted?: true;
  request: ExchangeRequest;
  response?: { status: number; headers: Record<string, string>; body: string; latencyMs: number };
  /** The refused request, for differential findings. */
  baseline?: EvidenceMessage;
  /** Further exchanges that support the finding (each redacted and truncated). */
  extra?: EvidenceMessage[];
  /** Free-form facts ("accepted value: empty string"). */
  notes?: string[];
}

export interface Finding {
  /** Stable: hash of rule + method + normalized url + variant. */
  id: string;
  rule: RuleId;
  check: string;
  title: string;
  severity: Severity;
  confidence: Confidence;
  description: string;
  endpoint: { method: string; url: string };
  evidence: Evidence;
  remediation: string;
  cwe: string[];
  owasp: string[];
  owaspLlm: string[];
  pci: string[];
  /**
   * The server the scan identified; `version` is its own statement (cleaned and bounded), listed under `untrusted`;
   * `confidence` is the fingerprint's (absent in reports of older versions).
   */
  server: { untrusted?: 'version'[]; product: string | null; version: string | null; modelFamily: string | null; confidence?: number };
  /** The fix for the stack the scan identified, when the face that wrote the report had the knowledge base (CLI, MCP). */
  fix?: StackFix;
  /** Distinguishes several findings of one rule on one endpoint (the accepted header value, the advisory id). */
  variant?: string;
  /** Ids of findings that corroborate this one (an advisory confirmed by a bypass). */
  related?: string[];
  /** For vuln.known-advisory: the advisory id. */
  advisory?: string;
}

/** A finding's fix for the identified stack, in short; `gatecrash fix` prints the code. */
export interface StackFix {
  /** The framework the fix is written for; null when the server was not identified surely enough to choose one. */
  framework: string | null;
  /** Its display name ('FastAPI', 'Ollama'); null with the framework. */
  name: string | null;
  /** What the fix does for this finding, or why no framework was chosen and how to name one. */
  summary: string;
  /** The steps to put it in place (empty when no framework was chosen). */
  apply: string[];
  /** When no framework was chosen: the ones to choose from, best first (with the fingerprint's confidence where it named them). */
  candidates?: { framework: string; confidence: number | null }[];
  /** The command that prints the code and every step. */
  command: string;
}

export const RULE_STATUSES = ['fail', 'pass', 'inconclusive', 'skipped', 'error'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export interface RuleResult {
  rule: RuleId;
  status: RuleStatus;
  reason?: string;
  findings: number;
}

export const VERDICT_STATUSES = ['complete', 'incomplete', 'unreached'] as const;

export interface Verdict {
  /**
   * complete: every rule due at this depth decided and nothing was cut short, so the grade stands.
   * incomplete: something due was not decided (the budget or the deadline ran out, no inference route was found, no answer
   * could be read): no grade, and every gate but `--fail-on none` fails.
   * unreached: the target never answered.
   */
  status: (typeof VERDICT_STATUSES)[number];
  /** Why it is not complete, each naming what to pass or change (empty when complete). */
  reasons: string[];
  /** When the grade is lower than the score's letter: the proven finding that capped it, in words. */
  gradeCap?: string;
}

/** A route as the report lists it, with the requests that tried its shape. */
export interface ReportRoute extends Pick<Route, 'method' | 'path' | 'kind' | 'access' | 'source' | 'shape'> {
  /**
   * The one-token requests that tried to call the route the way it wants, with why each was built that way. A request's
   * path and query may carry field names the server's validator named: `untrusted` lists it.
   */
  attempts?: { untrusted?: 'path'[]; n: number; method: string; path: string; why: string; status: number | null; tokens: number | null }[];
  /** The generation limit the route was asked for (null: no limit field the route is known to read). */
  tokens?: number | null;
}

/** A TLS certificate as the report shows it. */
export interface CertificateSeen {
  /** The names the server's certificate states: server text (cleaned and bounded). Absent on older reports. */
  untrusted?: ('subject' | 'issuer')[];
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  selfSigned: boolean;
}

export interface ScanError {
  phase: string;
  message: string;
}

export interface ScanReport {
  schemaVersion: 1;
  tool: { name: 'gatecrash'; version: string };
  /** Random per scan, from the engine. */
  scanId: string;
  target: { url: string; origin: string };
  depth: Depth;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** True when the deadline, the budget or a cancellation cut the scan short. */
  partial: boolean;
  /** Whether the scan can vouch for its grade: every due rule decided, nothing cut short, the target reached. */
  verdict: Verdict;
  /** Null unless the verdict is complete: a scan that did not check everything has no score. */
  score: number | null;
  /** Null unless the verdict is complete. */
  grade: Grade | null;
  fingerprint: Fingerprint;
  surface: {
    credentialHeader: CredentialHeader;
    routes: ReportRoute[];
    /** Paths guessed for a base URL of a server no profile names (sent prompt-less, never generating). */
    guessed: string[];
  };
  /** For https targets: whether the certificate was verified, and the certificate the server presented. */
  tls?: { verified: boolean; certificate: CertificateSeen | null };
  findings: Finding[];
  rules: RuleResult[];
  requests: {
    sent: number;
    deduplicated: number;
    inference: number;
    budget: number;
    /** Requests refused because the budget was spent. */
    overBudget: number;
  };
  timings: Record<string, number>;
  errors: ScanError[];
  /** What the user should know about how the scan was asked for (a credential too short or too common to redact safely). */
  notices?: string[];
}

export interface ScanOptions {
  depth: Depth;
  /** Request budget (default 150). */
  budget: number;
  /** Whole-scan deadline in ms (default 60 000). */
  timeoutMs: number;
  /** Per-host concurrency (default 8). */
  concurrency: number;
  /** Allow private-range targets (10/8, 172.16/12, 192.168/16, fc00::/7). */
  allowPrivate: boolean;
  /** Host allow-list: when non-empty, only these hosts may be scanned. */
  allow: string[];
  /** Skip fingerprinting and treat the target as this product. */
  hint?: ProductId;
  /** Only run these rules (verify_fix); all enabled rules when absent. */
  rules?: RuleId[];
  /** Per-response read cap in bytes (default 256 KiB). */
  readCapBytes: number;
  /** Evidence body cap in bytes (default 2 KiB). */
  evidenceCapBytes: number;
  /** Only the cheap phase: no inference and no checks (fingerprint_endpoint). */
  surfaceOnly?: boolean;
  /** Benign prompt for inference probes. */
  prompt: string;
  /**
   * The request an inference route expects, when no guess reaches it: `METHOD /path[?query] [body]` with `{{prompt}}` (and
   * optionally `{{max_tokens}}`) where the prompt goes. Used by every rule that sends a prompt.
   */
  request?: string;
  /** TLS toward an https target: `insecure` skips verification, `ca` (PEM) adds trusted CAs. */
  tls?: { insecure?: boolean; ca?: string };
}

export interface ProgressEvent {
  phase: 'guard' | 'surface' | 'checks' | 'report';
  done: number;
  planned: number;
  message: string;
}
