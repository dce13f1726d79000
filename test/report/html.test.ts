// The HTML face without a browser: what the file is made of. One page, the view's script and style inline and allowed by
// hash in its CSP, nothing to fetch, the report in a data block no string can break out of, and the fixes within budget.
// test/view/ opens the same files in Chromium.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Finding, ScanReport } from '../../src/engine/types.js';
import { fixForFinding, fixFrameworksFor, knowledgeFixes } from '../../src/knowledge/index.js';
import { DEFAULT_FIX_BUDGET, scriptSafeJson, toHtml, viewHtml } from '../../src/report/html.js';
import { VIEW_DATA_ELEMENT_ID, type ViewPayload, type ViewVerifyResult } from '../../src/report/view-payload.js';
import type { VerifyResult } from '../../src/verify.js';
import { loadFixture } from './helpers.js';

// verify_fix's result is what the view reads: a compile-time check that the tool's shape has every field the view uses.
const _verifyResultFitsTheView: (v: VerifyResult) => ViewVerifyResult = (v) => v;
void _verifyResultFitsTheView;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function parts(html: string) {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, text: m[2]! }));
  return { csp, style, scripts };
}

function payloadOf(html: string): ViewPayload {
  const data = parts(html).scripts.find((s) => s.attrs.includes(`id="${VIEW_DATA_ELEMENT_ID}"`));
  if (!data) throw new Error('no data block');
  return JSON.parse(data.text) as ViewPayload;
}

describe('the HTML report', () => {
  const report = loadFixture('many-rules');

  test('is one page whose CSP allows exactly its own script and style, and nothing from the network', () => {
    const html = toHtml(report);
    const { csp, style, scripts } = parts(html);
    const view = scripts.find((s) => s.attrs === '')!;
    expect(csp).toContain(`script-src ${sha256(view.text)}`);
    expect(csp).toContain(`style-src ${sha256(style)}`);
    for (const directive of [
      "default-src 'none'",
      "connect-src 'none'",
      "img-src 'none'",
      "font-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "require-trusted-types-for 'script'",
    ]) {
      expect(csp).toContain(directive);
    }
    // Nothing to load: no element with a source or a link, no stylesheet import or URL.
    expect(html).not.toMatch(/\s(src|href|srcset|action|formaction)=/i);
    expect(style).not.toMatch(/@import|url\(/i);
    expect(scripts.map((s) => s.attrs.trim())).toEqual([`type="application/json" id="${VIEW_DATA_ELEMENT_ID}"`, '']);
  });

  test('carries the report unchanged, in a data block no string can close', () => {
    const hostile = structuredClone(report);
    hostile.findings[0]!.evidence.response!.body = '</script><script>alert(1)</script><!-- \u2028 & <img src=x onerror=alert(1)>';
    const html = toHtml(hostile);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<img src=x');
    expect(payloadOf(html).reports[0]).toEqual(hostile);
    expect(scriptSafeJson({ s: '<>&\u2028\u2029' })).toBe('{"s":"\\u003c\\u003e\\u0026\\u2028\\u2029"}');
  });

  test('is the same bytes for the same report (no clock, no randomness)', () => {
    expect(toHtml(report, { fixes: knowledgeFixes })).toBe(toHtml(structuredClone(report), { fixes: knowledgeFixes }));
  });

  test("holds each finding's own stack's fix always, and the other frameworks' within the budget", () => {
    const full = payloadOf(toHtml(report, { fixes: knowledgeFixes }));
    const lean = payloadOf(toHtml(report, { fixes: knowledgeFixes, fixBudgetBytes: 1 }));
    for (const f of report.findings) {
      const offered = fixFrameworksFor(f).map((o) => o.framework);
      for (const p of [full, lean]) {
        const own = p.findingFixes[f.id]!;
        expect(own.recommended).toBe(offered[0]);
        expect(own.options.map((o) => o.framework)).toEqual(offered);
        expect(p.fixes[own.options[0]!.fix!]).toEqual(fixForFinding(f as Finding, offered[0]!));
      }
      expect(lean.findingFixes[f.id]!.options.slice(1).every((o) => o.fix === null)).toBe(true);
    }
    const bytes = (p: ViewPayload) => JSON.stringify(p.fixes).length;
    expect(bytes(full)).toBeLessThan(DEFAULT_FIX_BUDGET + 16 * 1024);
    expect(bytes(lean)).toBeLessThan(bytes(full));
    expect(full.findingFixes[report.findings[0]!.id]!.options.filter((o) => o.fix !== null).length).toBeGreaterThan(1);
  });

  test('a batch carries every report and every target that could not be scanned', () => {
    const reports: ScanReport[] = [loadFixture('auth-missing'), loadFixture('clean')];
    const p = payloadOf(toHtml({ reports, errors: [{ url: 'http://10.0.0.9:8000', message: 'refused' }] }));
    expect(p.reports.map((r) => r.scanId)).toEqual(reports.map((r) => r.scanId));
    expect(p.errors).toEqual([{ url: 'http://10.0.0.9:8000', message: 'refused' }]);
  });

  test('the MCP App resource is the same page without data', () => {
    const app = viewHtml();
    expect(parts(app).scripts).toHaveLength(1);
    expect(app).not.toContain(`${VIEW_DATA_ELEMENT_ID}"`);
    expect(
      toHtml(report)
        .replace(/<script type="application\/json"[\s\S]*?<\/script>/, '')
        .trimEnd(),
    ).toBe(app);
  });
});
