// Every server start script executed by bash (vLLM, TGI, Ollama, llama.cpp, SGLang, LiteLLM, LocalAI, KoboldCpp). The
// servers themselves cannot run here (GPU builds, model weights), so the binaries are stubs on PATH that record the command
// line the script ends with; what is executed for real is the script's own logic, the part that fails open when wrong:
// it refuses to start without its key (unset, empty, a placeholder), refuses a version older than the advisory's fix and a
// non-loopback address where the server must stay behind a proxy, and otherwise execs the server with the key and the
// flags the rule needs.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_IDS, type RuleId } from '../../src/engine/types.js';
import { applicableFrameworks, remediationFor } from '../../src/knowledge/index.js';
import { binaryAvailable, tempDir } from './servers.js';

const SERVERS = ['vllm', 'tgi', 'ollama', 'llamacpp', 'sglang', 'litellm', 'localai', 'koboldcpp'] as const;
type Server = (typeof SERVERS)[number];
const haveBash = binaryAvailable('bash', ['--version'], 'the server start scripts', 'bash');
/** Fits every server's key rules (LiteLLM wants the sk- prefix). */
const KEY = `sk-${'5a'.repeat(32)}`;
const STUBS = ['vllm', 'text-generation-launcher', 'ollama', 'llama-server', 'litellm', 'local-ai', 'koboldcpp', 'docker'];

interface Run {
  status: number | null;
  stderr: string;
  /** The stub's command line, when the script got as far as exec'ing the server. */
  exec: string[] | null;
}

interface ScriptCell {
  rule: RuleId;
  server: Server;
  /** Secrets the script demands with ${NAME:?…}. */
  required: string[];
  ok: Run;
  /** Per required secret: unset, empty and a placeholder. */
  refusals: { variable: string; value: string | undefined; run: Run }[];
  oldVersion: Run | null;
  publicBind: Run | null;
}

describe.runIf(haveBash)('every server start script executed by bash, servers stubbed', () => {
  const { dir, remove } = tempDir('server-scripts');
  const bin = join(dir, 'bin');
  const cells: ScriptCell[] = [];
  const pairs = RULE_IDS.flatMap((rule) => SERVERS.filter((s) => applicableFrameworks(rule).includes(s)).map((server) => ({ rule, server })));

  function run(script: string, env: Record<string, string | undefined>): Run {
    const log = join(dir, 'exec.log');
    if (existsSync(log)) writeFileSync(log, '');
    const e: NodeJS.ProcessEnv = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, STUB_LOG: log };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) e[k] = v;
    const r = spawnSync('bash', [script], { env: e, encoding: 'utf8', timeout: 10_000 });
    const logged = existsSync(log) ? readFileSync(log, 'utf8') : '';
    return { status: r.status, stderr: r.stderr, exec: logged ? logged.split('\n').filter(Boolean) : null };
  }

  beforeAll(() => {
    spawnSync('mkdir', ['-p', bin]);
    // The server binaries: answer a version question with STUB_VERSION, otherwise record the command line and exit.
    for (const name of STUBS) {
      const stub = join(bin, name);
      writeFileSync(
        stub,
        `#!/bin/bash\ncase "$1" in --version|-v|version) echo "${name} version is \${STUB_VERSION:-99.0.0}"; ` +
          `exit 0 ;; esac\nprintf '%s\\n' "${name}" "$@" > "$STUB_LOG"\n`,
      );
      chmodSync(stub, 0o755);
    }
    // python3: package versions (importlib.metadata) from STUB_VERSION, `-m sglang.launch_server` recorded.
    writeFileSync(
      join(bin, 'python3'),
      '#!/bin/bash\nif [ "$1" = "-c" ]; then echo "${STUB_VERSION:-99.0.0}"; exit 0; fi\nif [ "$1" = "-m" ' +
        ']; then printf \'%s\\n\' python3 "$@" > "$STUB_LOG"; exit 0; fi\nexit 97\n',
    );
    chmodSync(join(bin, 'python3'), 0o755);
    writeFileSync(join(dir, 'cert.pem'), 'cert');
    writeFileSync(join(dir, 'key.pem'), 'key');
    writeFileSync(join(dir, 'litellm.yaml'), 'general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n');

    for (const { rule, server } of pairs) {
      const snippet = remediationFor(rule, server);
      const script = join(dir, `${server}-${rule.replace(/\W/g, '-')}.sh`);
      writeFileSync(script, snippet.code);
      const required = [...new Set([...snippet.code.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1]!))];
      const env: Record<string, string | undefined> = { LITELLM_CONFIG: join(dir, 'litellm.yaml') };
      for (const v of required) env[v] = v === 'TLS_CERT_FILE' ? join(dir, 'cert.pem') : v === 'TLS_KEY_FILE' ? join(dir, 'key.pem') : KEY;
      const refusals: ScriptCell['refusals'] = [];
      for (const variable of required.filter((v) => !v.startsWith('TLS_'))) {
        for (const value of [undefined, '', 'None']) refusals.push({ variable, value, run: run(script, { ...env, [variable]: value }) });
      }
      cells.push({
        rule,
        server,
        required,
        ok: run(script, env),
        refusals,
        oldVersion: /require_version/.test(snippet.code) ? run(script, { ...env, STUB_VERSION: '0.0.1' }) : null,
        publicBind: server === 'ollama' ? run(script, { ...env, OLLAMA_HOST: '0.0.0.0:11435' }) : null,
      });
    }
    console.log(
      `\nEvery server start script, executed by bash with the server binary stubbed (rule × server → what it refuses, what it execs):\n` +
        cells
          .map(
            (c) =>
              `  ${c.rule.padEnd(26)} × ${c.server.padEnd(9)} refuses: ${
                [
                  c.required
                    .filter((v) => !v.startsWith('TLS_'))
                    .map((v) => `${v} unset/empty/None`)
                    .join(', '),
                  c.oldVersion ? 'old version' : '',
                  c.publicBind ? 'non-loopback OLLAMA_HOST' : '',
                ]
                  .filter(Boolean)
                  .join('; ') || '-'
              } → exec ${c.ok.exec?.map((a) => (a === KEY ? '<key>' : a)).join(' ') ?? `NOTHING (exit ${c.ok.status}: ${c.ok.stderr.trim()})`}`,
          )
          .join('\n'),
    );
  });

  afterAll(() => remove());

  it.each(pairs.map((p) => [`${p.rule} × ${p.server}`, p] as const))('%s', (_n, p) => {
    const c = cells.find((x) => x.rule === p.rule && x.server === p.server)!;
    // With every secret set and a current version, the script ends in exactly one exec of the server.
    expect(c.ok.status, c.ok.stderr).toBe(0);
    expect(c.ok.exec, c.ok.stderr).not.toBeNull();
    // The server listens on loopback (a proxy or the host's firewall decides who reaches it), never on 0.0.0.0.
    const line = c.ok.exec!.join(' ');
    expect(line).not.toMatch(/0\.0\.0\.0/);
    // Every server that has a key demands one before it starts (Ollama has none: its script refuses a non-loopback bind).
    if (p.server !== 'ollama') expect(c.required.filter((v) => !v.startsWith('TLS_')).length, c.required.join(',')).toBeGreaterThan(0);
    else expect(c.publicBind).not.toBeNull();
    for (const r of c.refusals) {
      const what = `${r.variable}=${r.value === undefined ? '(unset)' : JSON.stringify(r.value)}`;
      expect(r.run.status, what).not.toBe(0);
      expect(r.run.exec, `${what} must not start the server`).toBeNull();
      expect(r.run.stderr, what).toMatch(new RegExp(`${r.variable} (must be set|holds a placeholder|must start with)`));
    }
    if (c.oldVersion) {
      expect(c.oldVersion.status).not.toBe(0);
      expect(c.oldVersion.exec).toBeNull();
      expect(c.oldVersion.stderr).toMatch(/older than .* upgrade first/);
    }
    if (c.publicBind) {
      expect(c.publicBind.status).not.toBe(0);
      expect(c.publicBind.exec).toBeNull();
      expect(c.publicBind.stderr).toMatch(/not a loopback address/);
    }
  });

  it('every server with a key of its own refuses to start without it, for auth.missing', () => {
    for (const server of SERVERS.filter((s) => s !== 'ollama')) {
      const c = cells.find((x) => x.rule === 'auth.missing' && x.server === server)!;
      expect(c.refusals.length, server).toBeGreaterThanOrEqual(3);
    }
  });
});
