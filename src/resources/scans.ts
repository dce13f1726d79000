// gatecrash://scans/{id} (the ScanReport as JSON) and gatecrash://scans/{id}/report.md (the Markdown report): every scan
// of this session (newest 50) and of the local scan store (src/scan-runner.ts). The renderers load on the first read.
import { type McpServer, ResourceNotFoundError, ResourceTemplate } from '@modelcontextprotocol/server';
import type { ScanReport } from '../engine/types.js';
import { recentScans, scanById } from '../scan-runner.js';
import { describeScan, SCAN_MARKDOWN_URI_TEMPLATE, SCAN_URI_TEMPLATE, scanMarkdownUri, scanUri } from './scan-links.js';

function idVariable(variables: Record<string, string | string[]>): string {
  const raw = variables.id;
  const id = Array.isArray(raw) ? raw[0] : raw;
  try {
    return decodeURIComponent(id ?? '');
  } catch {
    return id ?? '';
  }
}

function findScan(uri: URL, variables: Record<string, string | string[]>): ScanReport {
  const report = scanById(idVariable(variables));
  if (!report) {
    throw new ResourceNotFoundError(
      uri.href,
      `No scan at ${uri.href} in this session or the local scan store. List resources to see the scans kept, or run scan_endpoint again.`,
    );
  }
  return report;
}

const completeId = (value: string): string[] =>
  recentScans()
    .map((r) => r.scanId)
    .filter((id) => id.startsWith(value));

export function registerScanResources(server: McpServer): void {
  server.registerResource(
    'scan',
    new ResourceTemplate(SCAN_URI_TEMPLATE, {
      list: () => ({
        resources: recentScans().map((r) => ({
          uri: scanUri(r.scanId),
          name: `scan-${r.scanId}`,
          title: `Scan of ${r.target.url}`,
          description: describeScan(r),
          mimeType: 'application/json',
        })),
      }),
      complete: { id: completeId },
    }),
    {
      title: 'Gatecrash scan report (JSON)',
      description:
        'A ScanReport of this session or the local scan store (schemaVersion 1): findings with evidence, ' +
        'fingerprint, per-rule status, request counts. Credentials appear as [REDACTED].',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const report = findScan(uri, variables);
      const { toJson } = await import('../report/json.js');
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: toJson(report) }] };
    },
  );

  server.registerResource(
    'scan-report-markdown',
    new ResourceTemplate(SCAN_MARKDOWN_URI_TEMPLATE, {
      list: () => ({
        resources: recentScans().map((r) => ({
          uri: scanMarkdownUri(r.scanId),
          name: `scan-${r.scanId}-report.md`,
          title: `Markdown report of the scan of ${r.target.url}`,
          description: describeScan(r),
          mimeType: 'text/markdown',
        })),
      }),
      complete: { id: completeId },
    }),
    {
      title: 'Gatecrash scan report (Markdown)',
      description:
        'A scan of this session or the local scan store as the Markdown report a person pastes in a pull request: grade, findings table, evidence and fixes.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const report = findScan(uri, variables);
      const [{ toMarkdown }, { suggestRemediationCommand, withStackFixes }] = await Promise.all([
        import('../report/markdown.js'),
        import('../knowledge/index.js'),
      ]);
      // The fix for the identified stack, pointing at suggest_remediation (a report the CLI kept points at its own command).
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: toMarkdown(withStackFixes(report, suggestRemediationCommand)) }] };
    },
  );
}
