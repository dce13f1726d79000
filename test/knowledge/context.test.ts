// Contexts learned from findings, and the framework a finding's fingerprint points at.
import { describe, expect, it } from 'vitest';
import {
  contextFromFinding,
  credentialHeaderFromFinding,
  defaultContext,
  defaultFrameworkFor,
  type FindingLike,
  frameworkForFinding,
  remediationFor,
} from '../../src/knowledge/index.js';

describe('frameworkForFinding', () => {
  it('maps products to their own framework, unknown and FastAPI to fastapi, other servers to the proxy', () => {
    const f = (product: string | null): FindingLike => ({ rule: 'auth.missing', server: { product, version: null, modelFamily: null } });
    expect(frameworkForFinding(f('vllm'))).toBe('vllm');
    expect(frameworkForFinding(f('tgi'))).toBe('tgi');
    expect(frameworkForFinding(f('ollama'))).toBe('ollama');
    expect(frameworkForFinding(f('llamacpp'))).toBe('llamacpp');
    expect(frameworkForFinding(f('sglang'))).toBe('sglang');
    expect(frameworkForFinding(f('litellm'))).toBe('litellm');
    expect(frameworkForFinding(f('localai'))).toBe('localai');
    expect(frameworkForFinding(f('koboldcpp'))).toBe('koboldcpp');
    expect(frameworkForFinding(f('fastapi'))).toBe('fastapi');
    expect(frameworkForFinding(f('unknown'))).toBe('fastapi');
    expect(frameworkForFinding(f(null))).toBe('fastapi');
    expect(frameworkForFinding({ rule: 'auth.missing' })).toBe('fastapi');
    expect(frameworkForFinding(f('textgen-webui'))).toBe('nginx');
  });

  it('falls back to a framework that has a fix for the rule', () => {
    const on = (product: string): FindingLike => ({ rule: 'x', server: { product, version: null, modelFamily: null } });
    expect(defaultFrameworkFor('auth.missing', on('vllm'))).toBe('vllm');
    // vLLM has no own knob against brute force: the proxy in front is the fix.
    expect(defaultFrameworkFor('auth.brute-force', on('vllm'))).toBe('nginx');
    // Nothing in front of Ollama can cap num_predict but an app.
    expect(defaultFrameworkFor('cost.unbounded-generation', on('ollama'))).toBe('fastapi');
    expect(defaultFrameworkFor('vuln.known-advisory', null)).toBe('vllm');
    expect(defaultFrameworkFor('auth.jwt', on('fastapi'))).toBe('fastapi');
  });
});

describe('contextFromFinding', () => {
  it('takes URL, port, path and method from the endpoint, and puts the upstream next to it', () => {
    const ctx = contextFromFinding({ rule: 'auth.missing', endpoint: { method: 'POST', url: 'http://10.0.0.5:8000/generate?x=1' } });
    expect(ctx.url).toBe('http://10.0.0.5:8000/generate');
    expect(ctx.origin).toBe('http://10.0.0.5:8000');
    expect(ctx.host).toBe('10.0.0.5');
    expect(ctx.port).toBe(8000);
    expect(ctx.upstreamPort).toBe(8001);
    expect(ctx.path).toBe('/generate');
    expect(ctx.paths[0]).toBe('/generate');
    expect(ctx.method).toBe('POST');
  });

  it('defaults ports for schemes without one', () => {
    expect(contextFromFinding({ rule: 'auth.missing', endpoint: { url: 'https://api.example.com/v1/chat/completions' } }).port).toBe(443);
  });

  it('learns the credential header from the request, a FastAPI 422, WWW-Authenticate, or the fingerprint', () => {
    expect(credentialHeaderFromFinding({ rule: 'auth.header-bypass', evidence: { request: { headers: { 'x-api-key': '' } } } })).toEqual({
      name: 'X-API-Key',
      scheme: null,
    });
    expect(credentialHeaderFromFinding({ rule: 'auth.header-bypass', evidence: { request: { headers: { authorization: 'Bearer None' } } } })).toEqual({
      name: 'Authorization',
      scheme: 'Bearer',
    });
    expect(
      credentialHeaderFromFinding({
        rule: 'auth.missing',
        evidence: { baseline: { response: { status: 422, body: '{"detail":[{"loc":["header","x_service_token"],"msg":"field required"}]}' } } },
      }),
    ).toEqual({ name: 'X-Service-Token', scheme: null });
    expect(
      credentialHeaderFromFinding({
        rule: 'auth.missing',
        evidence: { baseline: { response: { status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' } } } },
      }),
    ).toEqual({ name: 'Authorization', scheme: 'Bearer' });
    const vllm = contextFromFinding({ rule: 'auth.missing', server: { product: 'vllm', version: null, modelFamily: null } });
    expect([vllm.headerName, vllm.scheme]).toEqual(['Authorization', 'Bearer']);
    const tutorial = contextFromFinding({ rule: 'auth.missing', endpoint: { url: 'http://127.0.0.1:8000/generate' } });
    expect([tutorial.headerName, tutorial.scheme]).toEqual(['X-API-Key', null]);
  });

  it("reuses the finding's request body, model and prompt field", () => {
    const ctx = contextFromFinding({
      rule: 'auth.missing',
      endpoint: { method: 'POST', url: 'http://127.0.0.1:9000/ask' },
      evidence: {
        request: { body: '{"question":"Hello"}' },
        response: { status: 200, body: '{"answer":"Hi there"}' },
      },
    });
    expect(ctx.promptField).toBe('question');
    expect(ctx.outputField).toBe('answer');
    expect(ctx.body).toBe('{"question":"Hello"}');
    const app = remediationFor('auth.missing', 'fastapi', ctx);
    expect(app.code).toContain('@app.post("/ask")');
    expect(app.code).toContain('    question: str');
    expect(app.code).toContain('return {"answer": generate_text(prompt)}');
  });

  it('keeps serving the guarded route and closes the alternate one for auth.alternate-path', () => {
    const ctx = contextFromFinding(
      {
        rule: 'auth.alternate-path',
        endpoint: { method: 'POST', url: 'http://10.0.0.5:8000/invocations' },
        evidence: { baseline: { request: { url: 'http://10.0.0.5:8000/v1/chat/completions' } } },
        server: { product: 'vllm', version: '0.9.2', modelFamily: 'mistral' },
      },
      { framework: 'nginx' },
    );
    expect(ctx.path).toBe('/invocations');
    expect(ctx.paths[0]).toBe('/v1/chat/completions');
    expect(ctx.paths).not.toContain('/invocations');
    const nginx = remediationFor('auth.alternate-path', 'nginx', ctx);
    expect(nginx.code).toContain('location = /invocations {\n        return 404');
    expect(nginx.code).toContain('proxy_pass http://127.0.0.1:8001/v1/chat/completions;');
    expect(nginx.apply.join('\n')).toContain('vllm serve MODEL --host 127.0.0.1 --port 8001');
  });

  it('learns the advisory and its fixed version', () => {
    const ctx = contextFromFinding({
      rule: 'vuln.known-advisory',
      advisory: 'CVE-2026-48746',
      endpoint: { url: 'http://10.0.0.5:8000/version' },
      server: { product: 'vllm', version: '0.9.2', modelFamily: null },
    });
    expect(ctx.advisory).toBe('CVE-2026-48746');
    expect(ctx.fixedVersion).toBe('0.22.0');
    const s = remediationFor('vuln.known-advisory', 'vllm', ctx);
    expect(s.code).toContain('require_version vllm');
    expect(s.code).toMatch(/ 0\.22\.0\n/);
    expect(s.apply.join('\n')).toContain("pip install --upgrade 'vllm>=0.22.0'");
  });

  it("a server framework's fix is for that server even when the fingerprint said otherwise", () => {
    const ctx = contextFromFinding({ rule: 'auth.missing', server: { product: 'fastapi', version: null, modelFamily: null } }, { framework: 'tgi' });
    expect(ctx.product).toBe('tgi');
  });

  it('defaults per framework', () => {
    expect(defaultContext('wrapper').envVar).toBe('MISTRAL_API_KEY');
    expect([defaultContext('wrapper').headerName, defaultContext('wrapper').scheme]).toEqual(['Authorization', 'Bearer']);
    expect(defaultContext('fastapi').envVar).toBe('API_KEY');
    expect(defaultContext('ollama').port).toBe(11434);
    expect(defaultContext('ollama').upstreamPort).toBe(11435);
  });
});
