// Every nginx and Caddy snippet executed: Debian's nginx and Caddy in front of servers that cannot close the hole themselves
// (an open Ollama; vLLM with its key set but /invocations, /tokenize, the control routes, /metrics and the docs open), on
// loopback ports with every file in a temporary folder. The snippet is rendered from the previous scan's own findings
// (contextFromFinding, the way suggest_remediation fills it), validated (`nginx -t`, `caddy validate`), started in the
// foreground, and the previous scan is verified through the proxy with verifyFix: each finding the snippet covers is
// `fixed`. Fail-closed: an empty keys file (nginx) or an unset key variable (Caddy) refuses every request, even the right key.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { Exchange, Finding, ScanOptions, ScanReport } from '../../src/engine/types.js';
import { applicableFrameworks, contextFromFinding, nginxTestMainConfig, type RemediationSnippet, remediationForRules } from '../../src/knowledge/index.js';
import { type VerifyResult, verifyFix } from '../../src/verify.js';
import type { RunningTarget } from '../targets/harness.js';
import { OPEN as OLLAMA_OPEN, startOllama } from '../targets/ollama.js';
import { startVllm } from '../targets/vllm.js';
import { binaryAvailable, CADDY_TEST_GLOBALS, startCaddy, startNginx, tempDir } from './servers.js';
import { freePort, type RealServer } from './uvicorn.js';

const haveNginx = binaryAvailable('nginx', ['-v'], 'the nginx snippets', 'nginx');
const haveCaddy = binaryAvailable('caddy', ['version'], 'the Caddy snippets', 'caddy');

/** nginx accepts keys of exactly 32 lower-case hex characters (the snippet's key shape). */
const NGINX_KEY = '5f0c1e9a7b3d42e8a6c4b2d0e8f6a4c2';
/** Caddy wants at least 32 characters; 64 hex as its apply step makes. */
const CADDY_KEY = '9c1b7e3a5d2f4c6e8a0b2d4f6e8c0a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3c';
const CHAT = JSON.stringify({ model: 'mistralai/Mistral-7B-Instruct-v0.3', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 });
const OLLAMA_GEN = JSON.stringify({ model: 'mistral', prompt: 'Hello', stream: false, options: { num_predict: 1 } });

/** The scan runner verifyFix gets: the engine itself, every exchange passed on. */
const engineScan = (input: { url: string; headers?: Record<string, string> }, options: Partial<ScanOptions>, onExchange: (ex: Exchange) => void) =>
  scan(input, options, { onExchange });

type Proxy = 'nginx' | 'caddy';
type Product = 'ollama' | 'vllm';

interface Case {
  proxy: Proxy;
  product: Product;
  upstream: RunningTarget;
  previous: ScanReport;
  /** Findings whose rule the proxy snippet has a fix for. */
  covered: Finding[];
  snippet: RemediationSnippet;
  front: RealServer;
  /** `nginx -t` / `caddy validate` output. */
  checked: string;
  /** The same snippet with no usable key (empty keys file / unset variable). */
  keyless: RealServer;
}

/** What the proxy must leave readable from loopback by design (the metrics route for local scrapers). */
const LOOPBACK_BY_DESIGN = new Set(['exposure.metrics']);

/** Temporary folders of this file, removed once its servers have stopped. */
const removals: (() => void)[] = [];
function temp(label: string): string {
  const t = tempDir(label);
  removals.push(t.remove);
  return t.dir;
}

async function setUp(proxy: Proxy, product: Product): Promise<Case> {
  const key = proxy === 'nginx' ? NGINX_KEY : CADDY_KEY;
  // vLLM keeps its own key behind the proxy (defence in depth): the proxy passes the client's header through, so the same key.
  const upstream = product === 'ollama' ? await startOllama(OLLAMA_OPEN) : await startVllm({ apiKey: key });
  const previous = await scan({ url: upstream.url });
  const covered = previous.findings.filter((f) => applicableFrameworks(f.rule).includes(proxy));
  const rules = [...new Set(covered.map((f) => f.rule))];
  const port = await freePort();
  const dir = temp(`${proxy}-${product}`);
  // The context suggest_remediation would use: the most severe finding's, with the proxy taking the clients' port and the
  // server moved behind it (here the server stays where it is and the proxy gets a new port: the same thing on loopback).
  const ctx = contextFromFinding(previous.findings[0]!, {
    framework: proxy,
    overrides: {
      url: `http://127.0.0.1:${port}${new URL(previous.findings[0]!.endpoint.url).pathname}`,
      upstreamPort: upstream.port,
      keysFile: `${dir}/keys.map`,
    },
  });
  const snippet = remediationForRules(rules, proxy, ctx);
  if (proxy === 'nginx') {
    // Loopback only for the test (the snippet listens on every address, as a public proxy does).
    const listen = `listen ${port};`;
    expect(snippet.code.split(listen).length - 1, snippet.code).toBe(1);
    const conf = snippet.code.replace(listen, `listen 127.0.0.1:${port};`);
    const keysFile = `${dir}/keys.map`;
    writeFileSync(keysFile, `"${key}" 1;\n`);
    const run = await startNginx(dir, conf, port, nginxTestMainConfig);
    expect(run.test.status, run.test.output).toBe(0);
    // Fail closed: the same file with an empty keys file.
    const kport = await freePort();
    const kdir = temp(`${proxy}-${product}-keyless`);
    writeFileSync(`${kdir}/keys.map`, '');
    const keylessRun = await startNginx(
      kdir,
      conf.replace(`listen 127.0.0.1:${port};`, `listen 127.0.0.1:${kport};`).replaceAll(keysFile, `${kdir}/keys.map`),
      kport,
      nginxTestMainConfig,
    );
    expect(keylessRun.test.status, keylessRun.test.output).toBe(0);
    return { proxy, product, upstream, previous, covered, snippet, front: run.server!, checked: run.test.output, keyless: keylessRun.server! };
  }
  const site = `http://:${port} {`;
  expect(snippet.code).toContain(site);
  const env = { [ctx.envVar]: key };
  const run = await startCaddy(dir, CADDY_TEST_GLOBALS + snippet.code, port, env);
  expect(run.validate.status, run.validate.output).toBe(0);
  const kport = await freePort();
  const kdir = temp(`${proxy}-${product}-keyless`);
  const keylessRun = await startCaddy(kdir, CADDY_TEST_GLOBALS + snippet.code.replace(site, `http://:${kport} {`), kport, {}, [ctx.envVar]);
  expect(keylessRun.validate.status, keylessRun.validate.output).toBe(0);
  return { proxy, product, upstream, previous, covered, snippet, front: run.server!, checked: run.validate.output, keyless: keylessRun.server! };
}

const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: r.status, body: await r.text() };
};

const ROUTE_RULES = ['auth.missing', 'auth.alternate-path', 'auth.admin-exposed'];

for (const proxy of ['nginx', 'caddy'] as const) {
  const available = proxy === 'nginx' ? haveNginx : haveCaddy;
  describe.runIf(available)(`${proxy} snippet in front of servers that cannot close the hole (executed)`, () => {
    const cases: Case[] = [];
    const results = new Map<Product, VerifyResult>();

    beforeAll(async () => {
      cases.push(await setUp(proxy, 'ollama'), await setUp(proxy, 'vllm'));
      for (const c of cases) {
        // Verified exactly as a user would: the previous report, the URL where the fixed service now answers.
        results.set(c.product, await verifyFix(c.previous, { url: c.front.url, findingIds: c.covered.map((f) => f.id) }, engineScan));
      }
      // For the closing note: what was executed against what, and what the re-scan said.
      for (const c of cases) {
        const r = results.get(c.product)!;
        console.log(
          `\n${proxy} in front of ${c.product} (${c.previous.requests.sent} requests before; verify: ` +
            `${r.rescans.map((s) => `${s.requests.sent} requests`).join(' + ')})\n` +
            r.verdicts
              .map((v) => `  ${v.status.padEnd(13)} ${v.rule.padEnd(26)} ${v.endpoint.method} ${new URL(v.endpoint.url).pathname} — ${v.reason}`)
              .join('\n'),
        );
      }
    }, 120_000);

    afterAll(async () => {
      for (const c of cases) await Promise.all([c.front.stop(), c.keyless.stop(), c.upstream.close()]);
      for (const r of removals.splice(0)) r();
    });

    it.each(['ollama', 'vllm'] as const)(`the ${proxy} configuration for %s is valid`, (product) => {
      const c = cases.find((x) => x.product === product)!;
      expect(c.checked).toMatch(proxy === 'nginx' ? /syntax is ok[\s\S]*test is successful/ : /Valid configuration/);
      // The previous scan had the holes this snippet is for.
      expect(c.covered.map((f) => f.rule)).toEqual(
        expect.arrayContaining(product === 'ollama' ? ['auth.missing', 'auth.admin-exposed'] : ['auth.alternate-path', 'auth.admin-exposed']),
      );
    });

    it.each(['ollama', 'vllm'] as const)('verify through the proxy: every covered finding of the %s scan is fixed', (product) => {
      const c = cases.find((x) => x.product === product)!;
      const r = results.get(product)!;
      const table = r.verdicts.map((v) => `${v.status} ${v.rule} ${v.endpoint.method} ${v.endpoint.url}: ${v.reason}`).join('\n');
      for (const v of r.verdicts) {
        if (LOOPBACK_BY_DESIGN.has(v.rule)) {
          // Metrics stay readable for local scrapers (allow 127.0.0.1 / remote_ip 127.0.0.1): from loopback they still answer.
          expect(v.status, table).toBe('still-failing');
          continue;
        }
        expect(v.status, table).toBe('fixed');
      }
      expect(r.verdicts.map((v) => v.rule)).toEqual(expect.arrayContaining(ROUTE_RULES.filter((x) => c.covered.some((f) => f.rule === x))));
      expect(
        r.newFindings.map((f) => `${f.rule} ${f.endpoint.url}`),
        table,
      ).toEqual([]);
      expect(r.rules).toEqual([...new Set(c.covered.map((f) => f.rule))]);
      for (const s of r.rescans) expect(s.requests.sent).toBeLessThanOrEqual(150);
      // The management routes were never invoked with a body that could act, through the proxy or before it.
      expect(c.upstream.managementCount()).toBe(0);
    });

    it.each(['ollama', 'vllm'] as const)(
      'the legitimate client still gets through to %s with the key',
      async (product) => {
        const c = cases.find((x) => x.product === product)!;
        const key = proxy === 'nginx' ? NGINX_KEY : CADDY_KEY;
        const path = product === 'ollama' ? '/api/generate' : '/v1/chat/completions';
        const body = product === 'ollama' ? OLLAMA_GEN : CHAT;
        const ok = await post(`${c.front.url}${path}`, body, { authorization: `Bearer ${key}` });
        expect(ok.status, ok.body).toBe(200);
        expect(ok.body).toMatch(product === 'ollama' ? /"response"/ : /"choices"/);
        expect((await post(`${c.front.url}${path}`, body)).status).toBe(401);
        // A wrong key: refused, or throttled when the snippet limits wrong keys and the verify's brute-force burst hit it.
        expect([401, 429]).toContain((await post(`${c.front.url}${path}`, body, { authorization: `Bearer ${key.toUpperCase()}` })).status);
        // A scan with the key: no route hole, and the key is used (auth.credentials-ignored passes).
        const report = await scan({ url: `${c.front.url}${path}`, headers: { Authorization: `Bearer ${key}` } }, { hint: product });
        expect(report.findings.filter((f) => ROUTE_RULES.includes(f.rule)).map((f) => `${f.rule} ${f.endpoint.url}`)).toEqual([]);
        expect(report.rules.find((r) => r.rule === 'auth.credentials-ignored')?.status).not.toBe('fail');
      },
      60_000,
    );

    it.each(['ollama', 'vllm'] as const)(
      `fail closed: ${proxy === 'nginx' ? 'an empty keys file' : 'the key variable unset'} refuses every request to %s, the right key too`,
      async (product) => {
        const c = cases.find((x) => x.product === product)!;
        const key = proxy === 'nginx' ? NGINX_KEY : CADDY_KEY;
        const path = product === 'ollama' ? '/api/generate' : '/v1/chat/completions';
        const body = product === 'ollama' ? OLLAMA_GEN : CHAT;
        for (const value of [`Bearer ${key}`, 'Bearer ', 'Bearer None', '']) {
          expect((await post(`${c.keyless.url}${path}`, body, value ? { authorization: value } : {})).status, value).toBe(401);
        }
        const r = await verifyFix(
          c.previous,
          { url: c.keyless.url, findingIds: c.covered.filter((f) => !LOOPBACK_BY_DESIGN.has(f.rule)).map((f) => f.id) },
          engineScan,
        );
        expect(r.verdicts.filter((v) => v.status !== 'fixed').map((v) => `${v.status} ${v.rule}: ${v.reason}`)).toEqual([]);
      },
      60_000,
    );
  });
}
