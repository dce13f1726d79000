// What a Markdown text would turn into on GitHub, read with a real CommonMark renderer (markdown-it, with raw HTML and bare
// URLs live, as GitHub has them): every link, image and HTML tag it would produce, and every @mention or #reference that
// GitHub's filters would find in plain text (they skip code spans and fences, as this does).

import type { Token } from 'markdown-it';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: true, linkify: true });

export interface LiveMarkup {
  links: string[];
  images: string[];
  html: string[];
  mentions: string[];
  references: string[];
  /** The text GitHub would show outside code, fences and tags. */
  text: string;
  /** The text inside code spans and fenced blocks. */
  code: string;
}

function walk(tokens: Token[], out: LiveMarkup): void {
  for (const t of tokens) {
    if (t.type === 'link_open') out.links.push(t.attrGet('href') ?? '');
    else if (t.type === 'image') out.images.push(t.attrGet('src') ?? '');
    else if (t.type === 'html_inline' || t.type === 'html_block') out.html.push(t.content);
    else if (t.type === 'code_inline' || t.type === 'fence' || t.type === 'code_block') out.code += `${t.content}\n`;
    else if (t.type === 'text') {
      out.text += t.content;
      out.mentions.push(...[...t.content.matchAll(/(?:^|[^\w`])@([A-Za-z0-9][A-Za-z0-9-]*)/g)].map((m) => `@${m[1]}`));
      out.references.push(...[...t.content.matchAll(/(?:^|[^\w&])#(\d+)\b/g)].map((m) => `#${m[1]}`));
    } else if (t.type === 'softbreak' || t.type === 'hardbreak') out.text += '\n';
    if (t.children) walk(t.children, out);
    if (t.type.endsWith('_close') && t.block) out.text += '\n';
  }
}

export function liveMarkup(markdown: string): LiveMarkup {
  const out: LiveMarkup = { links: [], images: [], html: [], mentions: [], references: [], text: '', code: '' };
  walk(md.parse(markdown, {}), out);
  return out;
}
