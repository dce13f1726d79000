// Every format shows the fix for the identified stack when the report carries it (the CLI attaches it): the terminal, the
// Markdown a person pastes in a pull request, SARIF (message and properties), JSON (findings[].fix, valid against the
// schema). Below the confidence threshold each says that no framework was chosen, with the candidates.
import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/engine/types.js';
import { type FixCommand, stackFixFor } from '../../src/knowledge/index.js';
import { parseScanReport, toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toPretty } from '../../src/report/pretty.js';
import { toSarif } from '../../src/report/sarif.js';
import { loadFixture } from './helpers.js';
import { liveMarkup } from './markdown-live.js';

const command: FixCommand = (f, framework) => (framework ? `gatecrash fix ${f.id} --report r.json` : `gatecrash fix ${f.id} --report r.json --framework NAME`);

function withFixes(report: ScanReport): ScanReport {
  return { ...report, findings: report.findings.map((f) => ({ ...f, fix: stackFixFor(f, report.fingerprint, command) })) };
}

const sure = withFixes(loadFixture('auth-missing'));
const unsureBase = loadFixture('auth-missing');
const unsure = withFixes({
  ...unsureBase,
  fingerprint: { ...unsureBase.fingerprint, product: 'textgen-webui', confidence: 0.45, candidates: [{ product: 'fastapi', confidence: 0.41 }] },
});
const missing = (r: ScanReport) => r.findings.find((f) => f.rule === 'auth.missing')!;

describe('the fix for the identified stack, in every format', () => {
  it('terminal: the framework, what the fix does, and the command that prints it', () => {
    const text = toPretty(sure, { color: false });
    expect(text).toContain('fix (FastAPI) The key check runs before every route');
    expect(text).toContain(`→ gatecrash fix ${missing(sure).id} --report r.json`);
    expect(text).not.toContain(missing(loadFixture('auth-missing')).remediation);
  });

  it('Markdown: the framework, the summary, the numbered steps and the command', () => {
    const md = toMarkdown(sure);
    expect(md).toContain('**Remediation for FastAPI:** The key check runs before every route');
    expect(md).toMatch(/\n1\. Save the code as app\.py/);
    expect(md).toContain(`\`gatecrash fix ${missing(sure).id} --report r.json\``);
  });

  it('SARIF: the message ends with the fix, and the result carries it as a property', () => {
    const res = toSarif(sure).runs[0]!.results.find((r) => r.ruleId === 'auth.missing')!;
    expect(res.message.text).toMatch(/Fix for FastAPI: The key check runs before every route.*Code and steps: gatecrash fix GC-/);
    expect(res.properties?.fix).toEqual(missing(sure).fix);
  });

  it('JSON: findings[].fix, and the report still parses as a ScanReport', () => {
    const json = toJson(sure);
    expect(parseScanReport(json).findings.find((f) => f.rule === 'auth.missing')!.fix?.framework).toBe('fastapi');
  });

  it("keeps the faces' escaping: a route a server named, or the URL, in the fix makes no link in Markdown or SARIF", () => {
    // Knowledge-base text around the values a finding carries: a route path in the strict syntax the engine accepts from a
    // server (which still allows a URL and Markdown punctuation), and an IPv6 endpoint, whose brackets SARIF reads as a link.
    const path = '/x/https://evil.example/phish/(*y*)_z_';
    const report = {
      ...sure,
      findings: sure.findings.map((f) => ({
        ...f,
        fix: {
          ...f.fix!,
          summary: `Keep ${path} behind the check.`,
          apply: [`Put your routes next to ${path}.`],
          command: `gatecrash fix auth.missing --url 'http://[::1]:8000${path}' --framework fastapi`,
        },
      })),
    };
    const md = toMarkdown(report);
    const live = liveMarkup(md);
    expect(live.links.filter((href) => href.includes('evil'))).toEqual([]);
    expect(live.text).not.toContain('evil.example');
    expect(md).toContain(`\`gatecrash fix auth.missing --url 'http://[::1]:8000${path}' --framework fastapi\``);
    for (const r of toSarif(report).runs[0]!.results) {
      expect(r.message.text).toContain("Code and steps: gatecrash fix auth.missing --url 'http://\\[::1\\]:8000");
      expect(r.message.text).not.toMatch(/(^|[^\\])[[\]]/);
    }
  });

  it('below the threshold every format says no framework was chosen and names the candidates', () => {
    const faces = [toPretty(unsure, { color: false }), toMarkdown(unsure), JSON.stringify(toSarif(unsure)), toJson(unsure)];
    for (const text of faces) {
      expect(text).toMatch(/No stack-specific fix: the server looks like text-generation-webui with 45% confidence only/);
      expect(text).toContain('nginx (45%)');
      expect(text).not.toContain('Remediation for');
    }
    // The rule's general advice stays where no framework was chosen.
    expect(toPretty(unsure, { color: false })).toContain(`fix ${missing(unsure).remediation}`);
  });
});
