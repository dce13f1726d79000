import { describe, expect, test } from 'vitest';
import type { ScanReport } from '../../src/engine/types.js';
import { quote, UNTRUSTED_NOTICE } from '../../src/engine/untrusted.js';
import { escapeMarkdown, escapeMarkdownBlock, fenced, toMarkdown } from '../../src/report/markdown.js';
import { FIXTURES, loadFixture } from './helpers.js';
import { liveMarkup } from './markdown-live.js';

describe('toMarkdown snapshots', () => {
  for (const name of FIXTURES) {
    test(name, async () => {
      await expect(toMarkdown(loadFixture(name))).toMatchFileSnapshot(`./__snapshots__/${name}.md`);
    });
  }
  test('batch', async () => {
    await expect(toMarkdown(FIXTURES.map(loadFixture))).toMatchFileSnapshot('./__snapshots__/batch.md');
  });
});

describe('sections', () => {
  test('auth.missing: title, grade, summary, fingerprint, table, evidence, fix, rules', () => {
    const md = toMarkdown(loadFixture('auth-missing'));
    const lines = md.split('\n');
    expect(lines[0]).toBe('# Gatecrash scan of `http://127.0.0.1:8000/generate`');
    expect(md).toContain(`*${UNTRUSTED_NOTICE}*`);
    expect(md).toContain('**Grade D** · score 75/100 · depth standard');
    expect(md).toContain('**2 findings:** 0 critical · 1 high · 0 medium · 0 low · 1 info');
    expect(md).toContain('**requests:** 23 sent (2 deduplicated, 1 inference, budget 150)');
    expect(md).toContain('**duration:** 2.4 s');
    expect(md).toContain('**Server:** FastAPI wrapper (confidence 90%)');
    expect(md).toContain('| # | Severity | Rule | Endpoint | Confidence |');
    expect(md).toContain('| 1 | high | `auth.missing` Missing authentication on inference endpoint | `POST http://127.0.0.1:8000/generate` | confirmed |');
    expect(md).toContain('### 1. Missing authentication on inference endpoint');
    expect(md).toContain('```http\nPOST http://127.0.0.1:8000/generate HTTP/1.1\ncontent-type: application/json\n\n{"text":"Say hello."}\n```');
    expect(md).toContain('HTTP/1.1 200 OK\nserver: uvicorn');
    expect(md).toContain('**Remediation:** Require an API key');
    expect(md).toContain('**Mappings:** CWE-306 · OWASP API2:2023 · PCI DSS 8.2');
    expect(md).toContain('## Rules');
    expect(md).toContain('| `auth.jwt` | skipped | 0 | needs a JWT (none supplied) |');
    expect(md).not.toContain('## Errors');
  });
  test('many rules: findings most severe first, baseline, supporting exchanges, errors', () => {
    const r = loadFixture('many-rules');
    const md = toMarkdown(r);
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(r.findings.length);
    expect(rows.map((l) => l.split(' | ')[1])).toEqual(['critical', 'critical', 'high', 'high', 'medium', 'low', 'low', 'low', 'info']);
    expect(md).toContain('Baseline (the same request without the trick):');
    expect(md).toContain('HTTP/1.1 401 Unauthorized');
    expect(md).toContain('Supporting exchange 1:');
    expect(md).toContain('advisory CVE-2026-48746');
    expect(md).toContain('| `exposure.verbose-errors` | **error** | 0 | probe failed: socket hang up |');
    expect(md).toContain('## Errors\n\n- **checks:** exposure.verbose-errors: socket hang up');
    expect(md).toContain('8 fail · 12 pass · 1 inconclusive · 3 skipped · 1 error');
  });
  test('clean', () => {
    const md = toMarkdown(loadFixture('clean'));
    expect(md).toContain('**Grade A** · score 100/100');
    expect(md).toContain('## Findings\n\nNo findings.');
  });
  test('a partial scan says so', () => {
    expect(toMarkdown({ ...loadFixture('clean'), partial: true })).toContain('**partial scan**');
  });
  test('batch: a summary table, then each report one level down', () => {
    const md = toMarkdown(FIXTURES.map(loadFixture));
    expect(md.startsWith('# Gatecrash batch scan of 3 targets\n')).toBe(true);
    expect(md).toContain('| Target | Grade | Score | Critical | High | Medium | Low | Info | Errors |');
    expect(md).toContain('| `https://llm.example.com/v1/chat/completions` | incomplete | – | 2 | 2 | 1 | 3 | 1 | 1 |');
    expect(md).toContain('\n## Gatecrash scan of `http://127.0.0.1:8000/generate`\n');
    expect(md).toContain('\n### Findings\n');
    expect(md).toContain('\n#### 1. Missing authentication');
  });
  test('headingLevel', () => {
    expect(toMarkdown(loadFixture('clean'), { headingLevel: 3 }).startsWith('### Gatecrash scan')).toBe(true);
  });
});

describe('untrusted text cannot break out', () => {
  test('pipes and backticks in table cells cannot split a row, in prose or in code spans', () => {
    const md = toMarkdown(loadFixture('many-rules'));
    // A model id with a pipe and backticks: a code span one backtick longer than its runs, its pipe escaped for the table.
    expect(md).toContain('``⟦mistral|7b`lora`⟧``');
    const r = loadFixture('many-rules');
    r.findings[0]!.title = 'a | b `c`';
    r.findings[0]!.endpoint.url = 'https://llm.example.com/x|y';
    const row = toMarkdown(r)
      .split('\n')
      .find((l) => l.startsWith('| 1 |'))!;
    expect(row).toContain('a \\| b \\`c\\`');
    expect(row).toContain('`POST https://llm.example.com/x\\|y`');
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7); // 5 cells, 6 real pipes
    const cells = liveMarkup(toMarkdown(r));
    expect(cells.code).toContain('POST https://llm.example.com/x|y');
  });
  test('server text renders as text: no link, image, HTML tag, mention or reference on GitHub', () => {
    const r = loadFixture('many-rules');
    const hostile = '@octocat see #12 <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![i](http://evil.example/i.png) https://evil.example $x$ ~~y~~';
    r.findings[0]!.description = `The model answered (${quote(hostile)}) without credentials.`;
    r.findings[0]!.evidence.notes = [quote(hostile), `prompt text: ${quote('<script>alert(1)</script>')}`];
    r.fingerprint.models = ['<script>alert(1)</script>', '[m](http://evil.example) @admin'];
    r.fingerprint.version = '![v](http://evil.example/v.png)';
    r.errors.push({ phase: 'checks', message: `the server said ${quote('<b>@octocat</b> #7')}` });
    const md = toMarkdown(r);
    const live = liveMarkup(md);
    expect(live.links).toEqual([]);
    expect(live.images).toEqual([]);
    expect(live.html).toEqual([]);
    expect(live.mentions).toEqual([]);
    expect(live.references).toEqual([]);
    // The hostile text is there, bounded, as code, inside its quote.
    expect(live.code).toContain(quote(hostile));
    expect(quote(hostile).length).toBeLessThanOrEqual(102);
    expect(live.code).toContain('⟦<script>alert(1)</script>⟧');
    expect(live.code).toContain('⟦![v](http://evil.example/v.png)⟧');
    expect(live.text).not.toContain('evil.example');
    expect(md).toContain('````http'); // the template-leak body holds ``` so its fence is longer
  });
  test("Gatecrash's own prose is escaped: raw server text there would still not become markup", () => {
    const live = liveMarkup(escapeMarkdownBlock('<img src=x> [x](javascript:alert(1)) ![i](http://e.example/i.png) <b>bold</b> *a* _b_'));
    expect(live.links).toEqual([]);
    expect(live.images).toEqual([]);
    expect(live.html).toEqual([]);
  });
  test('control characters are made visible', () => {
    const md = toMarkdown(loadFixture('many-rules'));
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(md).toContain('x-banner: \\x1b[2J\\x1b]0;owned\\x07');
  });
  test('escapeMarkdown and fenced', () => {
    expect(escapeMarkdown('a|b`c\nd')).toBe('a\\|b\\`c d');
    expect(fenced('x ```` y')).toBe('`````\nx ```` y\n`````');
    expect(fenced('plain', 'http')).toBe('```http\nplain\n```');
  });
  test('pure: the same report gives the same text', () => {
    const r: ScanReport = loadFixture('many-rules');
    expect(toMarkdown(r)).toBe(toMarkdown(structuredClone(r)));
  });
});
