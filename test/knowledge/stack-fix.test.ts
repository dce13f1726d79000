// Which stack a fix is written for: the fingerprint chooses only at or above FIX_MIN_CONFIDENCE; below it (the fixed
// FastAPI app a re-scan took for text-generation-webui at 45 %) the answer is the candidates, in the CLI's fix lines, in
// `suggest_remediation`, and in every report format.
import { describe, expect, it } from 'vitest';
import { buildFinding } from '../../src/engine/findings.js';
import type { Exchange, Fingerprint, Surface } from '../../src/engine/types.js';
import { chooseFramework, FIX_MIN_CONFIDENCE, type FixCommand, stackFixFor } from '../../src/knowledge/index.js';
import type { ToolContext } from '../../src/tools/define.js';
import explainFinding from '../../src/tools/explain-finding.js';
import suggestRemediation from '../../src/tools/suggest-remediation.js';

const ctx = {
  signal: new AbortController().signal,
  settings: { allowPrivate: false, allow: [], budget: 150, timeoutMs: 60_000 },
  progress: () => {},
} as ToolContext;
const command: FixCommand = (f, framework) => `gatecrash fix ${f.rule} --url ${f.endpoint.url} --framework ${framework ?? 'NAME'}`;

function fingerprint(product: Fingerprint['product'], confidence: number, candidates: Fingerprint['candidates'] = []): Fingerprint {
  return { product, productName: null, version: null, confidence, signals: [], models: [], modelFamily: null, candidates, servedThrough: null };
}

function findingOn(fp: Fingerprint, rule: 'auth.missing' | 'auth.admin-exposed' = 'auth.missing', url = 'http://127.0.0.1:8000/generate') {
  const ex: Exchange = {
    id: 1,
    probe: { method: 'POST', path: new URL(url).pathname, purpose: 'test' },
    request: { method: 'POST', url, headers: {}, body: '{"text":"Hello"}' },
    response: { status: 200, headers: { server: 'uvicorn' }, body: '{"generated":"Hi"}', truncated: false, latencyMs: 3 },
  };
  const surface = { fingerprint: fp } as Surface;
  return buildFinding({ rule, confidence: 'confirmed', description: 'open', exchange: ex }, surface, 2048);
}

describe('choosing the framework', () => {
  it('a sure fingerprint chooses: FastAPI for a FastAPI app, the server script for Ollama, a proxy for what has no knobs', () => {
    expect(chooseFramework('auth.missing', fingerprint('fastapi', 0.75)).framework).toBe('fastapi');
    expect(chooseFramework('auth.missing', fingerprint('ollama', 0.95)).framework).toBe('ollama');
    expect(chooseFramework('auth.missing', fingerprint('textgen-webui', 0.9)).framework).toBe('nginx');
    expect(chooseFramework('auth.missing', fingerprint('fastapi', FIX_MIN_CONFIDENCE)).framework).toBe('fastapi');
  });

  it('below 60 % it chooses nothing: the reason states the confidence, the candidates come best first', () => {
    const choice = chooseFramework('auth.missing', fingerprint('textgen-webui', 0.45, [{ product: 'fastapi', confidence: 0.41 }]));
    expect(choice.framework).toBeNull();
    expect(choice.reason).toBe('the server looks like text-generation-webui with 45% confidence only, below the 60% Gatecrash needs to choose a fix for it');
    expect(choice.candidates.slice(0, 2)).toEqual([
      { framework: 'nginx', confidence: 0.45 },
      { framework: 'fastapi', confidence: 0.41 },
    ]);
    expect(choice.candidates.map((c) => c.framework)).toEqual(expect.arrayContaining(['flask', 'express', 'caddy']));
  });

  it('an unidentified server gets no framework either, and the generic candidates', () => {
    const choice = chooseFramework('auth.missing', fingerprint('unknown', 0));
    expect(choice.framework).toBeNull();
    expect(choice.reason).toMatch(/not identified/);
    expect(choice.candidates[0]).toEqual({ framework: 'fastapi', confidence: null });
  });
});

describe('the fix a report shows for a finding', () => {
  it('names the stack, says what the fix does, lists the steps and the command that prints the code', () => {
    const fp = fingerprint('fastapi', 0.75);
    const fix = stackFixFor(findingOn(fp), fp, command);
    expect(fix).toMatchObject({
      framework: 'fastapi',
      name: 'FastAPI',
      command: 'gatecrash fix auth.missing --url http://127.0.0.1:8000/generate --framework fastapi',
    });
    expect(fix.summary).toMatch(/before every route/);
    expect(fix.summary).toMatch(/locked out/);
    expect(fix.apply.join('\n')).toMatch(/Save the code as app\.py/);
  });

  it('Ollama gets its own script and the proxy in front, never "require an API key" it does not have', () => {
    const fp = fingerprint('ollama', 0.95);
    const fix = stackFixFor(findingOn(fp, 'auth.missing', 'http://127.0.0.1:11434/api/generate'), fp, command);
    expect(fix.framework).toBe('ollama');
    expect(fix.summary).toMatch(/Ollama cannot close this alone/);
    expect(fix.apply.join('\n')).toMatch(/proxy in front/);
  });

  it('below the threshold: no framework, the candidates, and how to name one', () => {
    const fp = fingerprint('textgen-webui', 0.45, [{ product: 'fastapi', confidence: 0.41 }]);
    const fix = stackFixFor(findingOn(fp), fp, command);
    expect(fix.framework).toBeNull();
    expect(fix.apply).toEqual([]);
    expect(fix.summary).toMatch(/^No stack-specific fix: the server looks like text-generation-webui with 45% confidence only/);
    expect(fix.summary).toContain('candidates: nginx (45%), fastapi (41%)');
    expect(fix.command).toContain('--framework NAME');
  });
});

describe('suggest_remediation given a finding', () => {
  it('asks for the framework when the finding says its fingerprint was unsure, naming the candidates', async () => {
    const r = await suggestRemediation.handler({ finding: { rule: 'auth.missing', server: { product: 'textgen-webui', confidence: 0.45 } } }, ctx);
    expect(r.isError).toBe(true);
    const text = r.content.map((c) => ('text' in c ? c.text : '')).join('');
    expect(text).toMatch(/No framework was chosen for this finding: the server looks like text-generation-webui with 45% confidence only/);
    expect(text).toMatch(/framework set to the one the server runs, e\.g\. one of: nginx \(45%\)/);
  });

  it('chooses from a sure finding, and takes the framework it is given whatever the confidence', async () => {
    const sure = await suggestRemediation.handler({ finding: { rule: 'auth.missing', server: { product: 'fastapi', confidence: 0.75 } } }, ctx);
    expect(sure.isError).toBeFalsy();
    expect((sure.structuredContent as { framework: string }).framework).toBe('fastapi');
    const named = await suggestRemediation.handler(
      { finding: { rule: 'auth.missing', server: { product: 'textgen-webui', confidence: 0.45 } }, framework: 'fastapi' },
      ctx,
    );
    expect((named.structuredContent as { framework: string }).framework).toBe('fastapi');
  });
});

describe('explain_finding given a finding', () => {
  it('recommends no framework when the fingerprint was unsure, and says to name one', async () => {
    const r = await explainFinding.handler({ finding: { rule: 'auth.missing', server: { product: 'textgen-webui', confidence: 0.45 } } }, ctx);
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { recommendedFramework: string | null }).recommendedFramework).toBeNull();
    expect(r.content.map((c) => ('text' in c ? c.text : '')).join('')).toMatch(/could not tell the stack surely enough/);
  });
});
