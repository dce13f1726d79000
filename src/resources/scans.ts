// gatecrash://scans/{id} (the ScanReport as JSON) and gatecrash://scans/{id}/report.md (the Markdown report):
// every scan of this session, from the history src/scan-runner.ts keeps at module scope (newest 50).
import { ResourceNotFoundError, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import type { ScanReport } from '../engine/types.js';
import { toJson } from '../report/json.js';
import { gradeHeadline } from '../report/format.js';
import { withStackFixes, suggestRemediationCommand } from '../knowledge/index.js';
import { toMarkdown } from '../report/markdown.js';
import { recentScans, scanById } from '../scan-runner.js';
import type { ResourceLinkContent } from '../tools/define.js';

export const SCAN_URI_TEMPLATE = 'gatecrash://scans/{id}';
export const SCAN_MARKDOWN_URI_TEMPLATE = 'gatecrash://scans/{id}/report.md';

export const scanUri = (id: string): string => `gatecrash://scans/${encodeURIComponent(id)}`;
export const scanMarkdownUri = (id: string): string => `${scanUri(id)}/report.md`;

/** One line on a scan, for listings and links: where, when, how it went. */
function describeScan(report: ScanReport): string {
  const n = report.findings.length;
  const server = report.fingerprint.productName ?? 'unidentified server';
  return `${report.startedAt} · ${server} · ${gradeHeadline(report)} · ${n} finding${n === 1 ? '' : 's'}${report.partial ? ' · partial' : ''}`;
}

/** The resource links scan_endpoint returns next to its summary, so a client can re-read the report later. */
export function scanResourceLinks(report: ScanReport): ResourceLinkContent[] {
  return [
    { type: 'resource_link', uri: scanUri(report.scanId), name: `scan-${report.scanId}`, mimeType: 'application/json', description: `Gatecrash scan of ${report.target.url} (JSON): ${describeScan(report)}` },
    { type: 'resource_link', uri: scanMarkdownUri(report.scanId), name: `scan-${report.scanId}-report.md`, mimeType: 'text/markdown', description: `The same scan as a Markdown report to paste in a pull request` },
  ];
}

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
      `No scan at ${uri.href} in this session: the server keeps the newest 50 scans until it stops. List resources to see them, or run scan_endpoint again.`,
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
      description: 'A ScanReport of this session (schemaVersion 1): findings with evidence, fingerprint, per-rule status, request counts. Credentials appear as [REDACTED].',
      mimeType: 'application/json',
    },
    (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: toJson(findScan(uri, variables)) }] }),
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
      description: 'A scan of this session as the Markdown report a person pastes in a pull request: grade, findings table, evidence and fixes.',
      mimeType: 'text/markdown',
    },
    // The Markdown report shows the fix for the identified stack, as the CLI's does (the JSON resource stays the report as scanned).
    (uri, variables) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: toMarkdown(withStackFixes(findScan(uri, variables), suggestRemediationCommand)) }] }),
  );
}
