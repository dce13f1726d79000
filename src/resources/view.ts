// ui://gatecrash/scan-view.html: the scan view as an MCP Apps resource (text/html;profile=mcp-app). Hosts that show MCP
// Apps render it for scan_endpoint and verify_fix results; it reads the report through the host and asks nothing of the
// network, so its declared CSP names no domain (the host's most restrictive default), and its own page CSP is stricter.
import { RESOURCE_MIME_TYPE, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';
import { viewHtml } from '../report/html.js';
import { VIEW_RESOURCE_URI } from '../report/view-payload.js';

/** What the view asks of the host: no domains at all, a border around it, and leave to copy a fix to the clipboard. */
const UI_META = {
  ui: { csp: { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] }, prefersBorder: true, permissions: { clipboardWrite: {} } },
};

export function registerViewResource(server: McpServer): void {
  registerAppResource(
    server,
    'scan-view',
    VIEW_RESOURCE_URI,
    {
      title: 'Gatecrash scan view',
      description: 'The interactive view of a scan (MCP Apps): grade, findings by severity, evidence side by side, the fix per framework, and verify.',
      _meta: UI_META,
    },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: RESOURCE_MIME_TYPE, text: viewHtml(), _meta: UI_META }] }),
  );
}
