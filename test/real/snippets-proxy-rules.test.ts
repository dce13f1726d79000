// Every nginx and Caddy snippet of every rule executed (snippets-proxies.test.ts proves the rules the emulators fail with
// verifyFix; this covers the rest): for each rule × proxy × upstream (an open Ollama; vLLM with its key set and its non-/v1
// routes open) the rule's own snippet, filled the way suggest_remediation fills it, is validated (`nginx -t`, `caddy
// validate`) and run in the foreground on loopback in front of the emulator. The right key reaches the model, no key and a
// wrong key do not, the same file without a usable key refuses everything, and a scan through the proxy has nothing to
// report for the rule (metrics stay readable from loopback by design: local scrapers).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/engine/rules/index.js';
import { scan } from '../../src/engine/scan.js';
import { RULE_IDS, type RuleId, type RuleStatus } from '../../src/engine/types.js';
import { applicableFrameworks, nginxTestMainConfig, remediationFor } from '../../src/knowledge/index.js';
import type { RunningTarget } from '../targets/harness.js';
import { OPEN as OLLAMA_OPEN, startOllama } from '../targets/ollama.js';
import { startVllm } from '../targets/vllm.js';
import { binaryAvailable, CADDY_TEST_GLOBALS, selfSignedCert, startCaddy, startNginx, tempDir } from './servers.js';
import { freePort, type RealServer } from './uvicorn.js';

const haveNginx = binaryAvailable('nginx', ['-v'], 'every nginx snippet (smoke)', 'nginx');
const haveCaddy = binaryAvailable('caddy', ['version'], 'every Caddy snippet (smoke)', 'caddy');
const NGINX_KEY = '0d1c2b3a49586776a5b4c3d2e1f00f1e';
const CADDY_KEY = '7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f';
const insecureTls = new Agent({ connect: { rejectUnauthorized: false } });

type Proxy = 'nginx' | 'caddy';
type Product = 'ollama' | 'vllm';
const PATHS: Record<Product, { path: string; body: string; output: RegExp }> = {
  ollama: {
    path: '/api/generate',
    body: JSON.stringify({ model: 'mistral', prompt: 'Hello', stream: false, options: { num_predict: 1 } }),
    output: /"response"/,
  },
  vllm: {
    path: '/v1/chat/completions',
    body: JSON.stringify({ model: 'mistralai/Mistral-7B-Instruct-v0.3', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 1 }),
    output: /"choices"/,
  },
};

interface ProxyCell {
  rule: RuleId;
  proxy: Proxy;
  product: Product;
  checked?: string;
  legit?: number;
  legitBody?: string;
  anonymous?: number;
  wrong?: number;
  keyless?: number;
  status?: RuleStatus;
  statusReason?: string;
  findings?: string[];
  error?: string;
}

async function cell(rule: RuleId, proxy: Proxy, product: Product, upstream: RunningTarget): Promise<ProxyCell> {
  const out: ProxyCell = { rule, proxy, product };
  const key = proxy === 'nginx' ? NGINX_KEY : CADDY_KEY;
  const { dir, remove } = tempDir(`${proxy}-${product}-${rule.replace(/\W/g, '-')}`);
  const { dir: kdir, remove: kremove } = tempDir(`${proxy}-${product}-${rule.replace(/\W/g, '-')}-keyless`);
  const servers: RealServer[] = [];
  try {
    const [port, kport] = [await freePort(), await freePort()];
    const tls = rule === 'transport.cleartext';
    const pair = tls ? selfSignedCert(dir) : null;
    const { path, body, output } = PATHS[product];
    const snippet = remediationFor(rule, proxy, {
      product,
      url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}${path}`,
      upstreamPort: upstream.port,
      keysFile: join(dir, 'keys.map'),
      headerName: 'Authorization',
      scheme: 'Bearer',
      ...(pair ? { tlsCertFile: pair.cert, tlsKeyFile: pair.key } : {}),
    });
    let base: string;
    if (proxy === 'nginx') {
      const listen = new RegExp(`listen ${port}( ssl)?;`);
      expect(snippet.code, snippet.code).toMatch(listen);
      const conf = snippet.code.replace(listen, (_m, ssl: string | undefined) => `listen 127.0.0.1:${port}${ssl ?? ''};`);
      writeFileSync(join(dir, 'keys.map'), `"${key}" 1;\n`);
      const main = await startNginx(dir, conf, port, nginxTestMainConfig);
      out.checked = main.test.output;
      if (!main.server) throw new Error(`nginx -t failed:\n${main.test.output}\n${conf}`);
      servers.push(main.server);
      writeFileSync(join(kdir, 'keys.map'), '');
      const keyless = await startNginx(
        kdir,
        conf.replace(`127.0.0.1:${port}`, `127.0.0.1:${kport}`).replaceAll(join(dir, 'keys.map'), join(kdir, 'keys.map')),
        kport,
        nginxTestMainConfig,
      );
      if (!keyless.server) throw new Error(`nginx -t failed (empty keys file):\n${keyless.test.output}`);
      servers.push(keyless.server);
      base = tls ? `https://127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
    } else {
      const site = /^(https?):\/\/(localhost)?:(\d+) \{$/m;
      expect(snippet.code, snippet.code).toMatch(site);
      const envVar = /\{\$([A-Z_]+)\}/.exec(snippet.code)![1]!;
      const main = await startCaddy(dir, CADDY_TEST_GLOBALS + snippet.code, port, { [envVar]: key });
      out.checked = main.validate.output;
      if (!main.server) throw new Error(`caddy validate failed:\n${main.validate.output}\n${snippet.code}`);
      servers.push(main.server);
      const keyless = await startCaddy(kdir, CADDY_TEST_GLOBALS + snippet.code.replace(`:${port} {`, `:${kport} {`), kport, {}, [envVar]);
      if (!keyless.server) throw new Error(`caddy validate failed (key unset):\n${keyless.validate.output}`);
      servers.push(keyless.server);
      const host = site.exec(snippet.code)![2] ?? '127.0.0.1';
      base = `${tls ? 'https' : 'http'}://${host}:${port}`;
    }
    const post = async (url: string, headers: Record<string, string>) => {
      const r = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
        ...(tls ? { dispatcher: insecureTls } : {}),
      } as RequestInit);
      return { status: r.status, body: await r.text() };
    };
    const ok = await post(`${base}${path}`, { authorization: `Bearer ${key}` });
    out.legit = ok.status;
    out.legitBody = output.test(ok.body) ? 'model output' : ok.body.slice(0, 120);
    out.anonymous = (await post(`${base}${path}`, {})).status;
    out.wrong = (await post(`${base}${path}`, { authorization: `Bearer ${key.replace(/^./, key[0] === '0' ? '1' : '0')}` })).status;
    out.keyless = (await post(`${base.replace(`:${port}`, `:${kport}`)}${path}`, { authorization: `Bearer ${key}` })).status;
    if (!tls) {
      const meta = RULES[rule];
      const headers = meta.needs === 'key' ? { Authorization: `Bearer ${key}` } : undefined;
      const report = await scan(
        { url: `${base}${path}`, ...(headers ? { headers } : {}) },
        { hint: product, depth: meta.depth === 'deep' ? 'deep' : 'standard', timeoutMs: 30_000 },
      );
      const s = report.rules.find((r) => r.rule === rule)!;
      out.status = s.status;
      if (s.reason) out.statusReason = s.reason;
      out.findings = report.findings
        .filter((f) => f.rule === rule)
        .map((f) => `${f.rule} ${f.variant ?? ''} ${f.endpoint.method} ${f.endpoint.url}: ${f.description}`);
    }
  } catch (e) {
    out.error = (e as Error).message;
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    remove();
    kremove();
  }
  return out;
}

/** What only a non-loopback client can see refused: the snippets leave metrics to local scrapers. */
const LOOPBACK_BY_DESIGN: RuleId[] = ['exposure.metrics'];

for (const proxy of ['nginx', 'caddy'] as const) {
  const available = proxy === 'nginx' ? haveNginx : haveCaddy;
  const rules = RULE_IDS.filter((r) => applicableFrameworks(r).includes(proxy));
  describe.runIf(available)(`every ${proxy} snippet executed in front of Ollama and vLLM (smoke)`, () => {
    const cells: ProxyCell[] = [];
    const upstreams: RunningTarget[] = [];

    beforeAll(async () => {
      const key = proxy === 'nginx' ? NGINX_KEY : CADDY_KEY;
      const [ollama, vllm] = await Promise.all([startOllama(OLLAMA_OPEN), startVllm({ apiKey: key })]);
      upstreams.push(ollama, vllm);
      // One at a time: concurrent scans through one emulator would share its rate-limit state.
      for (const rule of rules)
        for (const [product, upstream] of [
          ['ollama', ollama],
          ['vllm', vllm],
        ] as const)
          cells.push(await cell(rule, proxy, product, upstream));
      console.log(
        `\nEvery ${proxy} snippet, executed (rule × upstream → outcome):\n` +
          cells
            .map(
              (c) =>
                `  ${c.rule.padEnd(26)} × ${proxy} → ${c.product.padEnd(6)} ` +
                `${c.error ? `ERROR ${c.error.slice(0, 120)}` : `key ${c.legit}, none ${c.anonymous}, wrong ${c.wrong}, no key configured ${c.keyless}; scan: ${c.status ?? 'n/a (TLS)'}${c.statusReason ? ` (${c.statusReason.slice(0, 60)})` : ''}`}`,
            )
            .join('\n'),
      );
    }, 600_000);

    afterAll(async () => {
      await Promise.all(upstreams.map((u) => u.close()));
    });

    it.each(rules.flatMap((rule) => (['ollama', 'vllm'] as const).map((product) => [`${rule} → ${product}`, rule, product] as const)))(
      '%s',
      (_n, rule, product) => {
        const c = cells.find((x) => x.rule === rule && x.product === product)!;
        expect(c.error, c.error).toBeUndefined();
        expect(c.checked).toMatch(proxy === 'nginx' ? /test is successful/ : /Valid configuration/);
        expect(c.legit, c.legitBody).toBe(200);
        expect(c.legitBody).toBe('model output');
        expect(c.anonymous).toBe(401);
        expect([401, 429]).toContain(c.wrong);
        expect(c.keyless).toBe(401);
        if (c.status !== undefined && !LOOPBACK_BY_DESIGN.includes(rule)) {
          expect(c.findings, c.findings?.join('\n')).toEqual([]);
          expect(c.status, c.statusReason).not.toBe('fail');
        }
      },
    );
  });
}

afterAll(() => insecureTls.close());
