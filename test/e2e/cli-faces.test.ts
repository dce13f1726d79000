// What the CLI tells a person besides the report: one line on stderr whenever stdout is not the whole story (every format,
// --output, batches), the fix for the identified stack in every format, and `gatecrash fix` printing the code and its
// steps for a finding of a saved report, a rule, or a whole report — and asking when the scan could not tell the stack.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/engine/types.js';
import { OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { runCli } from './cli-run.js';

/** The stderr line: where it went (when written), the grade, the counts, the gate's answer. */
const GATE_LINE =
  /^gatecrash: (wrote \S+ · )?Grade D · score \d+\/100 · \d+ findings · the gate failed: \d+ proven finding\(s\) at or above --fail-on high, e\.g\. auth\.missing \(high, confirmed\)\n$/;

describe('the CLI around the report', () => {
  let open: RunningTarget;
  let dir: string;
  const file = (name: string) => join(dir, name);
  const url = () => `${open.url}/generate`;

  beforeAll(async () => {
    open = await startFastapiWrapper(OPEN);
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-faces-'));
  });
  afterAll(async () => {
    await open?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('one line on stderr for every format written to a file, and for every format but the terminal one on stdout', async () => {
    for (const format of ['json', 'sarif', 'markdown', 'pretty']) {
      const toFile = await runCli(['scan', url(), '--format', format, '--output', file(`open.${format}`)]);
      expect(toFile.code, toFile.stderr).toBe(1);
      expect(toFile.stdout).toBe('');
      expect(toFile.stderr, format).toMatch(GATE_LINE);
      expect(toFile.stderr).toContain(`wrote ${file(`open.${format}`)} · `);
      const toStdout = await runCli(['scan', url(), '--format', format]);
      expect(toStdout.code).toBe(1);
      // The terminal format states the grade and the findings itself; the others get the line.
      if (format === 'pretty') expect(toStdout.stdout).toMatch(/^Gatecrash .*\nGrade D · score \d+\/100/);
      else expect(toStdout.stderr, format).toMatch(GATE_LINE);
    }
  }, 120_000);

  it('a batch ends with one line: where, how many scanned, the worst grade, the findings, and why the gate failed', async () => {
    writeFileSync(file('targets.txt'), `${url()}\nhttp://169.254.169.254/latest/meta-data/\n`);
    const run = await runCli(['scan', '--targets', file('targets.txt'), '--format', 'sarif', '--output', file('batch.sarif')]);
    expect(run.code).toBe(2);
    const last = run.stderr.trim().split('\n').at(-1);
    expect(last).toMatch(
      /^gatecrash: wrote \S+batch\.sarif · 1 of 2 target\(s\) scanned, worst grade D · \d+ findings · the gate cannot vouch: 1 target\(s\) could not be scanned \(e\.g\. http:\/\/169\.254\.169\.254\/latest\/meta-data\/\)$/,
    );
  }, 60_000);

  it('every format shows the FastAPI fix for the FastAPI wrapper, and how to print it', async () => {
    const pretty = readFileSync(file('open.pretty'), 'utf8');
    expect(pretty).toContain('fix (FastAPI) The key check runs before every route');
    expect(pretty).toMatch(/→ gatecrash fix auth\.missing --url http:\/\/127\.0\.0\.1:\d+\/generate --framework fastapi/);
    expect(readFileSync(file('open.markdown'), 'utf8')).toContain('**Remediation for FastAPI:**');
    expect(readFileSync(file('open.sarif'), 'utf8')).toContain('Fix for FastAPI: ');
    const report = JSON.parse(readFileSync(file('open.json'), 'utf8')) as ScanReport;
    const missing = report.findings.find((f) => f.rule === 'auth.missing')!;
    // The JSON report is being saved, so the command names the finding by its id and the file.
    expect(missing.fix).toMatchObject({ framework: 'fastapi', name: 'FastAPI', command: `gatecrash fix ${missing.id} --report ${file('open.json')}` });
  });

  it('gatecrash fix FINDING_ID --report FILE prints the code, the steps and the checks for the finding, on its stack', async () => {
    const report = JSON.parse(readFileSync(file('open.json'), 'utf8')) as ScanReport;
    const missing = report.findings.find((f) => f.rule === 'auth.missing')!;
    const run = await runCli(['fix', missing.id, '--report', file('open.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Fix: Missing authentication on inference endpoint — FastAPI\n/);
    expect(run.stdout).toContain('File: app.py');
    expect(run.stdout).toContain('from fastapi import');
    expect(run.stdout).toMatch(/Apply:\n {2}1\. Save the code as app\.py/);
    expect(run.stdout).toContain(`uvicorn app:app --host 127.0.0.1 --port ${new URL(open.url).port}`);
    expect(run.stdout).toMatch(/Verify:\n/);
    const md = await runCli(['fix', missing.id, '--report', file('open.json'), '--format', 'markdown']);
    expect(md.stdout).toMatch(/^## Fix: Missing authentication/);
    const json = JSON.parse((await runCli(['fix', missing.id, '--report', file('open.json'), '--format', 'json'])).stdout);
    expect(json).toMatchObject({ rule: 'auth.missing', framework: 'fastapi', file: 'app.py' });
  }, 60_000);

  it('gatecrash fix --report FILE: one app that closes every finding; fix RULE --framework F for a rule', async () => {
    const all = await runCli(['fix', '--report', file('open.json')]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^Fix: Fixes for \d+ rules \(auth\.missing, /);
    const rule = await runCli(['fix', 'auth.missing', '--framework', 'flask']);
    expect(rule.code, rule.stderr).toBe(0);
    expect(rule.stdout).toMatch(/^Fix: Missing authentication on inference endpoint — Flask/);
    const ollama = await runCli(['fix', 'auth.missing', '--framework', 'ollama', '--url', 'http://127.0.0.1:11434/api/generate']);
    expect(ollama.stdout).toMatch(/Ollama cannot close this alone/);
  }, 60_000);

  it('below the confidence threshold gatecrash fix asks for the framework, naming the candidates', async () => {
    const report = JSON.parse(readFileSync(file('open.json'), 'utf8')) as ScanReport;
    const unsure = {
      ...report,
      fingerprint: { ...report.fingerprint, product: 'textgen-webui', confidence: 0.45, candidates: [{ product: 'fastapi', confidence: 0.41 }] },
    };
    writeFileSync(file('unsure.json'), JSON.stringify(unsure));
    const id = report.findings.find((f) => f.rule === 'auth.missing')!.id;
    const asked = await runCli(['fix', id, '--report', file('unsure.json')]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toBe(
      'gatecrash: No framework was chosen: the server looks like text-generation-webui with 45% confidence ' +
        'only, below the 60% Gatecrash needs to choose a fix for it; pass --framework, one of nginx (45%), ' +
        'fastapi (41%), flask, express, starlette, caddy.\n',
    );
    const named = await runCli(['fix', id, '--report', file('unsure.json'), '--framework', 'fastapi']);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/— FastAPI/);
  }, 60_000);

  it('fix mistakes are one sentence', async () => {
    const cases: [string[], RegExp][] = [
      [['fix'], /^gatecrash: fix needs a finding id with its report/],
      [['fix', 'GC-0123456789abcdef'], /needs the report the finding is in: --report FILE/],
      [['fix', 'GC-0123456789abcdef', '--report', file('open.json')], /is not a finding of \S+open\.json; its findings: GC-/],
      [['fix', 'auth.missing', '--framework', 'fastap'], /--framework takes one of .* \(did you mean fastapi\?\); got 'fastap'\./],
      [['fix', 'auth.jwt', '--framework', 'ollama'], /--framework ollama: there is no Ollama fix for auth\.jwt/],
      [['fix', 'auth.missing', '--report', '/nonexistent.json'], /--report \/nonexistent\.json: cannot read the file \(it does not exist\)\./],
    ];
    for (const [args, pattern] of cases) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(pattern);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);
});
