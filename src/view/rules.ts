// Every rule's status (what was checked, not only what failed) and the scan's errors.
import type { ScanReport } from '../engine/types.js';
import { countByStatus, RULE_STATUSES } from '../report/format.js';
import { h, heading, uid, untrusted } from './dom.js';

export function renderRules(report: ScanReport, level: number): HTMLElement {
  const id = uid('rules');
  const counts = countByStatus(report);
  const line = RULE_STATUSES.map((s) => `${counts[s]} ${s}`).join(' · ');
  const table = h(
    'table',
    { class: 'rules' },
    h('caption', {}, `${report.rules.length} rules: ${line}`),
    h('thead', {}, h('tr', {}, ...['Rule', 'Status', 'Findings', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...report.rules.map((r) =>
        h(
          'tr',
          { 'data-status': r.status },
          h('th', { scope: 'row' }, h('code', {}, r.rule)),
          h('td', {}, h('span', { class: 'status-cell', 'data-status': r.status }, r.status)),
          h('td', {}, r.findings),
          h('td', {}, untrusted(r.reason ?? '')),
        ),
      ),
    ),
  );
  return h('section', { class: 'rules-section', 'aria-labelledby': id }, heading(level, { id }, 'Rules'), h('details', {}, h('summary', {}, line), table));
}

export function renderErrors(report: ScanReport, level: number): HTMLElement | null {
  if (!report.errors.length) return null;
  const id = uid('errors');
  return h(
    'section',
    { class: 'errors', 'aria-labelledby': id },
    heading(level, { id }, 'Errors'),
    h('ul', {}, ...report.errors.map((e) => h('li', {}, h('strong', {}, `${untrusted(e.phase)}: `), untrusted(e.message)))),
  );
}
