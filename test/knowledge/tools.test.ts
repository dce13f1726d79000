// explain_finding and suggest_remediation, called through their handlers with the structured results checked against
// the knowledge base's full schemas and the tools' advertised output schemas.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';
import { ExplanationSchema, FrameworkSchema, RemediationSchema } from '../../src/knowledge/schemas.js';
import type { ToolContext } from '../../src/tools/define.js';
import explainFinding from '../../src/tools/explain-finding.js';
import suggestRemediation from '../../src/tools/suggest-remediation.js';

const ctx: ToolContext = {
  signal: new AbortController().signal,
  settings: { allowPrivate: false, allow: [], budget: 150, timeoutMs: 60_000 },
  progress: () => {},
} as ToolContext;

/** What the handlers return in full (the advertised output schemas name a subset of it). */
const Explanation = ExplanationSchema.extend({ markdown: z.string() });
const Remediation = RemediationSchema.extend({ applicableFrameworks: z.array(FrameworkSchema), markdown: z.string() });

const tutorialFinding = {
  id: 'GC-0123456789abcdef',
  rule: 'auth.missing',
  check: 'Authentication',
  title: 'Missing authentication on inference endpoint',
  severity: 'high',
  confidence: 'confirmed',
  description: 'Missing authentication on Mistral inference endpoint (FastAPI app)',
  endpoint: { method: 'POST', url: 'http://10.0.0.7:8000/generate' },
  evidence: {
    request: { method: 'POST', url: 'http://10.0.0.7:8000/generate', headers: { 'content-type': 'application/json' }, body: '{"text":"Hello"}' },
    response: { status: 200, headers: { server: 'uvicorn' }, body: '{"generated":"Hello! How can I assist you today?"}', latencyMs: 412 },
  },
  remediation: 'Protect the endpoint…',
  cwe: ['CWE-306'],
  owasp: ['API2:2023'],
  owaspLlm: [],
  pci: ['8.2'],
  server: { product: 'fastapi', version: null, modelFamily: 'mistral' },
} as const;

const vllmFinding = {
  rule: 'auth.alternate-path',
  severity: 'high',
  confidence: 'confirmed',
  endpoint: { method: 'POST', url: 'http://10.0.0.8:8000/invocations' },
  evidence: {
    request: { method: 'POST', url: 'http://10.0.0.8:8000/invocations', headers: {} },
    baseline: {
      request: { method: 'POST', url: 'http://10.0.0.8:8000/v1/chat/completions', headers: {} },
      response: { status: 401, headers: {}, body: '{"error":"Unauthorized"}' },
    },
  },
  server: { product: 'vllm', version: '0.9.2', modelFamily: 'mistral' },
} as const;

function text(r: { content: { type: string; text?: string }[] }): string {
  return r.content.map((c) => c.text ?? '').join('\n');
}

describe('explain_finding', () => {
  it('declares itself read-only and closed-world', () => {
    expect(explainFinding.name).toBe('explain_finding');
    expect(explainFinding.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
  });

  it('explains a rule', async () => {
    const r = await explainFinding.handler({ rule: 'auth.insecure-default-key' }, ctx);
    expect(r.isError).toBeFalsy();
    const out = Explanation.parse(r.structuredContent);
    expect(out.rule).toBe('auth.insecure-default-key');
    expect(out.references.cwe.map((c) => c.id)).toEqual(['CWE-1188', 'CWE-287']);
    expect(out.what).toMatch(/os\.getenv/);
    expect(out.markdown).toContain('### How Gatecrash proved it');
    expect(text(r)).toContain('auth.insecure-default-key');
  });

  it('explains a finding with its own URL, severity and confidence in the manual checks', async () => {
    const r = await explainFinding.handler({ finding: tutorialFinding }, ctx);
    const out = Explanation.parse(r.structuredContent);
    expect(out.confidence).toBe('confirmed');
    expect(out.finding?.endpoint).toEqual({ method: 'POST', url: 'http://10.0.0.7:8000/generate' });
    expect(out.manualChecks[0]!.command).toBe(
      `curl -sS -o /dev/null -w '%{http_code}\\n' -X POST 'http://10.0.0.7:8000/generate' -H 'Content-Type: application/json' -d '{"text":"Hello"}'`,
    );
    expect(out.manualChecks[1]!.command).toContain('-H "X-API-Key: $API_KEY"');
    expect(out.recommendedFramework).toBe('fastapi');
  });

  it('refuses bad calls with a sentence naming the valid choices', async () => {
    const none = await explainFinding.handler({}, ctx);
    expect(none.isError).toBe(true);
    expect(text(none)).toMatch(/Pass findingId \(from scan_endpoint\), a finding object, or a rule id/);
    const unknown = await explainFinding.handler({ rule: 'auth.nope' }, ctx);
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/Unknown rule "auth\.nope"\. Valid rules: auth\.missing, .*cost\.no-rate-limit\./);
    const clash = await explainFinding.handler({ rule: 'auth.jwt', finding: tutorialFinding }, ctx);
    expect(clash.isError).toBe(true);
    const notAFinding = await explainFinding.handler({ finding: { severity: 'loud' } }, ctx);
    expect(text(notAFinding)).toMatch(/^The finding object is not a Gatecrash finding \(rule: /);
    const both = await explainFinding.handler({ findingId: 'GC-0123456789abcdef', finding: tutorialFinding }, ctx);
    expect(text(both)).toBe('Pass findingId or finding, not both.');
    const unknownId = await explainFinding.handler({ findingId: 'GC-ffffffffffffffff' }, ctx);
    expect(text(unknownId)).toMatch(/^No finding GC-ffffffffffffffff in this session's scans or the local scan store\./);
  });
});

describe('suggest_remediation', () => {
  it('declares itself read-only and closed-world', () => {
    expect(suggestRemediation.name).toBe('suggest_remediation');
    expect(suggestRemediation.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
  });

  it("fixes the tutorial's finding in FastAPI by default, at its own path and port", async () => {
    const r = await suggestRemediation.handler({ finding: tutorialFinding }, ctx);
    expect(r.isError).toBeFalsy();
    const out = Remediation.parse(r.structuredContent);
    expect(out.framework).toBe('fastapi');
    expect(out.language).toBe('python');
    expect(out.file).toBe('app.py');
    expect(out.code).toContain('@app.post("/generate")');
    expect(out.code).toContain('raise SystemExit(');
    expect(out.code).toContain('hmac.compare_digest(');
    expect(out.verify).toContain('gatecrash scan http://10.0.0.7:8000/generate --fail-on high  # expect: exit status 0 — no high or critical finding left');
    expect(out.applicableFrameworks).toContain('wrapper');
    expect(out.markdown).toContain('```python');
    expect(text(r)).toBe(out.markdown);
  });

  it('follows the fingerprint: a vLLM finding gets vLLM flags plus the proxy, said plainly', async () => {
    const r = await suggestRemediation.handler({ finding: vllmFinding }, ctx);
    const out = Remediation.parse(r.structuredContent);
    expect(out.framework).toBe('vllm');
    expect(out.code).toContain('--host 127.0.0.1');
    expect(out.code).toContain('--port 8001');
    expect(out.summary).toMatch(/vLLM cannot close this alone/);
    const proxy = Remediation.parse((await suggestRemediation.handler({ finding: vllmFinding, framework: 'nginx' }, ctx)).structuredContent);
    expect(proxy.code).toContain('location = /invocations {');
    expect(proxy.code).toContain('listen 8000;');
  });

  it('accepts an explicit framework and a bare rule with a URL', async () => {
    const r = await suggestRemediation.handler({ rule: 'auth.missing', framework: 'wrapper', url: 'http://192.168.1.20:8000/chat' }, ctx);
    const out = Remediation.parse(r.structuredContent);
    expect(out.framework).toBe('wrapper');
    expect(out.code).toContain('@require_api_key');
    expect(out.code).toContain('@app.post("/chat")');
    expect(out.code).toContain('require_secret("MISTRAL_API_KEY")');
  });

  it('refuses unknown rules, unknown frameworks and inapplicable frameworks with the valid choices', async () => {
    const unknownRule = await suggestRemediation.handler({ rule: 'nope' }, ctx);
    expect(unknownRule.isError).toBe(true);
    expect(text(unknownRule)).toMatch(/Valid rules: auth\.missing/);
    const unknownFw = await suggestRemediation.handler({ rule: 'auth.missing', framework: 'django' }, ctx);
    expect(unknownFw.isError).toBe(true);
    expect(text(unknownFw)).toMatch(/Unknown framework "django"\. Valid frameworks for auth\.missing: fastapi, starlette, flask, express, vllm/);
    const inapplicable = await suggestRemediation.handler({ rule: 'auth.jwt', framework: 'ollama' }, ctx);
    expect(inapplicable.isError).toBe(true);
    expect(text(inapplicable)).toBe('There is no Ollama fix for auth.jwt. Valid frameworks for this rule: fastapi, starlette, flask, express.');
    const badUrl = await suggestRemediation.handler({ rule: 'auth.missing', url: 'ftp://x' }, ctx);
    expect(badUrl.isError).toBe(true);
    const nothing = await suggestRemediation.handler({}, ctx);
    expect(nothing.isError).toBe(true);
  });

  it('covers every rule through the tool, with its default framework', async () => {
    const { RULE_IDS } = await import('../../src/engine/types.js');
    for (const rule of RULE_IDS) {
      const r = await suggestRemediation.handler({ rule }, ctx);
      expect(r.isError, rule).toBeFalsy();
      suggestRemediation.output.parse(Remediation.parse(r.structuredContent));
      const e = await explainFinding.handler({ rule }, ctx);
      explainFinding.output.parse(Explanation.parse(e.structuredContent));
    }
  });
});
