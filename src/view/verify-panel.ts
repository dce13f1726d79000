// "Verify the fix": re-runs the failed rules through verify_fix and shows each verdict where its finding is (a badge on
// the finding's line, the reason in its body), plus a summary and any new finding. The verdicts a view opens with (when
// the assistant called verify_fix) arrive the same way.
import type { ScanReport } from '../engine/types.js';
import type { ViewVerdict, ViewVerifyResult } from '../report/view-payload.js';
import type { ViewActions } from './actions.js';
import { h, uid, untrusted } from './dom.js';

const LABEL: Record<ViewVerdict['status'], string> = { fixed: 'fixed', 'still-failing': 'still failing', inconclusive: 'inconclusive' };

/** Verdicts by finding id, and who shows them. */
export class Verdicts {
  private readonly byId = new Map<string, ViewVerdict>();
  private readonly views = new Map<string, ((v: ViewVerdict) => void)[]>();

  apply(result: ViewVerifyResult): void {
    for (const v of result.verdicts) {
      this.byId.set(v.findingId, v);
      for (const show of this.views.get(v.findingId) ?? []) show(v);
    }
  }

  /** Calls `show` with the finding's verdict now (if any) and whenever it changes. */
  watch(findingId: string, show: (v: ViewVerdict) => void): void {
    this.views.set(findingId, [...(this.views.get(findingId) ?? []), show]);
    const known = this.byId.get(findingId);
    if (known) show(known);
  }
}

export function verdictBadge(findingId: string, verdicts: Verdicts): HTMLElement {
  const badge = h('span', { class: 'verdict-badge', hidden: true });
  verdicts.watch(findingId, (v) => {
    badge.hidden = false;
    badge.setAttribute('data-status', v.status);
    badge.textContent = LABEL[v.status];
  });
  return badge;
}

function summaryText(result: ViewVerifyResult): string {
  const s = result.summary;
  const head = `${s.fixed} fixed, ${s.stillFailing} still failing, ${s.inconclusive} inconclusive, ${s.newFindings} new.`;
  return result.allFixed ? `${head} Every finding checked is proven fixed.` : head;
}

/** The shared controls: where the fixed service answers, and the button that verifies every finding. */
export class VerifyControls {
  readonly element: HTMLElement;
  private readonly url: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly added: HTMLElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private running = false;

  constructor(
    private readonly report: ScanReport,
    private readonly actions: ViewActions,
    private readonly verdicts: Verdicts,
    initialUrl: string,
  ) {
    const urlId = uid('verify-url');
    this.url = h('input', { id: urlId, type: 'url', name: 'verify-url', value: untrusted(initialUrl), spellcheck: 'false', autocomplete: 'off' });
    this.status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
    this.added = h('ul', { class: 'new-findings', hidden: true, 'aria-label': 'New findings' });
    const all = this.button('Verify every fix', null);
    this.element = h(
      'div',
      { class: 'verify-controls' },
      h('div', { class: 'controls' }, h('label', { for: urlId }, 'Where the fixed service answers'), this.url, all),
      this.status,
      this.added,
    );
  }

  /** A button that verifies these findings (all when null) at the URL above. */
  button(label: string, findingIds: string[] | null): HTMLButtonElement {
    const b = h('button', { type: 'button', class: 'verify' }, label);
    b.addEventListener('click', () => void this.run(findingIds));
    this.buttons.push(b);
    return b;
  }

  showResult(result: ViewVerifyResult): void {
    this.verdicts.apply(result);
    this.status.textContent = summaryText(result);
    this.added.replaceChildren(
      ...result.newFindings.map((f) => {
        const where = typeof f.endpoint === 'string' ? f.endpoint : `${f.endpoint.method} ${f.endpoint.url}`;
        return h('li', {}, `New${f.severity ? ` ${f.severity}` : ''}: ${untrusted(f.title ?? f.rule)} (${untrusted(f.rule)}) at ${untrusted(where)}`);
      }),
    );
    this.added.hidden = result.newFindings.length === 0;
  }

  private async run(findingIds: string[] | null): Promise<void> {
    if (this.running || !this.actions.verify) return;
    this.running = true;
    for (const b of this.buttons) b.disabled = true;
    const n = findingIds?.length ?? this.report.findings.length;
    this.status.textContent = `Verifying ${n} finding${n === 1 ? '' : 's'}: re-running the rules that failed…`;
    try {
      this.showResult(await this.actions.verify(this.report, findingIds, this.url.value.trim() || this.report.target.url));
    } catch (e) {
      this.status.textContent = untrusted((e as Error).message);
    } finally {
      this.running = false;
      for (const b of this.buttons) b.disabled = false;
    }
  }
}

/** The verify part of a finding's body: its button and its verdict with the reason. */
export function renderFindingVerify(findingId: string, controls: VerifyControls | null, verdicts: Verdicts, hint: string | undefined): HTMLElement {
  const verdict = h('p', { class: 'verdict', hidden: true });
  verdicts.watch(findingId, (v) => {
    verdict.hidden = false;
    verdict.setAttribute('data-status', v.status);
    verdict.textContent = `${LABEL[v.status][0]!.toUpperCase()}${LABEL[v.status].slice(1)}: ${untrusted(v.reason)}`;
  });
  return h('div', { class: 'verify-finding' }, controls ? controls.button('Verify this fix', [findingId]) : h('p', { class: 'hint' }, hint ?? ''), verdict);
}

/**
 * The verdicts alone, for a verify_fix result whose earlier scan the host cannot hand over (it came from a file, or the
 * session no longer keeps it): each finding's line with its verdict and reason, and the summary.
 */
export function renderVerdictsOnly(result: ViewVerifyResult): HTMLElement {
  return h(
    'article',
    { class: 'report verdicts-only' },
    h('h1', { class: 'title' }, 'Gatecrash verify of ', h('span', { class: 'target' }, untrusted(result.target))),
    h('p', { class: 'status' }, summaryText(result)),
    h(
      'ul',
      { class: 'finding-list' },
      ...result.verdicts.map((v) =>
        h(
          'li',
          { class: 'finding', 'data-finding-id': untrusted(v.findingId), 'data-rule': untrusted(v.rule) },
          h(
            'p',
            {},
            h('span', { class: 'badge', 'data-severity': v.severity }, v.severity),
            ' ',
            h('span', { class: 'finding-title' }, untrusted(v.title)),
            ' ',
            h('span', { class: 'where' }, untrusted(`${v.endpoint.method} ${v.endpoint.url}`)),
            ' ',
            h('span', { class: 'verdict-badge', 'data-status': v.status }, LABEL[v.status]),
          ),
          h('p', { class: 'verdict', 'data-status': v.status }, untrusted(v.reason)),
        ),
      ),
    ),
  );
}
