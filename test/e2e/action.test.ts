// The GitHub Action's script (scripts/action.sh) run locally, as the runner would: inputs in INPUT_*, outputs in the
// GITHUB_OUTPUT file, the built CLI in place of the published one (GATECRASH_CLI), emulated FastAPI wrappers as targets.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBlockers } from '../report/helpers.js';
import { KEYED, OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { type ActionRun, ROOT, runAction } from './action-run.js';

/** The secret may appear only inside the ::add-mask:: commands that hide it. */
function expectMaskedOnly(run: ActionRun, secret: string): void {
  expect(run.stdout).toContain(`::add-mask::${secret}`);
  const rest = `${run.stdout}\n${run.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expect(rest).not.toContain(secret);
}

describe('scripts/action.sh (the GitHub Action)', () => {
  let open: RunningTarget;
  let keyed: RunningTarget;
  let dir: string;

  beforeAll(async () => {
    [open, keyed] = await Promise.all([startFastapiWrapper(OPEN), startFastapiWrapper(KEYED)]);
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-action-'));
  });
  afterAll(async () => {
    await Promise.all([open?.close(), keyed?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails the step (exit 1) on the open wrapper, with outputs and a SARIF file, and masks every header value', async () => {
    const other = 'tok-action-secret-77';
    const run = await runAction(dir, {
      url: `${open.url}/generate`,
      headers: `X-API-Key: ${TEST_KEY}\r\n\n# a comment line\nAuthorization: Bearer ${other}\n`,
      'sarif-file': 'reports/gatecrash.sarif',
    });
    expect(run.code, run.stderr).toBe(1);
    const sarifPath = join(dir, 'reports/gatecrash.sarif');
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    const results = sarif.runs[0].results as { ruleId: string }[];
    expect(results.some((r) => r.ruleId === 'auth.missing')).toBe(true);
    expect(run.outputs).toEqual({
      score: String(sarif.runs[0].invocations[0].properties.score),
      grade: sarif.runs[0].invocations[0].properties.grade,
      findings: String(results.length),
      'sarif-file': 'reports/gatecrash.sarif',
    });
    expect(Number(run.outputs.score)).toBeLessThan(100);
    expect(run.stdout).toMatch(/::error title=Gatecrash::A confirmed or firm finding/);
    expect(run.summary).toMatch(/^### Gatecrash: grade [A-F] \(\d+\/100\)/);
    for (const secret of [TEST_KEY, other, `Bearer ${other}`]) expectMaskedOnly(run, secret);
    expect(readFileSync(sarifPath, 'utf8')).not.toContain(TEST_KEY);
    expect(readFileSync(sarifPath, 'utf8')).not.toContain(other);
    expect(run.summary).not.toContain(TEST_KEY);
  }, 60_000);

  it('passes (exit 0) on the guarded wrapper scanned with its key, and honours fail-on none', async () => {
    const run = await runAction(dir, { url: `${keyed.url}/generate`, headers: `X-API-Key: ${TEST_KEY}`, 'sarif-file': 'keyed.sarif' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs.grade).toMatch(/^[A-F]$/);
    expect(run.outputs.findings).toMatch(/^\d+$/);
    expectMaskedOnly(run, TEST_KEY);
    const none = await runAction(dir, { url: `${open.url}/generate`, 'fail-on': 'none', depth: 'quick', 'sarif-file': 'none.sarif' });
    expect(none.code, none.stderr).toBe(0);
    expect(Number(none.outputs.findings)).toBeGreaterThan(0);
  }, 60_000);

  it('scans a targets file as one batch: the lowest score, the worst grade, every finding', async () => {
    writeFileSync(join(dir, 'targets.txt'), `# both wrappers\n${open.url}/generate\n${keyed.url}/generate\n`);
    const run = await runAction(dir, { targets: 'targets.txt', 'sarif-file': 'batch.sarif' });
    expect(run.code, run.stderr).toBe(1);
    const run0 = JSON.parse(readFileSync(join(dir, 'batch.sarif'), 'utf8')).runs[0];
    expect(run0.invocations).toHaveLength(2);
    const scores = run0.invocations.map((i: { properties: { score: number } }) => i.properties.score);
    expect(run.outputs.score).toBe(String(Math.min(...scores)));
    expect(run.outputs.findings).toBe(String(run0.results.length));
    expect(run.summary.split('\n').filter((l) => l.startsWith('| http://'))).toHaveLength(2);
  }, 60_000);

  it('writes the HTML report of the same scan when html-file is given, and names it in the outputs', async () => {
    const run = await runAction(dir, {
      url: `${open.url}/generate`,
      headers: `X-API-Key: ${TEST_KEY}`,
      'sarif-file': 'html.sarif',
      'html-file': 'reports/gatecrash.html',
      'fail-on': 'none',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs['html-file']).toBe('reports/gatecrash.html');
    const html = readFileSync(join(dir, 'reports/gatecrash.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const sarif = JSON.parse(readFileSync(join(dir, 'html.sarif'), 'utf8'));
    // One scan for both files: the HTML carries the scan the SARIF describes.
    expect(html).toContain(sarif.runs[0].invocations[0].properties.scanId);
    expect(html).not.toContain(TEST_KEY);
  }, 60_000);

  it('escapes % in ::add-mask:: data, as the runner unescapes it', async () => {
    const tricky = 'sk-50%25off-%0Aend';
    const run = await runAction(dir, { url: `${keyed.url}/generate`, headers: `X-Other: ${tricky}`, 'fail-on': 'none', depth: 'quick' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('::add-mask::sk-50%2525off-%250Aend\n');
    expect(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(tricky);
  }, 60_000);

  it('exits 2 with an annotation when the target is down or the inputs are wrong, never printing a header line', async () => {
    const down = await runAction(dir, { url: 'http://127.0.0.1:9/generate', 'sarif-file': 'down.sarif' });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/Could not reach/);
    expect(down.outputs.score).toBe('');
    expect(down.outputs.grade).toBe('');
    expect(down.stdout).toMatch(/::error title=Gatecrash::Gatecrash cannot vouch for the target/);

    const both = await runAction(dir, { url: `${open.url}/generate`, targets: 'targets.txt' });
    expect(both.code).toBe(2);
    expect(both.stdout).toMatch(/::error title=Gatecrash::Give either/);
    const neither = await runAction(dir, {});
    expect(neither.code).toBe(2);

    const pasted = 'sk-pasted-without-a-name-123';
    const bad = await runAction(dir, { url: `${open.url}/generate`, headers: `X-API-Key: ${TEST_KEY}\n${pasted}` });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/Line 2 of the 'headers' input has no colon/);
    expect(`${bad.stdout}${bad.stderr}`).not.toContain(pasted);

    const empty = await runAction(dir, { url: `${keyed.url}/generate`, headers: 'X-API-Key: \nAuthorization:   ', 'fail-on': 'none', depth: 'quick' });
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/::warning title=Gatecrash::The header X-API-Key has an empty value/);
    expect(empty.stdout).toMatch(/::warning title=Gatecrash::The header Authorization has an empty value/);
    expect(empty.stdout).not.toContain('::add-mask::');

    const wrongFlag = await runAction(dir, { url: `${open.url}/generate`, 'allow-private': 'maybe' });
    expect(wrongFlag.code).toBe(2);
  }, 60_000);

  it('source attaches every result to the code that serves the route; no artifact URI has a scheme', async () => {
    mkdirSync(join(dir, 'app'), { recursive: true });
    writeFileSync(join(dir, 'app/main.py'), '# the FastAPI app\n');
    const run = await runAction(dir, { url: `${open.url}/generate`, source: 'app/main.py:1', 'sarif-file': 'source.sarif' });
    expect(run.code, run.stderr).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'source.sarif'), 'utf8'));
    const results = sarif.runs[0].results as { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('app/main.py');
    expect(uploadBlockers(sarif)).toEqual([]);
    const missing = await runAction(dir, { url: `${open.url}/generate`, source: 'app/nothere.py', 'sarif-file': 'missing.sarif' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--source app\/nothere\.py: there is no such file/);
  }, 60_000);

  it('action.yml declares the inputs and outputs the script serves and runs it with inputs only in the environment', () => {
    const yml = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    for (const input of ['url', 'targets', 'headers', 'fail-on', 'depth', 'sarif-file', 'allow-private', 'source', 'html-file'])
      expect(yml).toMatch(new RegExp(`^  ${input}:\\n`, 'm'));
    for (const output of ['score', 'grade', 'findings', 'sarif-file', 'html-file']) expect(yml).toContain(`${output}:\n    description:`);
    expect(yml).toMatch(/using: composite/);
    expect(yml).toContain('run: bash "$GITHUB_ACTION_PATH/scripts/action.sh"');
    // No input is spliced into a run line (script injection); they arrive as INPUT_* variables.
    for (const line of yml.split('\n').filter((l) => l.includes('run:'))) expect(line).not.toContain('${{');
  });
});
