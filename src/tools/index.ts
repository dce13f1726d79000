// Every MCP tool. Adding a tool is adding its file and one line here.
import type { ToolDefinition } from './define.js';
import listChecks from './list-checks.js';
import scanEndpoint from './scan-endpoint.js';

export const ALL_TOOLS: ToolDefinition[] = [scanEndpoint, listChecks] as unknown as ToolDefinition[];
