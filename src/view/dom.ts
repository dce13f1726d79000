// The only way the view makes elements. Children that are strings become text nodes; attributes come from a fixed list
// (no event handlers, no URLs, no inline style), checked when the element is made. The view never assigns innerHTML,
// and its Content Security Policy requires Trusted Types, so the browser itself refuses markup made from a string.
import { neutralizeControls } from '../report/format.js';

type AttrName =
  | 'class'
  | 'id'
  | 'role'
  | 'type'
  | 'for'
  | 'tabindex'
  | 'hidden'
  | 'title'
  | 'value'
  | 'name'
  | 'disabled'
  | 'open'
  | 'scope'
  | 'autocomplete'
  | 'spellcheck'
  | 'inputmode'
  | 'lang'
  | 'dir'
  | 'selected'
  | `aria-${string}`
  | `data-${string}`;
export type Attrs = Partial<Record<AttrName, string | number | boolean | undefined>>;
export type Child = Node | string | number | null | undefined | false;

const SAFE_ATTR =
  /^(class|id|role|type|for|tabindex|hidden|title|value|name|disabled|open|scope|autocomplete|spellcheck|inputmode|lang|dir|selected|aria-[a-z]+|data-[a-z][a-z0-9-]*)$/;

/** The most characters of one text the view puts on the page; the rest is counted, not shown. */
export const MAX_TEXT = 64 * 1024;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (!SAFE_ATTR.test(name)) throw new Error(`attribute ${name} is not allowed in the view`);
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/**
 * Text that came from a scanned server, made safe to read: at most MAX_TEXT characters, control characters and bidi
 * overrides shown as visible escapes (so a body cannot reorder or hide what is on screen). Newlines kept when multiline.
 */
export function untrusted(value: unknown, multiline = false, max = MAX_TEXT): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}\n… ${text.length - max} more characters not shown` : text;
  return neutralizeControls(cut, multiline);
}

/** Removes every child (replaceChildren with nothing). */
export function clear(el: Element): void {
  el.replaceChildren();
}

let counter = 0;
/** A document-unique id for labels and aria references. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A heading of level 1–6 (deeper levels clamp to 6). */
export function heading(level: number, attrs: Attrs, ...children: Child[]): HTMLHeadingElement {
  const n = Math.min(6, Math.max(1, level)) as 1 | 2 | 3 | 4 | 5 | 6;
  return h(`h${n}`, attrs, ...children);
}

/**
 * A block of text as it was (a request, a response, code): preformatted, scrolling when long, so reachable by keyboard
 * (tabindex) and named for screen readers (a labelled region).
 */
export function textBlock(label: string, text: string, attrs: Attrs = {}): HTMLPreElement {
  return h('pre', { ...attrs, tabindex: 0, role: 'region', 'aria-label': label }, text);
}
