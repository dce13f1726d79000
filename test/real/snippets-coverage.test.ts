// The coverage table: every rule × framework the knowledge base has a fix for, and what executed it. The cells
// are filled by the other snippets-*.test.ts files; this one keeps their claims in one place, checks that no applicable
// cell is left without an executor, and prints the matrix (the per-cell outcomes are printed by each file).
import { describe, expect, it } from 'vitest';
import { RULE_IDS, type RuleId } from '../../src/engine/types.js';
import { applicableFrameworks, FRAMEWORKS, type Framework } from '../../src/knowledge/index.js';

const APPS: Framework[] = ['fastapi', 'starlette', 'flask', 'wrapper', 'express'];
const PROXIES: Framework[] = ['nginx', 'caddy'];

/** Where each framework's snippets run. */
const RUNS_ON: Record<Framework, string> = {
  fastapi: 'real uvicorn',
  starlette: 'real uvicorn',
  wrapper: 'real uvicorn',
  flask: 'real Flask server',
  express: 'real Node (express 5)',
  nginx: 'real nginx (foreground, temp prefix) in front of the Ollama / vLLM emulators',
  caddy: 'real Caddy (caddy run, temp dirs) in front of the Ollama / vLLM emulators',
  vllm: 'bash, vllm stubbed',
  tgi: 'bash, text-generation-launcher stubbed',
  ollama: 'bash, ollama stubbed',
  llamacpp: 'bash, llama-server stubbed',
  sglang: 'bash, python3 -m sglang stubbed',
  litellm: 'bash, litellm stubbed',
  localai: 'bash, local-ai stubbed',
  koboldcpp: 'bash, koboldcpp stubbed',
};

/**
 * Rules a real target here fails before the fix, so the fix is proven with verifyFix (snippets-apps: the tutorial app and the
 * tutorial's fail-open fix under uvicorn; snippets-proxies: the Ollama and vLLM emulators). `fixed` = every prior finding proven
 * fixed; `judged-with-key` = the re-scan cannot judge it without a key (the fixed route serves no anonymous output), so a
 * direct request with the key proves it; `loopback` = the fix leaves it to loopback clients by design.
 */
const PROVEN: Partial<Record<Framework, Partial<Record<RuleId, 'fixed' | 'judged-with-key' | 'loopback' | 'not-tried'>>>> = {
  ...Object.fromEntries(
    APPS.map((f) => [
      f,
      {
        'auth.missing': 'fixed',
        'auth.insecure-default-key': 'fixed',
        'auth.brute-force': f === 'wrapper' ? 'not-tried' : 'fixed',
        'llm.template-injection': 'judged-with-key',
        'llm.template-leak': 'judged-with-key',
        ...(f === 'fastapi' ? { 'exposure.api-docs': 'fixed' } : {}),
      },
    ]),
  ),
  ...Object.fromEntries(
    PROXIES.map((f) => [
      f,
      {
        'auth.missing': 'fixed',
        'auth.admin-exposed': 'fixed',
        'auth.alternate-path': 'fixed',
        'cors.permissive': 'fixed',
        'exposure.model-inventory': 'fixed',
        'exposure.api-docs': 'fixed',
        'exposure.metrics': 'loopback',
        ...(f === 'nginx' ? { 'auth.brute-force': 'fixed' } : {}),
      },
    ]),
  ),
};

const CODE = { fixed: 'V', 'judged-with-key': 'K', loopback: 'L', 'not-tried': 'N' } as const;

function cell(rule: RuleId, f: Framework): string {
  if (!applicableFrameworks(rule).includes(f)) return '·';
  const proven = PROVEN[f]?.[rule];
  if (proven) return CODE[proven];
  if (APPS.includes(f)) return rule === 'auth.jwt' && f !== 'express' ? 'J' : rule === 'transport.cleartext' ? 'T' : 'E';
  if (PROXIES.includes(f)) return rule === 'transport.cleartext' ? 'T' : 'E';
  return 'S';
}

describe('snippet execution coverage', () => {
  it('every rule × applicable framework is executed somewhere, and every proof claimed is for an applicable cell', () => {
    for (const [f, rules] of Object.entries(PROVEN))
      for (const rule of Object.keys(rules!)) expect(applicableFrameworks(rule as RuleId), `${rule} × ${f}`).toContain(f);
    const cells = RULE_IDS.flatMap((rule) => FRAMEWORKS.map((f) => cell(rule, f)));
    expect(cells.filter((c) => c !== '·').length).toBe(RULE_IDS.reduce((n, r) => n + applicableFrameworks(r).length, 0));

    const width = Math.max(...RULE_IDS.map((r) => r.length));
    const head = `${''.padEnd(width)}  ${FRAMEWORKS.map((f) => f.slice(0, 5).padEnd(5)).join(' ')}`;
    const rows = RULE_IDS.map((rule) => `${rule.padEnd(width)}  ${FRAMEWORKS.map((f) => cell(rule, f).padEnd(5)).join(' ')}`);
    const count = (c: string) => cells.filter((x) => x === c).length;
    console.log(
      `\nRule × framework → what executed the snippet (${cells.filter((c) => c !== '·').length} cells)\n${head}\n${rows.join('\n')}\n\n` +
        `V  executed, and the real target's prior finding proven fixed with verifyFix (${count('V')})\n` +
        `K  executed and verified: without a key the rule cannot judge a route that refuses anonymous ` +
        `callers (inconclusive); with the key verifyFix proves it fixed, and a direct request shows markers ` +
        `neither get in nor out (${count('K')})\n` +
        `L  executed and verified; metrics stay readable from loopback by design (local scrapers), so a loopback re-scan still sees them (${count('L')})\n` +
        `N  executed and verified; the scanner never sends wrong keys to a route that validates the body ` +
        `before the key (the decorator), so brute force is not tried (${count('N')})\n` +
        `E  executed under the real server: refuses to start (or to serve) without its secret, serves the ` +
        `right key only, a scan has nothing for the rule (${count('E')})\n` +
        `T  executed with TLS (throw-away certificate): the same, but no scan (the scanner checks certificates) (${count('T')})\n` +
        `J  executed where PyJWT (python3-jwt) is installed (.ci/run installs it); elsewhere reported as not executed (${count('J')})\n` +
        `S  start script executed by bash, the server binary stubbed: refuses a missing or placeholder key, an old version, a public bind (${count('S')})\n` +
        `·  no fix for this rule on this framework\n\n` +
        FRAMEWORKS.map((f) => `${f.padEnd(10)} ${RUNS_ON[f]}`).join('\n'),
    );
  });
});
