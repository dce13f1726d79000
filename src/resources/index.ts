// Every MCP resource. Resources read process-wide state (the scan history) or pure data (the rule catalog).
import type { McpServer } from '@modelcontextprotocol/server';
import { registerBatchResources } from './batches.js';
import { registerCheckResources } from './checks.js';
import type { RulePageRenderer } from './rule-page.js';
import { registerScanResources } from './scans.js';
import { registerViewResource } from './view.js';

export interface ResourceOptions {
  /** The page of a rule; the knowledge base's explanation by default (see rule-page.ts). */
  renderRulePage?: RulePageRenderer;
}

export function registerResources(server: McpServer, options: ResourceOptions = {}): void {
  registerScanResources(server);
  registerBatchResources(server);
  registerCheckResources(server, options.renderRulePage);
  registerViewResource(server);
}
