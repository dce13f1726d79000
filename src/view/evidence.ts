// A finding's exchanges as the server saw and answered them: the refused baseline beside the accepted variant when the
// finding is a difference between the two, then any supporting exchange. Already redacted by the engine; every byte of
// it is the target's, so it is text and nothing else.
import type { EvidenceMessage, Finding } from '../engine/types.js';
import { exchangeOneLiner, httpRequestText, httpResponseText } from '../report/format.js';
import { h, heading, textBlock, uid, untrusted } from './dom.js';

function pane(title: string, msg: EvidenceMessage, level: number, kind: string): HTMLElement {
  const id = uid('exchange');
  return h(
    'section',
    { class: 'exchange', 'data-kind': kind, 'aria-labelledby': id },
    heading(level, { id }, title),
    h('p', { class: 'oneliner' }, untrusted(exchangeOneLiner(msg))),
    textBlock(`${title}: request`, untrusted(httpRequestText(msg.request), true), { class: 'http', 'data-part': 'request' }),
    msg.response
      ? textBlock(`${title}: response`, untrusted(httpResponseText(msg.response), true), { class: 'http', 'data-part': 'response' })
      : h('p', { class: 'no-response', 'data-part': 'response' }, `No response: ${untrusted(msg.error ?? 'nothing came back')}.`),
  );
}

export function renderEvidence(finding: Finding, level: number): HTMLElement {
  const ev = finding.evidence;
  const main: EvidenceMessage = { request: ev.request, ...(ev.response ? { response: ev.response } : {}) };
  const pair = ev.baseline
    ? h(
        'div',
        { class: 'exchanges pair' },
        pane('Refused: the baseline', ev.baseline, level, 'baseline'),
        pane('Accepted: the variant', main, level, 'variant'),
      )
    : h('div', { class: 'exchanges' }, pane('Request and response', main, level, 'single'));
  const extra = (ev.extra ?? []).map((m, i) => pane(`Supporting exchange ${i + 1}`, m, level, 'extra'));
  const notes = ev.notes?.length ? h('ul', { class: 'notes' }, ...ev.notes.map((n) => h('li', {}, untrusted(n)))) : null;
  return h('div', { class: 'evidence' }, pair, extra.length ? h('div', { class: 'exchanges' }, ...extra) : null, notes);
}
