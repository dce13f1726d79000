// The built CLI as a user and a CI job see it: formats, --output, exit codes (also when SARIF is written), usage errors,
// the rule catalog. Emulated FastAPI wrappers on loopback stand in for the tutorial's app.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { severityAtLeast } from '../../src/engine/findings.js';
import { RULES } from '../../src/engine/rules/index.js';
import type { Severity } from '../../src/engine/types.js';
import { ScanReportSchema } from '../../src/report/schema.js';
import { KEYED, OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { type CliRun, runCli } from './cli-run.js';

/** One `gatecrash: …` sentence on stderr, no stack trace. */
function expectSentence(run: CliRun, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toMatch(/^gatecrash: /);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:|node:internal/);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
}

/** What the gate should say for a report: the rule the README states, computed independently of the CLI. */
function expectedGate(findings: { severity: Severity; confidence: string }[], failOn: Severity): number {
  return findings.some((f) => f.confidence !== 'tentative' && severityAtLeast(f.severity, failOn)) ? 1 : 0;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('gatecrash scan', () => {
  let open: RunningTarget;
  let keyed: RunningTarget;
  let dir: string;

  beforeAll(async () => {
    [open, keyed] = await Promise.all([startFastapiWrapper(OPEN), startFastapiWrapper(KEYED)]);
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-cli-'));
  });
  afterAll(async () => {
    await Promise.all([open?.close(), keyed?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--format json is exactly a ScanReport, and exit 1 when a proven finding reaches --fail-on', async () => {
    const run = await runCli(['scan', `${open.url}/generate`, '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const raw = JSON.parse(run.stdout);
    // parse() drops unknown keys: equality proves there are none, at any depth.
    expect(ScanReportSchema.parse(raw)).toEqual(raw);
    expect(raw.findings.some((f: { rule: string; confidence: string }) => f.rule === 'auth.missing' && f.confidence === 'confirmed')).toBe(true);
  }, 60_000);

  it('exits 0 on a guarded wrapper scanned with its key, and the key appears in no format', async () => {
    for (const format of ['json', 'sarif', 'markdown', 'html', 'pretty']) {
      const run = await runCli(['scan', `${keyed.url}/generate`, '--header', `X-API-Key: ${TEST_KEY}`, '--format', format]);
      expect(run.code, `${format}: ${run.stderr}`).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(100);
      expect(`${run.stdout}${run.stderr}`).not.toContain(TEST_KEY);
    }
  }, 120_000);

  it('exits 2 with a sentence when the target is down, refused or not a URL', async () => {
    const down = await runCli(['scan', `http://127.0.0.1:${await closedPort()}/generate`, '--format', 'json']);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/Could not reach/);
    expect(down.stderr).not.toMatch(/\n\s+at /);
    expectSentence(await runCli(['scan', 'http://169.254.169.254/latest/meta-data/']), /metadata/i);
    expectSentence(await runCli(['scan', 'http://[bad']), /not a valid URL/);
  }, 60_000);

  it('keeps the exit code when SARIF is written to a file (the gate does not depend on the format)', async () => {
    const file = join(dir, 'open.sarif');
    const run = await runCli(['scan', `${open.url}/generate`, '--format', 'sarif', '--output', file]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results as { ruleId: string; properties: { severity: Severity; confidence: string } }[];
    expect(results.some((r) => r.ruleId === 'auth.missing')).toBe(true);

    const findings = results.map((r) => r.properties);
    for (const failOn of ['critical', 'high', 'medium', 'low'] as const) {
      const gated = await runCli(['scan', `${open.url}/generate`, '--format', 'sarif', '--output', file, '--fail-on', failOn]);
      expect(gated.code, `--fail-on ${failOn}`).toBe(expectedGate(findings, failOn));
    }
    const none = await runCli(['scan', `${open.url}/generate`, '--format', 'sarif', '--output', file, '--fail-on', 'none']);
    expect(none.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).runs[0].results.length).toBeGreaterThan(0);

    const keyedFile = join(dir, 'keyed.sarif');
    const clean = await runCli(['scan', `${keyed.url}/generate`, '--header', `X-API-Key: ${TEST_KEY}`, '--format', 'sarif', '--output', keyedFile]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(readFileSync(keyedFile, 'utf8')).not.toContain(TEST_KEY);
  }, 120_000);

  it('writes Markdown a person can paste in a pull request', async () => {
    const file = join(dir, 'open.md');
    const run = await runCli(['scan', `${open.url}/generate`, '--format', 'markdown', '--output', file, '--fail-on', 'none']);
    expect(run.code).toBe(0);
    const md = readFileSync(file, 'utf8');
    expect(md).toMatch(/^# Gatecrash scan of /);
    expect(md).toMatch(/## Findings/);
    expect(md).toContain('`auth.missing`');
  }, 60_000);
});

describe('usage errors', () => {
  it('exit 2 with one sentence and no stack trace', async () => {
    expectSentence(await runCli(['scan']), /scan needs a URL/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--bogus']), /bogus/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--depth', 'abyss']), /depth/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--format', 'xml']), /format/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--fail-on', 'everything']), /failOn|fail-on/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--timeout', 'soon']), /--timeout takes a duration/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--header', 'no-colon']), /Name: value/);
    expectSentence(await runCli(['frobnicate']), /Unknown command 'frobnicate'/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--parallel', '3']), /--parallel only applies/);
    expectSentence(await runCli(['scan', '--targets', '/nonexistent/targets.txt']), /does not exist/);
    expectSentence(await runCli(['scan', 'http://127.0.0.1:9/', '--targets', '/nonexistent/targets.txt']), /either a URL or --targets/);
    expectSentence(await runCli(['scan', '--targets', '/dev/null', '--parallel', '99']), /--parallel takes a whole number/);
  }, 60_000);

  it("speaks the user's language: the flag as typed, what it takes, one sentence, never a credential", async () => {
    const url = 'http://127.0.0.1:9/';
    const cases: [string[], string][] = [
      [['scan', url, '--fail-on', 'info'], "--fail-on takes critical, high, medium, low or none; got 'info'."],
      [['scan', url, '--budget', 'abc'], "--budget takes a whole number of requests from 1 to 2000; got 'abc'."],
      [['scan', url, '--budget', '-5'], "--budget takes a whole number of requests from 1 to 2000; got '-5'."],
      [['scan', url, '--budget=0'], "--budget takes a whole number of requests from 1 to 2000; got '0'."],
      [['scan', url, '--fial-on', 'high'], "--fial-on is not a flag of 'gatecrash scan': did you mean --fail-on?"],
      [['scan', url, '--port', '1'], "--port is not a flag of 'gatecrash scan' (it belongs to 'serve'); run gatecrash scan --help for its flags."],
      [['scan', url, '--format', 'sarf'], "--format takes pretty, json, sarif, markdown or html (did you mean sarif?); got 'sarf'."],
      [['scan', url, '--timeout', '0'], "--timeout takes a duration from 1s to 10m, such as 60, 60s, 1500ms or 2m; got '0'."],
      [['scan', url, '--output'], '--output needs a value (a file name).'],
      [['scan', url, '--output', '--format', 'json'], '--output needs a value (a file name).'],
      [['scan', url, '--allow-private=yes'], '--allow-private is a switch and takes no value; write --allow-private alone.'],
      [['scann', url], "Unknown command 'scann': did you mean gatecrash scan? Run gatecrash --help for the commands."],
      [
        ['checks', '--depth', 'deep'],
        "--depth is not a flag of 'gatecrash checks' (it belongs to 'scan', 'discover', 'demo'); run gatecrash checks --help for its flags.",
      ],
    ];
    for (const [args, sentence] of cases) {
      const run = await runCli(args);
      expectSentence(run, /./);
      expect(run.stderr, args.join(' ')).toBe(`gatecrash: ${sentence}\n`);
    }
    const env = await runCli(['scan', url], { GATECRASH_BUDGET: 'lots' });
    expect(env.stderr).toBe("gatecrash: GATECRASH_BUDGET takes a whole number of requests from 1 to 2000; got 'lots'.\n");
    // A header written with '=' is named by its header name; the value, which may be a key, is never shown.
    const header = await runCli(['scan', url, '--header', 'X-API-Key=sk-live-secret-1234']);
    expect(header.stderr).toBe(
      "gatecrash: --header takes 'Name: value' with a colon; write --header 'X-API-Key: …' instead of '=' " +
        '(the value is not shown, as it may be a credential).\n',
    );
    const bearer = await runCli(['scan', url, '--bearer', 'sk-live-secret-1234', '--bearer', 'sk-other-secret-5678']);
    expect(bearer.stderr).not.toMatch(/sk-live|sk-other/);
  }, 60_000);

  it('a broken YAML targets file: where, and what is wrong, in one sentence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecrash-yaml-'));
    try {
      const file = join(dir, 'fleet.yaml');
      writeFileSync(file, '- url: http://127.0.0.1:9/generate\n  headers: {X-API-Key: a: b}\n');
      const run = await runCli(['scan', '--targets', file]);
      expectSentence(run, /is not valid YAML at line 2, column \d+: [a-z].*\.\n$/);
      expect(run.stderr).not.toMatch(/:\n?$|\^/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no arguments prints the usage and exits 2; --help exits 0', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/^gatecrash .* — /);
    expect(none.stdout).toContain('--targets FILE');
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(none.stdout);
  });
});

describe('gatecrash checks', () => {
  it('lists every rule of the catalog, as text and as JSON', async () => {
    const text = await runCli(['checks']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(Object.keys(RULES).length);
    for (const [i, meta] of Object.values(RULES).entries()) {
      expect(lines[i]!.startsWith(meta.id)).toBe(true);
      expect(lines[i]).toContain(meta.title);
    }
    const json = await runCli(['checks', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(Object.values(RULES));
    const md = await runCli(['checks', '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(Object.keys(RULES).length);
  });

  it('shows one rule: what it finds, how it is proven, the fix, in text, Markdown and JSON', async () => {
    const text = await runCli(['checks', 'auth.missing']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Missing authentication on inference endpoint \(auth\.missing\) — high\n/);
    expect(text.stdout).toContain('How Gatecrash proved it:');
    expect(text.stdout).toContain('Fix: ');
    expect(text.stdout).not.toContain('auth.admin-exposed');
    const md = await runCli(['checks', 'auth.missing', '--format', 'markdown']);
    expect(md.stdout).toMatch(/^## Missing authentication on inference endpoint \(`auth\.missing`\)/);
    const json = JSON.parse((await runCli(['checks', 'auth.missing', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ id: 'auth.missing', severity: 'high', explanation: { rule: 'auth.missing' } });
    expectSentence(await runCli(['checks', 'auth.mising']), /'auth\.mising' is not a rule: did you mean auth\.missing\?/);
  });
});
