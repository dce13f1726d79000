// Gatecrash as a library: scan an endpoint, sweep a fleet, read the catalog. Nothing here knows about MCP, the CLI or reports.

export { severityAtLeast } from './findings.js';
export * from './fleet/index.js';
export { GuardError } from './http/guard.js';
export { REDACTED } from './http/redact.js';
export { DEFAULT_SCAN_OPTIONS, LIMITS, resolveScanOptions } from './options.js';
export { type RuleMeta, ruleRunsAt } from './rules/define.js';
export { RULES } from './rules/index.js';
export { GATECRASH_VERSION, type ScanHooks, type ScanInput, scan } from './scan.js';
export { parseHeaderLine, TargetError } from './target.js';
export * from './types.js';
