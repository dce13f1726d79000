// Every MCP tool. Adding a tool is adding its file and one line here.
import type { ToolDefinition } from './define.js';
import discoverLlmServers from './discover-llm-servers.js';
import explainFinding from './explain-finding.js';
import fingerprintEndpoint from './fingerprint-endpoint.js';
import listChecks from './list-checks.js';
import scanEndpoint from './scan-endpoint.js';
import scanTargets from './scan-targets.js';
import suggestRemediation from './suggest-remediation.js';
import verifyFix from './verify-fix.js';

export const ALL_TOOLS: ToolDefinition[] = [
  scanEndpoint,
  scanTargets,
  discoverLlmServers,
  fingerprintEndpoint,
  explainFinding,
  suggestRemediation,
  verifyFix,
  listChecks,
];
