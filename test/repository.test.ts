// The repository explains itself: every fact the code relies on is in it (docs/), so no tracked file may point at a file
// outside it, nor speak of how the project was built instead of what it is. And a reference to docs/ must lead somewhere.
// The patterns below are written so that this file's own text does not match them (`\s` for a space, `\.` for a dot).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Forbidden {
  what: string;
  pattern: RegExp;
}

/** References to files that live outside the repository, and words about the project's history. */
const FORBIDDEN: readonly Forbidden[] = [
  { what: 'a specification file outside the repository', pattern: /\b(?:TARGETS|CHECKS|ARCHITECTURE)\.md\b/ },
  { what: 'a path outside the repository', pattern: /\.\.\/shared\b|\bshared\/(?:spec|seed|schemas)\b/ },
  // "seed" alone is a random seed (the fleet layout, a sampling parameter); these are the article the project started from.
  {
    what: "the project's starting article",
    pattern: new RegExp(
      [
        String.raw`\bthe\sseed\b(?!\s(?:of|for|value|number)\b)`,
        String.raw`\bseed's\b`,
        String.raw`\bseed\s(?:article|app|apps|remediations?|FastAPI)\b`,
        String.raw`\bseed-(?:apps|remediations)\b`,
        String.raw`test\/real\/seed\b`,
        String.raw`\bSeed(?:App|Framework|Context)\b`,
      ].join('|'),
      'i',
    ),
  },
  { what: 'an issue number', pattern: /\bissue[\s-]?#?\d+/i },
  { what: 'a part of an old task', pattern: /\b[Pp]art[\s-][AB]\b/ },
  { what: 'the person who steered the work', pattern: /\bthe\slead\b/i },
  { what: 'an old emulator file name', pattern: /\bemulators-[ab]\b|\bemulator-kit-b\b/ },
];

/** `docs/…` as a path (not a URL to someone else's docs folder), and relative Markdown links. */
const DOCS_PATH = /(?<![\w./-])docs\/[\w./-]*[\w/]/g;
const MARKDOWN_LINK = /\]\((?!https?:|mailto:|#)([^)\s#]+)(?:#[^)\s]*)?\)/g;

function forbiddenIn(text: string): { what: string; line: number; excerpt: string }[] {
  const hits: { what: string; line: number; excerpt: string }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const f of FORBIDDEN) {
      const m = f.pattern.exec(line);
      if (m) hits.push({ what: f.what, line: i + 1, excerpt: line.slice(Math.max(0, m.index - 30), m.index + 50).trim() });
    }
  });
  return hits;
}

/** Every docs/… path a file names, and the relative links of a Markdown file, resolved against the repository. */
function docsReferencesIn(file: string, text: string): { target: string; line: number }[] {
  const refs: { target: string; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(DOCS_PATH)) refs.push({ target: m[0].replace(/[.]+$/, ''), line: i + 1 });
    if (file.endsWith('.md')) {
      // Inline code shows link syntax without being a link.
      for (const m of line.replace(/`[^`]*`/g, '').matchAll(MARKDOWN_LINK)) {
        const target = normalize(join(dirname(file), m[1]!))
          .split('\\')
          .join('/');
        if (!target.startsWith('..')) refs.push({ target, line: i + 1 });
      }
    }
  });
  return refs;
}

function trackedTextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => f.length > 0 && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile())
    .filter((f) => !readFileSync(join(ROOT, f)).subarray(0, 8000).includes(0));
}

describe('the repository explains itself', () => {
  it('the matchers catch what they are for and leave random seeds and docs paths alone', () => {
    const bad = [
      ['see TARGETS', 'md'].join('.'),
      ['..', 'shared', 'spec', 'x'].join('/'),
      ['as in the', 'seed'].join(' '),
      `the tutorial is ${['the', 'seed'].join(' ')}'s case`,
      ['fixed by issue', '4'].join(' '),
      ['the part', 'B emulators'].join('-'),
      ['told by the', 'lead'].join(' '),
      ['emulators', 'a.test.ts'].join('-'),
    ];
    for (const text of bad) expect(forbiddenIn(text), text).toHaveLength(1);
    const fine = [
      'startFleet({ seed: 17 })',
      'export function random(seed: number)',
      '"seed": 4294967295',
      '{"status":"healthy","issues":[]}',
      'the issues of a server',
      'docs/architecture.md and docs/servers/vllm.md',
      'a leading slash',
    ];
    for (const text of fine) expect(forbiddenIn(text), text).toEqual([]);
    expect(docsReferencesIn('docs/servers/README.md', 'see [vLLM](vllm.md) and [zoo](../zoo.md#x), docs/fleet.md.')).toEqual([
      { target: 'docs/fleet.md', line: 1 },
      { target: 'docs/servers/vllm.md', line: 1 },
      { target: 'docs/zoo.md', line: 1 },
    ]);
  });

  const files = trackedTextFiles();

  it('reads the tracked files', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/architecture.md');
  });

  it("no tracked file cites a file outside the repository or speaks of the project's history", () => {
    const found = files.flatMap((f) => forbiddenIn(readFileSync(join(ROOT, f), 'utf8')).map((h) => `${f}:${h.line} ${h.what}: ${h.excerpt}`));
    expect(found).toEqual([]);
  });

  it('every docs/ path and every relative link in the docs leads to a file or folder that exists', () => {
    const missing = files.flatMap((f) =>
      docsReferencesIn(f, readFileSync(join(ROOT, f), 'utf8'))
        .filter((r) => !existsSync(join(ROOT, r.target)))
        .map((r) => `${f}:${r.line} → ${r.target}`),
    );
    expect(missing).toEqual([]);
  });
});
