// What the scan view reads: the shapes both sides of it agree on. The standalone HTML report (html.ts) carries a
// ViewPayload in a JSON data block; the view inside an assistant (src/view/) gets the same report through the host and
// its fixes and verdicts from the tools. Types and constants only, so the browser bundle and Node share them.
import type { ScanReport, Severity } from '../engine/types.js';

/** The id of the `<script type="application/json">` block that holds the payload of a standalone report. */
export const VIEW_DATA_ELEMENT_ID = 'gatecrash-data';

/** The MCP Apps resource the scan view is served as; scan_endpoint and verify_fix name it in `_meta.ui.resourceUri`. */
export const VIEW_RESOURCE_URI = 'ui://gatecrash/scan-view.html';

/** A fix as the view shows it: one framework's code for one finding, with how to apply and check it. */
export interface ViewFix {
  framework: string;
  frameworkName: string;
  title: string;
  summary: string;
  language: string;
  file: string;
  code: string;
  apply: string[];
  verify: string[];
  notes: string[];
}

/** The fixes a finding offers: its own stack first, then every other framework a fix exists for. */
export interface ViewFindingFixes {
  recommended: string;
  /** Index into ViewPayload.fixes, or null when the fix was left out to keep the file small (ask suggest_remediation). */
  options: { framework: string; name: string; fix: number | null }[];
}

export interface ViewPayload {
  schemaVersion: 1;
  reports: ScanReport[];
  /** Targets of a batch that could not be scanned. */
  errors: { url: string; message: string }[];
  /** Every distinct fix once; findings point into it. */
  fixes: ViewFix[];
  findingFixes: Record<string, ViewFindingFixes>;
}

/** verify_fix's verdict on one finding, as the view reads it from the tool's result (src/verify.ts has the whole shape). */
export interface ViewVerdict {
  findingId: string;
  rule: string;
  title: string;
  severity: Severity;
  endpoint: { method: string; url: string };
  status: 'fixed' | 'still-failing' | 'inconclusive';
  reason: string;
}

/** verify_fix's result, the fields the view reads. */
export interface ViewVerifyResult {
  target: string;
  previousScanId: string;
  verdicts: ViewVerdict[];
  /** New findings in full (a report's) or in brief (`endpoint` as one 'METHOD url' string). */
  newFindings: { id: string; rule: string; title?: string; severity?: Severity; endpoint: string | { method: string; url: string } }[];
  summary: { fixed: number; stillFailing: number; inconclusive: number; newFindings: number };
  allFixed: boolean;
}
