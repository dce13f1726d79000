// Every MCP prompt. Adding a prompt is adding its file and one line here.
import type { McpServer } from '@modelcontextprotocol/server';
import { registerAuditPrompt } from './audit-inference-endpoint.js';

export function registerPrompts(server: McpServer): void {
  registerAuditPrompt(server);
}
