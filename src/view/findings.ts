// The findings, most severe first, one group per severity. Each is a line (severity, title, where, confidence, verdict)
// that opens, by click or keyboard, onto its description, evidence, fix and verification. A body is built the first
// time it opens, so a report of hundreds of findings costs a few hundred lines to show, not hundreds of evidence panes.
import type { Finding, ScanReport, Severity } from '../engine/types.js';
import { pathOf, SEVERITIES, sortFindings } from '../report/format.js';
import type { ViewActions } from './actions.js';
import { h, heading, uid, untrusted } from './dom.js';
import { renderEvidence } from './evidence.js';
import { renderFixPanel } from './fix-panel.js';
import { renderFindingVerify, type Verdicts, type VerifyControls, verdictBadge } from './verify-panel.js';

export interface FindingsContext {
  actions: ViewActions;
  verdicts: Verdicts;
  controls: VerifyControls | null;
}

const TITLE: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

function mappings(f: Finding): string {
  const parts = [
    f.cwe.join(', '),
    f.owasp.length ? `OWASP ${f.owasp.join(', ')}` : '',
    f.owaspLlm.length ? `OWASP ${f.owaspLlm.join(', ')}` : '',
    f.pci.length ? `PCI DSS ${f.pci.join(', ')}` : '',
    f.advisory ? `advisory ${f.advisory}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function findingBody(f: Finding, level: number, ctx: FindingsContext): HTMLElement {
  const maps = mappings(f);
  return h(
    'div',
    { class: 'finding-body' },
    h('p', { class: 'description' }, untrusted(f.description)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Rule'),
      h('dd', {}, h('code', {}, f.rule), ` (${untrusted(f.check)})`),
      h('dt', {}, 'Endpoint'),
      h('dd', {}, untrusted(`${f.endpoint.method} ${f.endpoint.url}`)),
      h('dt', {}, 'Finding id'),
      h('dd', {}, h('code', {}, untrusted(f.id))),
      maps ? h('dt', {}, 'Mappings') : null,
      maps ? h('dd', {}, untrusted(maps)) : null,
    ),
    heading(level, {}, 'Evidence'),
    renderEvidence(f, level + 1),
    heading(level, {}, 'Fix'),
    renderFixPanel(f, ctx.actions, level + 1),
    heading(level, {}, 'Verify the fix'),
    renderFindingVerify(f.id, ctx.controls, ctx.verdicts, ctx.actions.verifyHint),
  );
}

function findingItem(f: Finding, level: number, ctx: FindingsContext): HTMLElement {
  const details = h(
    'details',
    { class: 'finding-details' },
    h(
      'summary',
      {},
      h('span', { class: 'badge', 'data-severity': f.severity }, f.severity),
      ' ',
      h('span', { class: 'finding-title' }, untrusted(f.title)),
      ' ',
      h('span', { class: 'where' }, untrusted(`${f.endpoint.method} ${pathOf(f.endpoint.url)}`)),
      ' ',
      h('span', { class: 'confidence' }, f.confidence),
      ' ',
      verdictBadge(f.id, ctx.verdicts),
    ),
  );
  // Built on first open, then kept (its state: a fix shown, a verdict).
  details.addEventListener('toggle', () => {
    if (details.open && details.childElementCount === 1) details.append(findingBody(f, level, ctx));
  });
  return h('li', { class: 'finding', 'data-finding-id': untrusted(f.id), 'data-rule': f.rule }, details);
}

export function renderFindings(report: ScanReport, level: number, ctx: FindingsContext): HTMLElement {
  const id = uid('findings');
  const section = h('section', { class: 'findings', 'aria-labelledby': id }, heading(level, { id }, 'Findings'));
  if (ctx.controls) section.append(ctx.controls.element);
  else if (ctx.actions.verifyHint && report.findings.length) section.append(h('p', { class: 'hint' }, ctx.actions.verifyHint));
  if (report.findings.length === 0) {
    section.append(h('p', { class: 'none' }, 'No findings.'));
    return section;
  }
  const sorted = sortFindings(report.findings);
  for (const severity of SEVERITIES) {
    const group = sorted.filter((f) => f.severity === severity);
    if (!group.length) continue;
    const gid = uid('severity');
    section.append(
      h(
        'section',
        { class: 'severity-group', 'data-severity': severity, 'aria-labelledby': gid },
        heading(level + 1, { id: gid }, `${TITLE[severity]} (${group.length})`),
        h('ul', { class: 'finding-list' }, ...group.map((f) => findingItem(f, level + 2, ctx))),
      ),
    );
  }
  return section;
}
