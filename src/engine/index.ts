// Gatecrash as a library: scan an endpoint, sweep a fleet, read the catalog. Nothing here knows about MCP, the CLI or reports.
export { scan, GATECRASH_VERSION, type ScanInput, type ScanHooks } from './scan.js';
export { RULES } from './rules/index.js';
export { ruleRunsAt, type RuleMeta } from './rules/define.js';
export { DEFAULT_SCAN_OPTIONS, LIMITS, resolveScanOptions } from './options.js';
export { TargetError, parseHeaderLine } from './target.js';
export { GuardError } from './http/guard.js';
export { REDACTED } from './http/redact.js';
export { severityAtLeast } from './findings.js';
export * from './fleet/index.js';
export * from './types.js';
