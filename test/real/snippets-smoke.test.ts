// Every application snippet of every rule executed, not just printed: for each rule × app framework (FastAPI, Starlette,
// Flask, the tutorial's decorator wrapper, Express) the rule's own fix for the tutorial's app is written to a temporary folder and run
// under its real server (uvicorn, Flask's server, Node; TLS snippets with a throw-away certificate). Each one must refuse
// to start without its secret, serve the legitimate client, refuse a caller without the credential, and leave a Gatecrash
// scan with nothing to report for its rule. (snippets-apps.test.ts proves the rules the tutorial app fails with verifyFix; this file
// covers the rules no real target here fails, so that no snippet ships untested.)
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/engine/rules/index.js';
import { scan } from '../../src/engine/scan.js';
import { RULE_IDS, type RuleId, type RuleStatus } from '../../src/engine/types.js';
import { applicableFrameworks, renderTutorialWrapperApp, type TutorialWrapperFramework } from '../../src/knowledge/index.js';
import { linkNodeModules, runExpectingExit, selfSignedCert, startFlask, startNode, startProcessTcp, tempDir } from './servers.js';
import { freePort, pythonMissing, type RealServer, realServersAvailable, SYSTEM_PYTHON, startUvicorn } from './uvicorn.js';

const TUTORIAL_WRAPPER_DIR = fileURLToPath(new URL('./tutorial-wrapper/', import.meta.url));
const run = realServersAvailable(['fastapi', 'uvicorn', 'flask', 'starlette'], 'every app snippet, executed (smoke)');
/** PyJWT is not among the Debian packages CI installs; the Python JWT snippets run where python3-jwt is present. */
const noPyJwt = pythonMissing(['jwt']);
const KEY = 'gc-smoke-key-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const ADMIN_KEY = 'gc-smoke-admin-8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a';
const JWT_SECRET = 'gc-smoke-jwt-secret-3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9';
const APP_FRAMEWORKS: TutorialWrapperFramework[] = ['fastapi', 'starlette', 'flask', 'wrapper', 'express'];
const PY_MODEL = {
  kind: 'code' as const,
  body:
    'from model_stub import load\n\nmodel, tokenizer = load()\ninputs = tokenizer(prompt, ' +
    'return_tensors="pt")\noutput_ids = model.generate(**inputs, max_new_tokens=max_new_tokens)\nreturn ' +
    'tokenizer.decode(output_ids[0], skip_special_tokens=True)',
};
const JS_MODEL = { kind: 'code' as const, body: 'return `[INST] ${prompt} [/INST] Hello! How can I assist you today?`;' };
const insecureTls = new Agent({ connect: { rejectUnauthorized: false } });

export interface SmokeCell {
  rule: RuleId;
  framework: TutorialWrapperFramework;
  server: string;
  executed: boolean;
  why?: string;
  refused?: { status: number | null; output: string };
  legit?: number;
  anonymous?: number;
  generated?: string;
  status?: RuleStatus;
  statusReason?: string;
  findings?: string[];
  error?: string;
}

function serverName(framework: TutorialWrapperFramework, tls: boolean): string {
  if (framework === 'express') return tls ? 'Node (https)' : 'Node';
  if (framework === 'flask') return tls ? 'Flask (app.run, TLS)' : 'Flask';
  return tls ? 'uvicorn (uvicorn.run, TLS)' : 'uvicorn';
}

async function jwt(expiresIn = '1h'): Promise<string> {
  return new SignJWT({ sub: 'smoke' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function smoke(rule: RuleId, framework: TutorialWrapperFramework): Promise<SmokeCell> {
  const snippet0 = renderTutorialWrapperApp(framework, { rules: [rule], model: framework === 'express' ? JS_MODEL : PY_MODEL });
  const tls = /TLS_CERT_FILE/.test(snippet0.code);
  const jwtMode = /JWT_SECRET/.test(snippet0.code);
  const cell: SmokeCell = { rule, framework, server: serverName(framework, tls), executed: false };
  if (jwtMode && framework !== 'express' && noPyJwt) return { ...cell, why: `PyJWT is missing (${noPyJwt}); install python3-jwt` };
  const { dir, remove } = tempDir(`smoke-${framework}-${rule.replace(/\W/g, '-')}`);
  let server: RealServer | null = null;
  try {
    const port = await freePort();
    // The TLS snippets start their own server on a fixed port: render for a free one.
    const snippet = tls ? renderTutorialWrapperApp(framework, { rules: [rule], model: framework === 'express' ? JS_MODEL : PY_MODEL, port }) : snippet0;
    let code = snippet.code;
    if (tls) {
      // Loopback only for the test: the TLS snippets listen on every address, as a public server does.
      const binds = code.match(/0\.0\.0\.0/g) ?? [];
      expect(binds.length, code).toBeGreaterThan(0);
      code = code.replaceAll('"0.0.0.0"', '"127.0.0.1"').replaceAll("'0.0.0.0'", "'127.0.0.1'");
    }
    writeFileSync(join(dir, snippet.file), code);
    if (framework !== 'express') copyFileSync(join(TUTORIAL_WRAPPER_DIR, 'model_stub.py'), join(dir, 'model_stub.py'));
    else linkNodeModules(dir);

    const secretVar = jwtMode ? 'JWT_SECRET' : 'MISTRAL_API_KEY';
    const env: Record<string, string> = { [secretVar]: jwtMode ? JWT_SECRET : KEY };
    if (/ADMIN_API_KEY/.test(code)) env.ADMIN_API_KEY = ADMIN_KEY;
    if (tls) {
      const pair = selfSignedCert(dir);
      if (!pair) return { ...cell, why: 'openssl could not make a certificate' };
      env.TLS_CERT_FILE = pair.cert;
      env.TLS_KEY_FILE = pair.key;
    }
    const pyEnv = (extra: Record<string, string>, unset: string[]): NodeJS.ProcessEnv => {
      const e: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir, PORT: String(port), HOST: '127.0.0.1', ...extra };
      for (const k of unset) delete e[k];
      return e;
    };
    const command = (): [string, string[]] => {
      if (framework === 'express') return [process.execPath, ['server.mjs']];
      if (tls) return [SYSTEM_PYTHON, ['app.py']];
      if (framework === 'flask') return [SYSTEM_PYTHON, ['-m', 'flask', '--app', 'app', 'run', '--host', '127.0.0.1', '--port', String(port)]];
      return [SYSTEM_PYTHON, ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port)]];
    };
    const [cmd, args] = command();
    // 1. Fail closed: without the secret the server never listens.
    const refusedEnv = { ...env };
    delete refusedEnv[secretVar];
    cell.refused = runExpectingExit(cmd, args, dir, pyEnv(refusedEnv, [secretVar]));

    // 2. Start it with the secret.
    if (tls) server = await startProcessTcp(cmd, args, dir, pyEnv(env, []), port);
    else if (framework === 'express') server = await startNode(dir, 'server.mjs', env);
    else if (framework === 'flask') server = await startFlask(dir, env);
    else server = await startUvicorn(dir, 'app:app', env);
    cell.executed = true;

    const url = `${server.url}/generate`;
    const bearer = framework === 'wrapper' || jwtMode;
    const credential = jwtMode ? `Bearer ${await jwt()}` : bearer ? `Bearer ${KEY}` : KEY;
    const header = bearer ? 'Authorization' : 'X-API-Key';
    const post = async (headers: Record<string, string>) => {
      const r = await fetch(url, {
        method: 'POST',
        body: JSON.stringify({ text: 'Hello' }),
        headers: { 'content-type': 'application/json', ...headers },
        ...(tls ? { dispatcher: insecureTls } : {}),
      } as RequestInit);
      return { status: r.status, body: await r.text() };
    };
    const ok = await post({ [header]: credential });
    cell.legit = ok.status;
    cell.generated = ok.status === 200 ? (JSON.parse(ok.body) as { generated?: string }).generated : ok.body.slice(0, 200);
    cell.anonymous = (await post({})).status;

    // 3. A scan with nothing to report for the rule (plain HTTP only: the scanner verifies certificates, as it should).
    if (!tls) {
      const meta = RULES[rule];
      const headers = meta.needs === 'key' || meta.needs === 'jwt' ? { [header]: credential } : undefined;
      const report = await scan({ url, ...(headers ? { headers } : {}) }, { depth: meta.depth === 'deep' ? 'deep' : 'standard', timeoutMs: 30_000 });
      const status = report.rules.find((r) => r.rule === rule)!;
      cell.status = status.status;
      if (status.reason) cell.statusReason = status.reason;
      cell.findings = report.findings
        .filter((f) => f.rule === rule)
        .map((f) => `${f.rule} ${f.variant ?? ''} ${f.endpoint.method} ${f.endpoint.url}: ${f.description}`);
    }
  } catch (e) {
    cell.error = (e as Error).message;
  } finally {
    await server?.stop();
    remove();
  }
  return cell;
}

/** A few at a time: each cell is a real server process and a scan. */
async function pool<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

describe.runIf(run)('every app snippet executed under its real server (smoke)', () => {
  const cells: SmokeCell[] = [];
  const pairs = RULE_IDS.flatMap((rule) => APP_FRAMEWORKS.filter((f) => applicableFrameworks(rule).includes(f)).map((framework) => ({ rule, framework })));

  beforeAll(async () => {
    cells.push(...(await pool(pairs, 4, ({ rule, framework }) => smoke(rule, framework))));
    const lines = cells.map(
      (c) =>
        `  ${c.rule.padEnd(26)} × ${c.framework.padEnd(9)} ${c.executed ? `real ${c.server}`.padEnd(32) : 'not executed'.padEnd(32)} ` +
        (c.executed
          ? `refused w/o secret: exit ${c.refused?.status}; key ${c.legit}, none ${c.anonymous}; scan: ` +
            `${c.status ?? 'n/a (TLS)'}${c.statusReason ? ` (${c.statusReason.slice(0, 70)})` : ''}`
          : (c.why ?? c.error ?? '')),
    );
    console.log(`\nEvery app snippet, executed (rule × framework → server → outcome):\n${lines.join('\n')}`);
  }, 600_000);

  afterAll(() => insecureTls.close());

  it('renders a snippet for every rule × applicable app framework', () => {
    expect(cells.length).toBe(pairs.length);
    expect(cells.length).toBeGreaterThan(80);
  });

  it.each(pairs.map((p) => [`${p.rule} × ${p.framework}`, p] as const))(
    '%s: refuses to start without its secret, serves the right credential only, scan has nothing for the rule',
    (_name, p) => {
      const c = cells.find((x) => x.rule === p.rule && x.framework === p.framework)!;
      if (!c.executed && c.why) {
        // Only PyJWT may be missing, and only where GATECRASH_REQUIRE_REAL_SERVERS does not demand it.
        expect(c.why).toMatch(/PyJWT/);
        return;
      }
      expect(c.error, c.error).toBeUndefined();
      expect(c.refused!.status, c.refused!.output).not.toBeNull();
      expect(c.refused!.status, c.refused!.output).not.toBe(0);
      expect(c.refused!.output).toMatch(/refusing to start/);
      expect(c.legit, c.generated).toBe(200);
      expect(c.generated).toContain('Hello! How can I assist you today?');
      expect(c.anonymous).toBe(401);
      if (c.status !== undefined) {
        expect(c.findings, c.findings?.join('\n')).toEqual([]);
        expect(c.status, c.statusReason).not.toBe('fail');
      }
    },
  );
});
