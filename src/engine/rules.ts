// The rule catalog of ../shared/spec/CHECKS.md as data. A rule id is a public contract: never rename one.
import type { Depth, RuleId, Severity } from './types.js';

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
  /** One sentence: what the rule finds. */
  summary: string;
  /** One sentence: the fix, for the finding's `remediation` field (the knowledge base has the long form). */
  remediation: string;
}

const rule = (m: RuleMeta): RuleMeta => m;

export const RULES: Record<RuleId, RuleMeta> = {
  'auth.missing': rule({
    id: 'auth.missing', check: 'Authentication', title: 'Missing authentication on inference endpoint', severity: 'high',
    cwe: ['CWE-306'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.2'], depth: 'quick',
    summary: 'An inference route returns model output to a request that carries no credentials.',
    remediation: 'Require an API key (or JWT/OAuth2 token) on every route before the model runs; fail closed when the key is not configured and compare it in constant time.',
  }),
  'auth.admin-exposed': rule({
    id: 'auth.admin-exposed', check: 'Authorization', title: 'Management route reachable without credentials', severity: 'critical',
    cwe: ['CWE-306', 'CWE-862'], owasp: ['API5:2023'], owaspLlm: [], pci: ['7.2'], depth: 'standard',
    summary: 'A route that pulls, deletes, reloads or reconfigures models answers callers without credentials.',
    remediation: 'Put management routes behind an admin credential or remove them from the public listener (bind them to loopback or block them at the proxy).',
  }),
  'auth.alternate-path': rule({
    id: 'auth.alternate-path', check: 'Authentication', title: 'Model reachable through an unguarded alternate route', severity: 'high',
    cwe: ['CWE-288'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.2'], depth: 'standard',
    summary: 'The obvious inference route refuses callers without a key while another route reaches the same model without one.',
    remediation: 'Enforce authentication for every route (app-level middleware or dependency, or a deny-by-default proxy), not per route.',
  }),
  'auth.header-bypass': rule({
    id: 'auth.header-bypass', check: 'Authentication', title: 'Crafted credential value accepted', severity: 'critical',
    cwe: ['CWE-287', 'CWE-1390'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.2', '8.3'], depth: 'standard',
    summary: 'An empty, placeholder or malformed credential header is accepted by a route that refuses requests without one.',
    remediation: 'Reject empty and malformed credentials explicitly and compare the full value against the configured key in constant time.',
  }),
  'auth.insecure-default-key': rule({
    id: 'auth.insecure-default-key', check: 'Authentication', title: 'Server accepts the key it falls back to when none is configured', severity: 'critical',
    cwe: ['CWE-1188', 'CWE-287'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.3'], depth: 'standard',
    summary: 'The accepted credential is the rendering of an unset variable ("", "None", "null", "undefined"): the key check fails open.',
    remediation: 'Fail closed: refuse to start (or refuse every request) when the API key variable is unset or empty.',
  }),
  'auth.host-header': rule({
    id: 'auth.host-header', check: 'Authentication', title: 'Authentication bypass through the Host header', severity: 'critical',
    cwe: ['CWE-444', 'CWE-288'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.2'], depth: 'standard',
    summary: 'A Host header carrying a public path makes the auth layer treat a guarded request as public.',
    remediation: 'Upgrade the server past the fixed version and never derive the request path from the Host header; reject unexpected Host values at the proxy.',
  }),
  'auth.path-confusion': rule({
    id: 'auth.path-confusion', check: 'Authentication', title: 'Path normalization reaches a guarded handler', severity: 'high',
    cwe: ['CWE-288', 'CWE-178'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.2'], depth: 'standard',
    summary: 'A case change, doubled slash, encoded character or suffix reaches a guarded handler without credentials.',
    remediation: 'Authenticate every request before routing (deny by default) instead of matching path prefixes.',
  }),
  'auth.method-override': rule({
    id: 'auth.method-override', check: 'Authentication', title: 'Another method or an override header skips authentication', severity: 'high',
    cwe: ['CWE-288', 'CWE-650'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.2'], depth: 'standard',
    summary: 'HEAD, GET or a method-override header reaches a handler whose authentication guards only POST.',
    remediation: 'Apply authentication to every method and ignore method-override headers unless an authenticated layer needs them.',
  }),
  'auth.brute-force': rule({
    id: 'auth.brute-force', check: 'Authentication', title: 'Wrong keys are never throttled', severity: 'medium',
    cwe: ['CWE-307'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.3.4'], depth: 'standard',
    summary: 'Repeated wrong keys are all answered at full speed, with no 429, Retry-After or rate-limit header.',
    remediation: 'Rate-limit failed authentication per client (429 with Retry-After) and lock out after repeated failures.',
  }),
  'auth.weak-key-handling': rule({
    id: 'auth.weak-key-handling', check: 'Authentication', title: 'API key handled loosely', severity: 'medium',
    cwe: ['CWE-1390', 'CWE-598'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.3'], depth: 'standard', needs: 'key',
    summary: 'The key is accepted with changed case, in the query string, as a prefix, or without its documented scheme.',
    remediation: 'Compare the exact key bytes in constant time, only from the documented header, never from the URL.',
  }),
  'auth.jwt': rule({
    id: 'auth.jwt', check: 'Authentication', title: 'JSON Web Tokens not verified', severity: 'high',
    cwe: ['CWE-347', 'CWE-613'], owasp: ['API2:2023'], owaspLlm: [], pci: ['8.3'], depth: 'standard', needs: 'jwt',
    summary: 'A token with alg "none", a forged payload, an expired exp or an empty HMAC secret is accepted.',
    remediation: 'Verify JWTs with a maintained library, pin the expected algorithms, require and check exp, and use a strong secret or key pair.',
  }),
  'auth.credentials-ignored': rule({
    id: 'auth.credentials-ignored', check: 'Authentication', title: 'Supplied credentials change nothing', severity: 'info',
    cwe: ['CWE-287'], owasp: ['API2:2023'], owaspLlm: [], pci: [], depth: 'standard', needs: 'key',
    summary: 'The route answers the same with and without the user\'s key: the key is not needed or not read.',
    remediation: 'Make sure the server actually validates the credential you send (check the header name and that auth is enabled).',
  }),
  'transport.cleartext': rule({
    id: 'transport.cleartext', check: 'Encryption', title: 'Inference API served over cleartext HTTP', severity: 'medium',
    cwe: ['CWE-319'], owasp: ['API8:2023'], owaspLlm: [], pci: ['4.2.1'], depth: 'quick',
    summary: 'The endpoint is plain http:// on a non-loopback host: keys and prompts cross the network in clear.',
    remediation: 'Terminate TLS in front of the server (reverse proxy or the server\'s own TLS flags) and redirect or refuse plain HTTP.',
  }),
  'cors.permissive': rule({
    id: 'cors.permissive', check: 'Configuration', title: 'Permissive CORS on an inference route', severity: 'medium',
    cwe: ['CWE-942'], owasp: ['API8:2023'], owaspLlm: [], pci: ['6.2.4'], depth: 'standard',
    summary: 'Any origin may drive the inference route from a visitor\'s browser.',
    remediation: 'Allow only the origins that need the API, never echo arbitrary origins, and never combine a wildcard with credentials.',
  }),
  'exposure.prompt-data': rule({
    id: 'exposure.prompt-data', check: 'Data Exposure', title: 'Other users\' prompts or outputs readable', severity: 'high',
    cwe: ['CWE-359', 'CWE-200'], owasp: ['API3:2023'], owaspLlm: [], pci: ['3.x', '7.2'], depth: 'standard',
    summary: 'Slot state, server info or request logs with prompt text are readable without credentials.',
    remediation: 'Disable the introspection route or put it behind the admin credential.',
  }),
  'exposure.model-inventory': rule({
    id: 'exposure.model-inventory', check: 'Inventory Management', title: 'Model inventory readable without credentials', severity: 'low',
    cwe: ['CWE-200'], owasp: ['API9:2023'], owaspLlm: [], pci: ['2.2'], depth: 'quick',
    summary: 'Model lists and metadata are readable without credentials (medium when they disclose file paths or the chat template).',
    remediation: 'Require the API key on model-listing and metadata routes, or block them at the proxy.',
  }),
  'exposure.metrics': rule({
    id: 'exposure.metrics', check: 'Data Exposure', title: 'Prometheus metrics readable without credentials', severity: 'low',
    cwe: ['CWE-200'], owasp: ['API8:2023'], owaspLlm: [], pci: ['2.2'], depth: 'quick',
    summary: 'The metrics endpoint discloses load, usage and configuration to anyone.',
    remediation: 'Serve metrics on an internal listener or require credentials for them.',
  }),
  'exposure.api-docs': rule({
    id: 'exposure.api-docs', check: 'Inventory Management', title: 'API documentation exposed', severity: 'info',
    cwe: ['CWE-1059'], owasp: ['API9:2023'], owaspLlm: [], pci: ['2.2'], depth: 'quick',
    summary: '/docs, /redoc or /openapi.json map the whole API for anyone.',
    remediation: 'Turn the docs routes off in production or put them behind authentication.',
  }),
  'exposure.verbose-errors': rule({
    id: 'exposure.verbose-errors', check: 'Configuration', title: 'Verbose error messages', severity: 'low',
    cwe: ['CWE-209'], owasp: ['API8:2023'], owaspLlm: [], pci: ['6.2.4'], depth: 'standard',
    summary: 'Malformed input yields stack traces, parser internals or file paths.',
    remediation: 'Return terse errors to clients and log details server-side.',
  }),
  'vuln.known-advisory': rule({
    id: 'vuln.known-advisory', check: 'Inventory Management', title: 'Server version affected by a known advisory', severity: 'high',
    cwe: [], owasp: ['API8:2023', 'API9:2023'], owaspLlm: [], pci: ['6.3.3'], depth: 'quick',
    summary: 'The version the server reports falls in a published advisory\'s affected range (severity per advisory).',
    remediation: 'Upgrade to the fixed version named in the advisory.',
  }),
  'llm.template-injection': rule({
    id: 'llm.template-injection', check: 'LLM Security', title: 'Chat-template injection', severity: 'medium',
    cwe: ['CWE-1427', 'CWE-77'], owasp: [], owaspLlm: ['LLM01:2025'], pci: ['6.2.4'], depth: 'standard',
    summary: 'User text containing chat-template markers is treated as template, so a caller can forge system or assistant turns.',
    remediation: 'Build prompts with the tokenizer\'s chat template (control tokens), never by string concatenation, and strip template markers from user text.',
  }),
  'llm.template-leak': rule({
    id: 'llm.template-leak', check: 'LLM Security', title: 'Raw chat-template markers in model output', severity: 'low',
    cwe: ['CWE-200'], owasp: [], owaspLlm: ['LLM07:2025'], pci: [], depth: 'quick',
    summary: 'Generated output contains raw template markers: a raw concatenated prompt, a missing tool parser or a fake next turn.',
    remediation: 'Decode with skip_special_tokens, configure the stop tokens and tool parser, and strip template markers before returning output.',
  }),
  'llm.system-prompt-exposure': rule({
    id: 'llm.system-prompt-exposure', check: 'LLM Security', title: 'Chat template or system prompt readable', severity: 'medium',
    cwe: ['CWE-200'], owasp: ['API3:2023'], owaspLlm: ['LLM07:2025'], pci: [], depth: 'standard',
    summary: 'The chat template or system prompt is readable without credentials.',
    remediation: 'Disable template and tokenizer introspection routes or require credentials for them.',
  }),
  'cost.unbounded-generation': rule({
    id: 'cost.unbounded-generation', check: 'Rate Limiting', title: 'Unbounded generation length accepted', severity: 'medium',
    cwe: ['CWE-770'], owasp: ['API4:2023'], owaspLlm: ['LLM10:2025'], pci: [], depth: 'deep',
    summary: 'An open inference route accepts a generation limit far above the model\'s context instead of refusing it.',
    remediation: 'Cap max_tokens server-side (e.g. --max-model-len, max_new_tokens limits) and refuse larger requests.',
  }),
  'cost.no-rate-limit': rule({
    id: 'cost.no-rate-limit', check: 'Rate Limiting', title: 'No rate limit on inference', severity: 'medium',
    cwe: ['CWE-770', 'CWE-799'], owasp: ['API4:2023'], owaspLlm: ['LLM10:2025'], pci: [], depth: 'deep',
    summary: 'A burst of one-token requests is never answered 429 and carries no rate-limit headers.',
    remediation: 'Rate-limit inference per client (429 with Retry-After) at the server or the proxy.',
  }),
};

export const DEPTH_ORDER: Record<Depth, number> = { quick: 0, standard: 1, deep: 2 };

export function ruleRunsAt(rule: RuleMeta, depth: Depth): boolean {
  return DEPTH_ORDER[rule.depth] <= DEPTH_ORDER[depth];
}
