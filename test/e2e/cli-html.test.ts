// `--format html` and `--html FILE` from the built CLI: the page on stdout or in a file, the same exit code as any other
// format (the gate does not depend on the format), a batch as one page, and a sentence where --html means nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEW_DATA_ELEMENT_ID, type ViewPayload } from '../../src/report/view-payload.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { runCli } from './cli-run.js';

const payloadOf = (html: string): ViewPayload =>
  JSON.parse(new RegExp(`<script type="application/json" id="${VIEW_DATA_ELEMENT_ID}">([\\s\\S]*?)</script>`).exec(html)![1]!) as ViewPayload;

describe('gatecrash scan --format html / --html', () => {
  let target: RunningTarget;
  let dir: string;

  beforeAll(async () => {
    target = await startFastapiWrapper({});
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-cli-html-'));
  });
  afterAll(async () => {
    await target?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("writes the page to stdout, with the gate's exit code and its line on stderr", async () => {
    const r = await runCli(['scan', `${target.url}/generate`, '--format', 'html']);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stderr).toMatch(/the gate failed/);
    const p = payloadOf(r.stdout);
    expect(p.reports[0]!.findings.map((f) => f.rule)).toContain('auth.missing');
    expect(Object.keys(p.findingFixes).sort()).toEqual(p.reports[0]!.findings.map((f) => f.id).sort());
  });

  it('--html writes the page beside SARIF, for the Action to attach', async () => {
    const sarif = join(dir, 'g.sarif');
    const html = join(dir, 'g.html');
    const r = await runCli(['scan', `${target.url}/generate`, '--format', 'sarif', '--output', sarif, '--html', html, '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(readFileSync(sarif, 'utf8')).runs[0];
    expect(payloadOf(readFileSync(html, 'utf8')).reports[0]!.findings).toHaveLength(run.results.length);
  });

  it('a batch is one page with every report and the targets not scanned', async () => {
    const targets = join(dir, 'targets.txt');
    writeFileSync(targets, `${target.url}/generate\nhttp://169.254.169.254/latest\n`);
    const html = join(dir, 'batch.html');
    const r = await runCli(['scan', '--targets', targets, '--format', 'json', '--output', join(dir, 'batch.json'), '--html', html]);
    expect(r.code).toBe(2);
    const p = payloadOf(readFileSync(html, 'utf8'));
    expect(p.reports).toHaveLength(1);
    expect(p.errors.map((e) => e.url)).toEqual(['http://169.254.169.254/latest']);
  });

  it('--html where it means nothing is a sentence, exit 2', async () => {
    const r = await runCli(['checks', '--html', join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "gatecrash: --html is not a flag of 'gatecrash checks' (it belongs to 'scan', 'demo'); run gatecrash checks --help for its flags.",
    );
  });
});
