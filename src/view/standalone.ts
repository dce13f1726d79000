// The view as a standalone file (gatecrash scan --format html): the report and its fixes are in the page, nothing is
// fetched, nothing is called. Verifying needs a scanner, so the page says how to run one.
import type { ViewPayload } from '../report/view-payload.js';
import { VIEW_DATA_ELEMENT_ID } from '../report/view-payload.js';
import type { ViewActions } from './actions.js';
import { h, untrusted } from './dom.js';
import { renderBatch, renderReport } from './report.js';

/** The payload a standalone report carries, or null inside an assistant (where the host brings the report). */
export function readPayload(doc: Document): ViewPayload | null {
  const el = doc.getElementById(VIEW_DATA_ELEMENT_ID);
  if (el?.getAttribute('type') !== 'application/json') return null;
  const data: unknown = JSON.parse(el.textContent ?? '');
  if (typeof data !== 'object' || data === null || !Array.isArray((data as ViewPayload).reports))
    throw new Error('The report data in this file is not a Gatecrash report.');
  return data as ViewPayload;
}

function fileActions(payload: ViewPayload): ViewActions {
  return {
    async fix(finding, framework) {
      const offered = payload.findingFixes[finding.id];
      if (!offered) throw new Error('This file holds no fix for this finding: ask suggest_remediation (Gatecrash MCP) for one.');
      const wanted = framework ?? offered.recommended;
      const option = offered.options.find((o) => o.framework === wanted);
      const fix = option?.fix === null || option === undefined ? undefined : payload.fixes[option.fix];
      if (!fix)
        throw new Error(
          `This file holds no fix for ${option?.name ?? wanted}, to stay small: ask suggest_remediation (Gatecrash MCP) with this finding and framework.`,
        );
      return { fix, choices: offered.options.map((o) => ({ framework: o.framework, name: o.name })) };
    },
    verifyHint: 'To verify a fix, save the JSON report and run gatecrash verify --report gatecrash.json once the fix is deployed.',
  };
}

export function renderStandalone(root: HTMLElement, payload: ViewPayload): void {
  const actions = fileActions(payload);
  const only = payload.reports.length === 1 && payload.errors.length === 0 ? payload.reports[0] : undefined;
  root.replaceChildren(only ? renderReport(only, 1, { actions }) : renderBatch(payload.reports, payload.errors, { actions }));
  document.title = only ? `Gatecrash: ${untrusted(only.target.url, false, 200)}` : 'Gatecrash batch scan';
  if (!payload.reports.length && !payload.errors.length) root.append(h('p', {}, 'This report is empty.'));
}
