// Where a scan's report can be read again: gatecrash://scans/{id} (JSON) and gatecrash://scans/{id}/report.md, and the
// resource links tools return next to their results. Light on purpose: tools import it without the renderers.
import type { ScanReport } from '../engine/types.js';
import { gradeHeadline } from '../report/format.js';
import type { ResourceLinkContent } from '../tools/define.js';

export const SCAN_URI_TEMPLATE = 'gatecrash://scans/{id}';
export const SCAN_MARKDOWN_URI_TEMPLATE = 'gatecrash://scans/{id}/report.md';

export const scanUri = (id: string): string => `gatecrash://scans/${encodeURIComponent(id)}`;
export const scanMarkdownUri = (id: string): string => `${scanUri(id)}/report.md`;

/** One line on a scan, for listings and links: where, when, how it went. */
export function describeScan(report: ScanReport): string {
  const n = report.findings.length;
  const server = report.fingerprint.productName ?? 'unidentified server';
  return `${report.startedAt} · ${server} · ${gradeHeadline(report)} · ${n} finding${n === 1 ? '' : 's'}${report.partial ? ' · partial' : ''}`;
}

/** The resource links scan_endpoint returns next to its summary, so a client can read the full report. */
export function scanResourceLinks(report: ScanReport): ResourceLinkContent[] {
  return [
    {
      type: 'resource_link',
      uri: scanUri(report.scanId),
      name: `scan-${report.scanId}`,
      mimeType: 'application/json',
      description: `Gatecrash scan of ${report.target.url} (JSON): ${describeScan(report)}`,
    },
    {
      type: 'resource_link',
      uri: scanMarkdownUri(report.scanId),
      name: `scan-${report.scanId}-report.md`,
      mimeType: 'text/markdown',
      description: `The same scan as a Markdown report to paste in a pull request`,
    },
  ];
}
