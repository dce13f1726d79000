// The HTML face: the scan view (src/view/, built by scripts/build-view.mjs) as one self-contained file, with the report
// and its fixes in a JSON data block the view renders. Nothing is fetched when it opens: no network, no external font or
// script, a Content Security Policy that allows only the view's own script and style. Pure, like every renderer here.
//
// The data block is JSON inside <script type="application/json">, which the browser never runs; every '<', '>' and '&'
// in it is written as a \u escape, so no string a target chose can close the element or start markup.
import type { Finding, ScanReport } from '../engine/types.js';
import { sortFindings } from './format.js';
import { VIEW_HTML_AFTER, VIEW_HTML_BEFORE } from './view-asset.generated.js';
import { VIEW_DATA_ELEMENT_ID, type ViewFindingFixes, type ViewFix, type ViewPayload } from './view-payload.js';

/** Where a standalone report's fixes come from (the knowledge base: knowledgeFixProvider in src/knowledge). */
export interface HtmlFixProvider {
  /** The frameworks a fix exists for, the finding's own stack first. */
  frameworksFor(finding: Finding): { framework: string; name: string }[];
  fix(finding: Finding, framework: string): ViewFix;
}

export interface HtmlOptions {
  fixes?: HtmlFixProvider;
  /** Beyond this many bytes of fixes, only each finding's own stack is included (default 256 KiB). */
  fixBudgetBytes?: number;
}

/**
 * A fix is 3–10 KB (a whole app, a proxy configuration). Every finding's own stack is always in the file; the other
 * frameworks only while the file stays small enough to attach and mail: a dozen findings get all of theirs.
 */
export const DEFAULT_FIX_BUDGET = 256 * 1024;

/** The view as the MCP App resource serves it: the page without data (the host brings the report). */
export function viewHtml(): string {
  return VIEW_HTML_BEFORE + VIEW_HTML_AFTER;
}

/** JSON that is safe inside a script element: no '<', '>', '&' or line separators appear literally. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Every finding's fixes: its own stack's always, the other frameworks' while the budget lasts (most severe findings
 * first). Identical fixes (the same rule on the same kind of route) are stored once.
 */
function collectFixes(reports: readonly ScanReport[], provider: HtmlFixProvider, budget: number): Pick<ViewPayload, 'fixes' | 'findingFixes'> {
  const fixes: ViewFix[] = [];
  const index = new Map<string, number>();
  const findingFixes: Record<string, ViewFindingFixes> = {};
  let spent = 0;
  const store = (fix: ViewFix): number => {
    const key = JSON.stringify(fix);
    let i = index.get(key);
    if (i === undefined) {
      i = fixes.push(fix) - 1;
      index.set(key, i);
      spent += key.length;
    }
    return i;
  };
  const findings = sortFindings(reports.flatMap((r) => r.findings));
  // Each finding's own stack first, for all of them; then the alternatives.
  for (const f of findings) {
    if (findingFixes[f.id]) continue;
    const options = provider.frameworksFor(f);
    const recommended = options[0];
    if (!recommended) continue;
    findingFixes[f.id] = {
      recommended: recommended.framework,
      options: options.map((o, i) => ({ ...o, fix: i === 0 ? store(provider.fix(f, o.framework)) : null })),
    };
  }
  for (const f of findings) {
    for (const option of findingFixes[f.id]?.options ?? []) {
      if (option.fix !== null || spent >= budget) continue;
      option.fix = store(provider.fix(f, option.framework));
    }
  }
  return { fixes, findingFixes };
}

/** One report, or a batch (reports and the targets that could not be scanned), as a self-contained HTML page. */
export function toHtml(
  input: ScanReport | { reports: readonly ScanReport[]; errors?: readonly { url: string; message: string }[] },
  options: HtmlOptions = {},
): string {
  const reports = 'reports' in input ? [...input.reports] : [input];
  const errors = 'reports' in input ? [...(input.errors ?? [])].map((e) => ({ url: e.url, message: e.message })) : [];
  const payload: ViewPayload = {
    schemaVersion: 1,
    reports,
    errors,
    ...(options.fixes ? collectFixes(reports, options.fixes, options.fixBudgetBytes ?? DEFAULT_FIX_BUDGET) : { fixes: [], findingFixes: {} }),
  };
  return `${VIEW_HTML_BEFORE}<script type="application/json" id="${VIEW_DATA_ELEMENT_ID}">${scriptSafeJson(payload)}</script>${VIEW_HTML_AFTER}\n`;
}
