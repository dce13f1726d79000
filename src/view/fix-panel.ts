// The fix for one finding: the report's one-line remediation, then, on request, the code for the server's own stack with a
// picker for every other framework a fix exists for, how to apply it and how to check it. The code comes from Gatecrash's
// knowledge base (through suggest_remediation, or from the file), filled with the finding's paths and header names, which
// the target chose: it is shown as text like everything else. A finding whose scan could not tell the server's stack
// surely enough (its `fix` names candidates, not a framework) gets no fix by a guess: the person picks the framework.
import type { Finding } from '../engine/types.js';
import { FRAMEWORK_INFO } from '../knowledge/framework-info.js';
import type { Framework } from '../knowledge/types.js';
import type { ViewFix } from '../report/view-payload.js';
import type { FixAnswer, ViewActions } from './actions.js';
import { clear, h, heading, textBlock, uid, untrusted } from './dom.js';

function fixOutput(fix: ViewFix, level: number): HTMLElement {
  const codeId = uid('fix-code');
  const status = h('p', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const code = textBlock(`Code for ${untrusted(fix.frameworkName)}: ${untrusted(fix.file)}`, untrusted(fix.code, true), {
    class: 'code',
    id: codeId,
    'data-language': fix.language,
  });
  const copy = h('button', { type: 'button', class: 'secondary', 'aria-controls': codeId }, 'Copy the code');
  copy.addEventListener('click', () => {
    const done = (text: string) => (status.textContent = text);
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      code.focus();
    };
    const selectInstead = () => {
      select();
      done('Copying is not allowed here: the code is selected, copy it with your keyboard.');
    };
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) return selectInstead();
    clipboard.writeText(fix.code).then(() => done('Copied.'), selectInstead);
  });
  return h(
    'div',
    { class: 'fix-output', 'data-framework': fix.framework },
    heading(level, {}, untrusted(fix.title)),
    h('p', {}, untrusted(fix.summary)),
    h('p', { class: 'file' }, 'In ', h('code', {}, untrusted(fix.file)), ` (${untrusted(fix.frameworkName)}):`),
    code,
    h('div', { class: 'copy' }, copy, status),
    fix.apply.length ? h('div', {}, heading(level + 1, {}, 'Apply'), h('ol', {}, ...fix.apply.map((s) => h('li', {}, untrusted(s))))) : null,
    fix.verify.length
      ? h('div', {}, heading(level + 1, {}, 'Check it'), h('ul', { class: 'commands' }, ...fix.verify.map((s) => h('li', {}, h('code', {}, untrusted(s))))))
      : null,
    fix.notes.length ? h('ul', { class: 'notes' }, ...fix.notes.map((s) => h('li', {}, untrusted(s)))) : null,
  );
}

/** A framework's display name (the id itself for one this view does not know). */
export function frameworkName(id: string): string {
  return Object.hasOwn(FRAMEWORK_INFO, id) ? FRAMEWORK_INFO[id as Framework].name : id;
}

export function renderFixPanel(finding: Finding, actions: ViewActions, level: number): HTMLElement {
  const selectId = uid('framework');
  const candidates = finding.fix && finding.fix.framework === null ? (finding.fix.candidates ?? []) : [];
  const choose = candidates.length > 0;
  const select = h(
    'select',
    { id: selectId, disabled: !choose },
    h('option', { value: '' }, choose ? "Choose the server's framework" : "The server's own stack"),
    ...candidates.map((c) =>
      h('option', { value: c.framework }, `${untrusted(frameworkName(c.framework))}${c.confidence === null ? '' : ` (${Math.round(c.confidence * 100)}%)`}`),
    ),
  );
  const show = h('button', { type: 'button' }, 'Show the fix');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const output = h('div', { class: 'fix-slot' });
  let busy = false;

  const load = async (framework?: string) => {
    if (busy) return;
    busy = true;
    show.disabled = true;
    select.disabled = true;
    status.textContent = 'Loading the fix…';
    try {
      const answer: FixAnswer = await actions.fix(finding, framework);
      select.replaceChildren(
        ...answer.choices.map((c) => h('option', { value: c.framework, selected: c.framework === answer.fix.framework }, untrusted(c.name))),
      );
      select.value = answer.fix.framework;
      clear(output);
      output.append(fixOutput(answer.fix, level));
      status.textContent = `The fix for ${untrusted(answer.fix.frameworkName)}.`;
      show.hidden = true;
    } catch (e) {
      status.textContent = untrusted((e as Error).message);
      show.disabled = false;
    } finally {
      busy = false;
      // Until a first answer names the frameworks, the picker holds only its placeholder (or the candidates to choose from).
      select.disabled = select.value === '' && !choose;
    }
  };
  show.addEventListener('click', () => {
    if (choose && !select.value) {
      status.textContent = "The scan could not tell the server's stack surely enough to choose a fix: choose its framework.";
      select.focus();
      return;
    }
    void load(select.value || undefined);
  });
  select.addEventListener('change', () => {
    if (select.value) void load(select.value);
  });

  return h(
    'div',
    { class: 'fix' },
    h('p', { class: 'remediation' }, untrusted(finding.remediation)),
    h('div', { class: 'controls' }, h('label', { for: selectId }, 'Framework'), select, show),
    status,
    output,
  );
}
