// Every generated file parses with the tool that will run it: Python (py_compile), Node (--check), bash (-n), and nginx
// (-t, as a conf.d file inside a minimal nginx.conf, with its keys file and TLS files in place). A missing tool skips its
// part loudly; GATECRASH_REQUIRE_REAL_SERVERS=1 turns the skip into a failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nginxTestMainConfig, type RemediationSnippet, remediationFor } from '../../src/knowledge/index.js';
import { allSnippets } from './helpers.js';

const REQUIRE = process.env.GATECRASH_REQUIRE_REAL_SERVERS === '1';
const PYTHON = process.env.GATECRASH_PYTHON ?? '/usr/bin/python3';

function available(cmd: string, args: string[], what: string): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (!r.error && r.status === 0) return true;
  if (REQUIRE) throw new Error(`${what} is required (GATECRASH_REQUIRE_REAL_SERVERS=1) but \`${cmd} ${args.join(' ')}\` failed`);
  console.warn(`\n*** SKIPPING ${what}: \`${cmd}\` is not available. ***\n`);
  return false;
}

const ALL = allSnippets();
const dir = mkdtempSync(join(tmpdir(), 'gatecrash-kb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function unique(pred: (s: RemediationSnippet) => boolean): RemediationSnippet[] {
  const seen = new Set<string>();
  return ALL.map((r) => r.snippet).filter((s) => pred(s) && !seen.has(s.code) && (seen.add(s.code), true));
}

function write(name: string, code: string): string {
  const p = join(dir, name);
  writeFileSync(p, code);
  return p;
}

describe('generated code parses', () => {
  it.runIf(available(PYTHON, ['-c', 'import sys; sys.exit(sys.version_info < (3, 8))'], 'Python syntax checks'))('Python', () => {
    const files = unique((s) => s.language === 'python').map((s, i) => write(`app_${i}.py`, s.code));
    expect(files.length).toBeGreaterThan(50);
    // One interpreter for all files: compile() checks syntax without importing (no FastAPI needed).
    const r = spawnSync(PYTHON, ['-c', 'import sys\nfor p in sys.argv[1:]:\n    compile(open(p).read(), p, "exec")', ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('JavaScript (parsed as ES modules by Node)', () => {
    const files = unique((s) => s.language === 'javascript').map((s, i) => write(`server_${i}.mjs`, s.code));
    expect(files.length).toBeGreaterThan(10);
    // One Node process parses every file as a module (what `node --check` does, without a process per file).
    const script = [
      "const vm = require('node:vm'); const fs = require('node:fs'); let bad = 0;",
      'for (const f of process.argv.slice(1)) {',
      "  try { new vm.SourceTextModule(fs.readFileSync(f, 'utf8'), { identifier: f }); }",
      '  catch (e) { bad++; console.error(f + ": " + e.message); }',
      '}',
      'process.exit(bad ? 1 : 0);',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', '-e', script, ...files], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.runIf(available('bash', ['-c', 'true'], 'bash syntax checks'))('bash (bash -n)', () => {
    const files = unique((s) => s.language === 'bash').map((s, i) => write(`start_${i}.sh`, s.code));
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      const r = spawnSync('bash', ['-n', f], { encoding: 'utf8' });
      expect(r.stderr, f).toBe('');
    }
  });
});

describe('nginx accepts every generated configuration', () => {
  const haveNginx = available('nginx', ['-v'], 'nginx -t checks');
  const haveOpenssl = available('openssl', ['version'], 'TLS certificates for nginx -t');

  it.runIf(haveNginx)('nginx -t, every rule × context, keys file and certificates in place', () => {
    const keys = write('keys.map', `"${'a'.repeat(32)}" 1;\n`);
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    if (haveOpenssl) {
      spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], {
        encoding: 'utf8',
      });
    }
    const configs = new Set<string>();
    for (const r of ALL) {
      if (r.framework !== 'nginx') continue;
      if (!haveOpenssl && r.snippet.code.includes('ssl_certificate')) continue;
      // Same rule and context, with the files the test owns.
      const ctx = { keysFile: keys, tlsCertFile: cert, tlsKeyFile: key };
      const code = r.snippet.code
        .replaceAll(/include \/[^;]+;/g, `include ${ctx.keysFile};`)
        .replaceAll(/ssl_certificate [^;]+;/g, `ssl_certificate ${cert};`)
        .replaceAll(/ssl_certificate_key [^;]+;/g, `ssl_certificate_key ${key};`);
      configs.add(code);
    }
    expect(configs.size).toBeGreaterThan(20);
    let i = 0;
    for (const code of configs) {
      const conf = write(`llm_${i}.conf`, code);
      const main = write(`nginx_${i}.conf`, nginxTestMainConfig(conf, dir));
      const r = spawnSync('nginx', ['-t', '-q', '-c', main, '-p', `${dir}/`], { encoding: 'utf8' });
      expect(`${r.status} ${r.stderr}`, code.split('\n')[0]).toBe('0 ');
      i++;
    }
  });

  it.runIf(haveNginx)('fails closed: no keys file, or an empty key in it, and nginx refuses to start', () => {
    const s = remediationFor('auth.missing', 'nginx', { keysFile: join(dir, 'absent.map') });
    const main = write('nginx_absent.conf', nginxTestMainConfig(write('absent.conf', s.code), dir));
    expect(spawnSync('nginx', ['-t', '-q', '-c', main, '-p', `${dir}/`], { encoding: 'utf8' }).status).not.toBe(0);
    const emptyKey = write('empty.map', '"" 1;\n');
    const s2 = remediationFor('auth.missing', 'nginx', { keysFile: emptyKey });
    const main2 = write('nginx_empty.conf', nginxTestMainConfig(write('empty.conf', s2.code), dir));
    const r = spawnSync('nginx', ['-t', '-q', '-c', main2, '-p', `${dir}/`], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/conflicting parameter ""/);
  });
});
