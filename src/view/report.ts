// One report, or a batch of them, as the page shows it.
import type { ScanReport } from '../engine/types.js';
import { gradeCell } from '../report/format.js';
import type { ViewVerifyResult } from '../report/view-payload.js';
import type { ViewActions } from './actions.js';
import { h, heading, uid, untrusted } from './dom.js';
import { renderFindings } from './findings.js';
import { renderErrors, renderRules } from './rules.js';
import { renderSummary } from './summary.js';
import { Verdicts, VerifyControls } from './verify-panel.js';

export interface RenderOptions {
  actions: ViewActions;
  /** verify_fix's result the view opened with, if it did. */
  verified?: ViewVerifyResult;
}

export function renderReport(report: ScanReport, level: number, options: RenderOptions): HTMLElement {
  const verdicts = new Verdicts();
  const controls =
    options.actions.verify && report.findings.length
      ? new VerifyControls(report, options.actions, verdicts, options.verified?.target ?? report.target.url)
      : null;
  if (options.verified) {
    if (controls) controls.showResult(options.verified);
    else verdicts.apply(options.verified);
  }
  return h(
    'article',
    { class: 'report', 'data-scan-id': untrusted(report.scanId) },
    renderSummary(report, level),
    renderFindings(report, level + 1, { actions: options.actions, verdicts, controls }),
    renderRules(report, level + 1),
    renderErrors(report, level + 1),
  );
}

/** A batch: one line per target, then each report a heading level down, then the targets that could not be scanned. */
export function renderBatch(reports: ScanReport[], errors: { url: string; message: string }[], options: RenderOptions): HTMLElement {
  const n = reports.length + errors.length;
  const tid = uid('targets');
  const table = h(
    'table',
    { class: 'batch' },
    h('caption', { id: tid }, 'Targets'),
    h('thead', {}, h('tr', {}, ...['Target', 'Grade', 'Score', 'Findings'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...reports.map((r) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, untrusted(r.target.url)),
          h('td', {}, gradeCell(r)),
          h('td', {}, r.score === null ? '–' : r.score),
          h('td', {}, r.findings.length),
        ),
      ),
      ...errors.map((e) => h('tr', {}, h('th', { scope: 'row' }, untrusted(e.url)), h('td', {}, 'not scanned'), h('td', {}, '–'), h('td', {}, '–'))),
    ),
  );
  const eid = uid('not-scanned');
  return h(
    'div',
    { class: 'batch-report' },
    h('header', { class: 'summary' }, heading(1, { class: 'title' }, `Gatecrash batch scan of ${n} target${n === 1 ? '' : 's'}`), table),
    ...reports.map((r) => renderReport(r, 2, options)),
    errors.length
      ? h(
          'section',
          { 'aria-labelledby': eid },
          heading(2, { id: eid }, 'Not scanned'),
          h('ul', {}, ...errors.map((e) => h('li', {}, `${untrusted(e.url)}: ${untrusted(e.message)}`))),
        )
      : null,
  );
}
