// Every rule has an explanation and every rule × applicable framework has a snippet; nothing silently missing.
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/engine/rules/index.js';
import { RULE_IDS } from '../../src/engine/types.js';
import {
  applicableFrameworks,
  explainRule,
  FRAMEWORKS,
  NotApplicableError,
  remediationFor,
  renderExplanationMarkdown,
  renderRemediationMarkdown,
  ruleHelp,
  UnknownRuleError,
} from '../../src/knowledge/index.js';
import { KNOWLEDGE } from '../../src/knowledge/rules/index.js';
import { allSnippets } from './helpers.js';

describe('explanations', () => {
  it('exist for every rule id, with every part filled in', () => {
    expect(Object.keys(KNOWLEDGE).sort()).toEqual([...RULE_IDS].sort());
    for (const rule of RULE_IDS) {
      const e = explainRule(rule);
      expect(e.rule).toBe(rule);
      expect(e.title).toBe(RULES[rule].title);
      expect(e.what.length, rule).toBeGreaterThan(60);
      expect(e.whyItMatters.length, rule).toBeGreaterThan(40);
      expect(e.howProved.length, rule).toBeGreaterThan(0);
      expect(e.falsePositives.length, rule).toBeGreaterThan(0);
      expect(e.remediation.length, rule).toBeGreaterThan(40);
      expect(e.manualChecks.length, `${rule} has a manual check`).toBeGreaterThan(0);
      for (const c of e.manualChecks) {
        expect(c.command, rule).toMatch(/^(curl|for |grep)/);
        expect(c.expect.length).toBeGreaterThan(0);
      }
      expect(e.applicableFrameworks).toContain(e.recommendedFramework);
    }
  });

  it("map to the catalog's CWE, OWASP and PCI entries, with names and links", () => {
    for (const rule of RULE_IDS) {
      const meta = RULES[rule];
      const refs = explainRule(rule).references;
      expect(refs.cwe.map((r) => r.id).slice(0, meta.cwe.length)).toEqual(meta.cwe);
      for (const r of refs.cwe) {
        expect(r.name, `${r.id} has a name`).not.toBe(r.id);
        expect(r.url).toMatch(/^https:\/\/cwe\.mitre\.org\/data\/definitions\/\d+\.html$/);
      }
      expect(refs.owaspApi.map((r) => r.id)).toEqual(meta.owasp);
      for (const r of refs.owaspApi) {
        expect(r.name).not.toBe(r.id);
        expect(r.url).toMatch(/^https:\/\/owasp\.org\/API-Security\/editions\/2023\/en\/0xa\d-[a-z-]+\/$/);
      }
      expect(refs.owaspLlm.map((r) => r.id)).toEqual(meta.owaspLlm);
      for (const r of refs.owaspLlm) {
        expect(r.name).not.toBe(r.id);
        expect(r.url).toMatch(/^https:\/\/genai\.owasp\.org\/llmrisk\//);
      }
      expect(refs.pci.map((r) => r.id)).toEqual(meta.pci.map((p) => `PCI DSS ${p}`));
      for (const r of refs.pci) expect(r.name).not.toMatch(/^Requirement \d/);
    }
  });

  it('render as Markdown and SARIF help', () => {
    for (const rule of RULE_IDS) {
      const md = renderExplanationMarkdown(explainRule(rule));
      expect(md).toContain(`\`${rule}\``);
      expect(md).toContain('### How Gatecrash proved it');
      const help = ruleHelp(rule);
      expect(help.markdown).toBe(md);
      expect(help.text).toContain(rule);
    }
  });

  it('refuse unknown rules with the list of valid ones', () => {
    expect(() => explainRule('auth.nope')).toThrow(UnknownRuleError);
    expect(() => explainRule('auth.nope')).toThrow(/Valid rules: auth\.missing/);
  });
});

describe('remediation coverage', () => {
  it('every rule has at least one framework, and every framework serves at least one rule', () => {
    const used = new Set<string>();
    for (const rule of RULE_IDS) {
      const fws = applicableFrameworks(rule);
      expect(fws.length, rule).toBeGreaterThan(0);
      for (const f of fws) used.add(f);
    }
    expect([...used].sort()).toEqual([...FRAMEWORKS].sort());
  });

  it("the tutorial's three fixes exist for auth.missing (fastapi, vllm, wrapper), and so does every other framework", () => {
    expect(applicableFrameworks('auth.missing')).toEqual([...FRAMEWORKS]);
  });

  it('every rule × applicable framework renders a complete snippet under each context variant', () => {
    const all = allSnippets();
    expect(all.length).toBeGreaterThan(600);
    for (const { rule, framework, variant, snippet: s } of all) {
      const where = `${rule} × ${framework} (${variant})`;
      expect(s.rule, where).toBe(rule);
      expect(s.framework, where).toBe(framework);
      expect(s.code.length, where).toBeGreaterThan(200);
      expect(s.file, where).toMatch(/\S/);
      expect(s.apply.length, where).toBeGreaterThan(1);
      expect(s.verify.length, where).toBeGreaterThan(1);
      expect(s.summary.length, where).toBeGreaterThan(40);
      expect(s.code, where).not.toMatch(/\bNaN\b|\[object Object\]/);
      const rescan = s.verify.find((v) => v.startsWith('gatecrash scan '));
      expect(rescan, where).toMatch(/^gatecrash scan \S+ --fail-on high/);
      expect(
        s.verify.some((v) => v.startsWith('curl ') || v.startsWith('for ') || v.includes('| grep')),
        `${where} has a curl check`,
      ).toBe(true);
      expect(renderRemediationMarkdown(s)).toContain(s.code.trimEnd());
    }
  });

  it("the re-scan command targets the finding's URL, with the depth and credentials the rule needs", () => {
    const f = { rule: 'auth.missing', endpoint: { method: 'POST', url: 'http://10.0.0.5:8000/generate' } };
    const s = remediationFor('auth.missing', 'fastapi', { url: f.endpoint.url });
    expect(s.verify).toContain('gatecrash scan http://10.0.0.5:8000/generate --fail-on high  # expect: exit status 0 — no high or critical finding left');
    const deep = remediationFor('cost.no-rate-limit', 'nginx');
    expect(deep.verify.some((v) => /--fail-on high --depth deep/.test(v))).toBe(true);
    const keyed = remediationFor('auth.weak-key-handling', 'fastapi');
    expect(keyed.verify.some((v) => v.includes('--header "X-API-Key: $API_KEY"'))).toBe(true);
  });

  it('inapplicable and unknown frameworks are refused with the valid choices', () => {
    expect(() => remediationFor('auth.jwt', 'vllm')).toThrow(NotApplicableError);
    expect(() => remediationFor('auth.jwt', 'vllm')).toThrow(/Valid frameworks for this rule: fastapi, starlette, flask, express/);
    expect(() => remediationFor('auth.missing', 'django')).toThrow(/Unknown framework "django"/);
    expect(() => remediationFor('nope', 'fastapi')).toThrow(UnknownRuleError);
  });
});

describe('purity', () => {
  // The engine's pure data (types, rule catalog, advisories and the version order they use) is shared rather than copied:
  // a fix then never recommends a version the scan would still flag. Those modules must stay free of I/O themselves.
  it(
    "src/knowledge imports nothing but itself, the engine's pure data (types, rules, advisories, " +
      'versions, the untrusted-text rule, the server profiles), and zod',
    async () => {
      const { readdirSync, readFileSync, statSync } = await import('node:fs');
      const { join } = await import('node:path');
      const root = new URL('../../src/knowledge/', import.meta.url).pathname;
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const e of readdirSync(d)) {
          const p = join(d, e);
          if (statSync(p).isDirectory()) walk(p);
          else if (p.endsWith('.ts')) files.push(p);
        }
      };
      walk(root);
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const specs = [...readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]!);
        for (const s of specs) {
          const ok =
            s === 'zod/v4' ||
            (s.startsWith('.') &&
              !/\/(tools|report|server|cli)\b/.test(s) &&
              (!s.includes('/engine/') || /\/engine\/(types|rules\/index|profiles\/index|advisories|version|untrusted|untrusted-markdown)\.js$/.test(s)));
          expect(ok, `${f} imports ${s}`).toBe(true);
        }
      }
    },
  );

  it("the engine modules the knowledge shares import only each other's types", async () => {
    const { readFileSync } = await import('node:fs');
    const { readdirSync } = await import('node:fs');
    // The rule registry and every family's pure half (index.ts: catalog and explanation); never a family's check.ts.
    const families = readdirSync(new URL('../../src/engine/rules/', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory());
    const shared = ['advisories', 'version', 'rules/index', 'rules/define', 'untrusted', 'untrusted-markdown', ...families.map((d) => `rules/${d.name}/index`)];
    for (const name of shared) {
      const text = readFileSync(new URL(`../../src/engine/${name}.ts`, import.meta.url), 'utf8');
      const specs = [...text.matchAll(/^\s*import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)].map((m) => ({ typeOnly: Boolean(m[1]), spec: m[2]! }));
      const pure = /^(\.\/|\.\.\/)*(types|version|advisories|untrusted|untrusted-markdown|define|[a-z-]+\/index)\.js$/;
      for (const { typeOnly, spec } of specs) expect(typeOnly || pure.test(spec), `${name}.ts imports ${spec}`).toBe(true);
    }
  });

  it('the server profiles, which the knowledge reads, import only each other, the signal readers, JSON parsing and the untrusted-text rule', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/engine/profiles/', import.meta.url);
    const modules = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => new URL(f, dir)),
      new URL('../../src/engine/surface/signals-read.ts', import.meta.url),
      new URL('../../src/engine/surface/json.ts', import.meta.url),
    ];
    for (const url of modules) {
      const text = readFileSync(url, 'utf8');
      const specs = [...text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)].map((m) => ({ typeOnly: Boolean(m[1]), spec: m[2]! }));
      for (const { typeOnly, spec } of specs) {
        const ok = typeOnly || /^\.\/[\w-]+\.js$/.test(spec) || /^\.\.\/(surface\/(signals-read|json)|untrusted)\.js$/.test(spec);
        expect(ok, `${url.pathname} imports ${spec}`).toBe(true);
      }
    }
  });
});
