// The untrusted-text rule (untrusted.ts) for Markdown, shared by the reports and the knowledge base. GitHub renders
// Markdown, and so may an assistant's client: a server value there is a code span, where no link, image, mention, issue
// reference or HTML tag can form, and Gatecrash's own prose is escaped. Pure.
import { neutralizeControls, QUOTE_CLOSE, QUOTE_OPEN, spans } from './untrusted.js';

/**
 * A Markdown code span no content can close early: the fence is one backtick longer than any run inside, and padded when
 * the content starts or ends with a backtick. In a table cell, pipes are escaped too (GFM splits cells on them even in code).
 */
export function codeSpan(text: string, inTable = false): string {
  const body = neutralizeControls(text.replace(/\r?\n|\r/g, ' ')).replace(/\|/g, inTable ? '\\|' : '|');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A URL as GitHub would autolink it (a scheme or `www.`), without the punctuation that ends a sentence around it. It ends at
 * a space, at the end of the text, or at `<` or `>` (where an autolink stops too).
 */
const URL_LIKE = /(?:https?:\/\/|www\.)[^\s<>]+?(?=[.,:;!?*_~'")\]]*(?:[\s<>]|$))/gi;

/**
 * Escapes untrusted text for Markdown inline use (prose, table cells): one line, no live syntax. A URL in it becomes a code
 * span (with its pipes escaped, for table cells), so GitHub's autolinker never makes a link of it.
 */
export function escapeMarkdown(text: string): string {
  const flat = neutralizeControls(text.replace(/\r?\n|\r/g, ' '));
  const escapeMarkdown = (t: string) => t.replace(/[\\`*_[\]<>|~@&$#]/g, (c) => `\\${c}`);
  let out = '';
  let last = 0;
  for (const m of flat.matchAll(URL_LIKE)) {
    out += escapeMarkdown(flat.slice(last, m.index)) + codeSpan(m[0], true);
    last = m.index + m[0].length;
  }
  return out + escapeMarkdown(flat.slice(last));
}

/** As escapeMarkdown, for text that starts a paragraph or a list item, where `-`, `+`, `>`, `=` and `1.` would open a block. */
export function escapeMarkdownBlock(text: string): string {
  return escapeMarkdown(text)
    .replace(/^(\s*)([-+=>])/, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
}

/** Prose for Markdown: each quoted server value ⟦…⟧ becomes a code span (quote marks kept), the rest goes through `escapeOwn`. */
export function markdownProse(text: string, escapeOwn: (own: string) => string = (own) => own, inTable = false): string {
  return spans(text)
    .map((s) => (s.quoted ? codeSpan(`${QUOTE_OPEN}${s.text}${QUOTE_CLOSE}`, inTable) : escapeOwn(s.text)))
    .join('');
}
