// The HTML report as a CI artifact, in a real browser: `gatecrash scan --format json --html FILE` scans a keyed vLLM once
// and writes both; the file is opened from disk with every network request refused (and recorded), in light and dark
// (screenshots), and read: the same view, the fixes for every framework from the file, no verify button (a hint instead).
// A batch file, and a 100-finding report that must render at once.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding, ScanReport } from '../../src/engine/types.js';
import { knowledgeFixes, withStackFixes } from '../../src/knowledge/index.js';
import { toHtml } from '../../src/report/html.js';
import { parseScanReport } from '../../src/report/json.js';
import { runCli } from '../e2e/cli-run.js';
import { loadFixture } from '../report/helpers.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { KEYED, startVllm } from '../targets/vllm.js';
import { chromiumAvailable, launchChromium, screenshot } from './browser.js';

const run = chromiumAvailable();

/** A context that may load only the given files; anything else a page asks for is refused and recorded. */
async function offline(browser: Browser, colorScheme: 'light' | 'dark', fetched: string[], files: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1100, height: 1400 } });
  const allowed = new Set(files.map((f) => pathToFileURL(f).href));
  await context.route('**/*', (route) => {
    if (allowed.has(route.request().url())) return route.continue();
    fetched.push(route.request().url());
    return route.abort();
  });
  return context;
}

async function open(context: BrowserContext, file: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.locator('article.report').first().waitFor();
  return page;
}

/** A report of `n` findings, made from a real one's (each a distinct finding on its own path). */
function manyFindings(base: ScanReport, n: number): ScanReport {
  const findings: Finding[] = Array.from({ length: n }, (_, i) => {
    const f = structuredClone(base.findings[i % base.findings.length]!);
    return { ...f, id: `GC-${i.toString(16).padStart(16, '0')}`, endpoint: { ...f.endpoint, url: `${f.endpoint.url.replace(/\/$/, '')}/route-${i}` } };
  });
  return { ...base, findings };
}

describe.runIf(run)('the HTML report opened from disk (Chromium)', () => {
  let browser: Browser;
  let vllm: RunningTarget;
  let dir: string;
  let report: ScanReport;
  let htmlFile: string;
  const fetched: string[] = [];

  beforeAll(async () => {
    [browser, vllm] = await Promise.all([launchChromium(), startVllm(KEYED)]);
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-html-'));
    htmlFile = join(dir, 'gatecrash.html');
    const json = join(dir, 'gatecrash.json');
    const r = await runCli([
      'scan',
      `${vllm.url}/v1/chat/completions`,
      '--bearer',
      TEST_KEY,
      '--format',
      'json',
      '--output',
      json,
      '--html',
      htmlFile,
      '--fail-on',
      'none',
    ]);
    expect(r.code, r.stderr).toBe(0);
    report = parseScanReport(readFileSync(json, 'utf8'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await vllm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is one file the scan wrote beside its JSON, of the same scan, without the key', () => {
    const html = readFileSync(htmlFile, 'utf8');
    expect(html).toContain(report.scanId);
    expect(html).not.toContain(TEST_KEY);
    console.log(`HTML report of ${report.findings.length} findings: ${statSync(htmlFile).size} bytes`);
  });

  it('shows the same view in light and dark, fetching nothing', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const context = await offline(browser, scheme, fetched, [htmlFile]);
      const page = await open(context, htmlFile);
      expect(await page.locator('h1').textContent()).toBe(`Gatecrash scan of ${report.target.url}`);
      expect(await page.locator('.grade-headline').textContent()).toBe(
        report.grade === null ? expect.any(String) : `Grade ${report.grade} · score ${report.score}/100`,
      );
      expect(await page.locator('li.finding').count()).toBe(report.findings.length);
      expect(await page.title()).toBe(`Gatecrash: ${report.target.url}`);
      const first = page.locator('li.finding').first();
      await first.locator('summary').click();
      await first.getByRole('button', { name: 'Show the fix' }).click();
      await first.locator('.fix-output').waitFor();
      const background = await page.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      expect(background).toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(22, 24, 29)');
      await screenshot(page, `html-report-${scheme}`, false);
      await context.close();
    }
    expect(fetched).toEqual([]);
  });

  it("offers every framework's fix from the file, the server's own first, and says how to verify", async () => {
    const context = await offline(browser, 'light', fetched, [htmlFile]);
    const page = await open(context, htmlFile);
    const finding = report.findings.find((f) => f.rule.startsWith('auth.'))!;
    const item = page.locator(`li.finding[data-finding-id="${finding.id}"]`);
    await item.locator('summary').click();
    await item.getByRole('button', { name: 'Show the fix' }).click();
    const select = item.getByLabel('Framework');
    await item.locator('.fix-output').waitFor();
    const offered = knowledgeFixes.frameworksFor(finding).map((o) => o.framework);
    expect(await select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual(offered);
    expect(await select.inputValue()).toBe(offered[0]);
    await select.selectOption('caddy');
    await item.locator('.fix-output[data-framework="caddy"]').waitFor();
    const code = knowledgeFixes.fix(finding, 'caddy').code;
    expect(await item.locator('.fix-output pre.code').textContent()).toBe(code);
    // Copy: to the clipboard where the page may write it, else the code is selected for the keyboard.
    await item.getByRole('button', { name: 'Copy the code' }).click();
    await item.locator('.copy-status').waitFor({ state: 'visible' });
    const said = await item.locator('.copy-status').textContent();
    expect(said).toMatch(/^(Copied\.|Copying is not allowed here: the code is selected, copy it with your keyboard\.)$/);
    if (said === 'Copied.') {
      await context.grantPermissions(['clipboard-read']);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    } else expect(await page.evaluate(() => window.getSelection()?.toString())).toBe(code);
    expect(await page.getByRole('button', { name: /Verify/ }).count()).toBe(0);
    expect(await page.locator('.findings > .hint').textContent()).toContain('gatecrash verify --report');
    await context.close();
    expect(fetched).toEqual([]);
  });

  it('a finding whose scan could not tell the stack surely gets no fix by a guess: the reader picks the framework; notices show', async () => {
    const fingerprint: ScanReport['fingerprint'] = {
      ...report.fingerprint,
      product: 'textgen-webui',
      confidence: 0.45,
      candidates: [{ product: 'fastapi', confidence: 0.41 }],
    };
    const unsure = withStackFixes(
      {
        ...report,
        fingerprint,
        findings: report.findings.map((f) => ({ ...f, server: { ...f.server, product: 'textgen-webui', confidence: 0.45 } })),
        notices: ['The value of Authorization is too short to be a secret: it is redacted only where it stands as a value.'],
      },
      (f, framework) => `gatecrash fix ${f.id} --framework ${framework ?? 'NAME'}`,
    );
    const finding = unsure.findings.find((f) => f.rule === 'auth.missing' || f.rule.startsWith('auth.'))!;
    const candidates = finding.fix!.candidates!.map((c) => c.framework);
    expect(finding.fix!.framework).toBeNull();
    const file = join(dir, 'unsure.html');
    writeFileSync(file, toHtml(unsure, { fixes: knowledgeFixes }));
    const context = await offline(browser, 'light', fetched, [file]);
    const page = await open(context, file);
    expect(await page.locator('header.summary p.notice').allTextContents()).toEqual([`Note: ${unsure.notices![0]}`]);
    const item = page.locator(`li.finding[data-finding-id="${finding.id}"]`);
    await item.locator('summary').click();
    const select = item.getByLabel('Framework');
    expect(await select.isEnabled()).toBe(true);
    expect(await select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value))).toEqual(['', ...candidates]);
    await item.getByRole('button', { name: 'Show the fix' }).click();
    expect(await item.locator('p.status').textContent()).toBe(
      "The scan could not tell the server's stack surely enough to choose a fix: choose its framework.",
    );
    expect(await item.locator('.fix-output').count()).toBe(0);
    const picked = candidates[1] ?? candidates[0]!;
    await select.selectOption(picked);
    await item.locator(`.fix-output[data-framework="${picked}"]`).waitFor();
    expect(await item.locator('.fix-output pre.code').textContent()).toBe(knowledgeFixes.fix(finding, picked).code);
    await context.close();
    expect(fetched).toEqual([]);
  });

  it('a batch file lists every target, then each report, then the targets not scanned', async () => {
    const file = join(dir, 'batch.html');
    const reports = [report, loadFixture('clean')];
    writeFileSync(
      file,
      toHtml({ reports, errors: [{ url: 'http://10.9.9.9:8000/generate', message: 'The address is in a private range.' }] }, { fixes: knowledgeFixes }),
    );
    const context = await offline(browser, 'light', fetched, [file]);
    const page = await open(context, file);
    expect(await page.locator('h1').textContent()).toBe('Gatecrash batch scan of 3 targets');
    expect(await page.locator('table.batch tbody tr').count()).toBe(3);
    expect(await page.locator('article.report h2.title').allTextContents()).toEqual(reports.map((r) => `Gatecrash scan of ${r.target.url}`));
    expect(await page.getByRole('heading', { name: 'Not scanned' }).count()).toBe(1);
    await context.close();
  });

  it('renders a 100-finding report at once, every finding there and each one opening', async () => {
    const big = manyFindings(report, 100);
    const file = join(dir, 'many.html');
    writeFileSync(file, toHtml(big, { fixes: knowledgeFixes }));
    console.log(`HTML report of 100 findings: ${statSync(file).size} bytes`);
    const context = await offline(browser, 'light', fetched, [file]);
    const page = await open(context, file);
    expect(await page.locator('li.finding').count()).toBe(100);
    // Bodies are built on first open: none yet, then all of them.
    expect(await page.locator('.finding-body').count()).toBe(0);
    await page.locator('li.finding details').evaluateAll((els) => {
      for (const d of els) (d as HTMLDetailsElement).open = true;
    });
    expect(await page.locator('.finding-body').count()).toBe(100);
    await context.close();
    expect(fetched).toEqual([]);
  });
});
