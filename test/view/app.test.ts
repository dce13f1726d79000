// The scan view inside an assistant, in a real browser: Debian's Chromium, a test host embedding the view with the MCP
// Apps host bridge (AppBridge), connected to the real MCP server (`gatecrash mcp`). A keyed vLLM is scanned through the
// host; the tests read the DOM (grade, findings by severity, evidence side by side, redaction), pick frameworks for the
// fix, follow the host's theme (screenshots of both), and verify a fix against a FastAPI wrapper and its fixed twin.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/engine/types.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { KEYED, startVllm } from '../targets/vllm.js';
import { chromiumAvailable, launchChromium, screenshot } from './browser.js';
import { type HostPage, openHost } from './host.js';

const run = chromiumAvailable();

describe.runIf(run)('the scan view in an MCP Apps host (Chromium)', () => {
  let browser: Browser;
  let host: HostPage;
  let vllm: RunningTarget;
  let report: ScanReport;

  beforeAll(async () => {
    [browser, vllm] = await Promise.all([launchChromium(), startVllm(KEYED)]);
    host = await openHost(browser);
    const result = await host.show(
      'scan_endpoint',
      { url: `${vllm.url}/v1/chat/completions`, headers: { Authorization: `Bearer ${TEST_KEY}` } },
      { theme: 'light' },
    );
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await host.view().locator('article.report').waitFor();
    // The report the view shows is the server's own: read it the way the view did, as the resource.
    const scanId = (result.structuredContent as { scanId: string }).scanId;
    report = JSON.parse(
      await host.page.evaluate(
        (uri) => window.testHost.client.readResource({ uri }).then((r) => (r.contents[0] as { text: string }).text),
        `gatecrash://scans/${scanId}`,
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await browser?.close();
    await vllm?.close();
  });

  it('shows the grade, the verdict and the target', async () => {
    const view = host.view();
    expect(await view.locator('h1').textContent()).toBe(`Gatecrash scan of ${report.target.url}`);
    const headline = await view.locator('.grade-headline').textContent();
    if (report.grade === null) expect(headline).toMatch(/^(Incomplete|Not reached): no grade$/);
    else expect(headline).toBe(`Grade ${report.grade} · score ${report.score}/100`);
    expect(await view.locator('.grade').getAttribute('data-grade')).toBe(report.grade ?? report.verdict.status);
  });

  it('lists every finding once, grouped by severity, most severe first', async () => {
    const view = host.view();
    expect(report.findings.length).toBeGreaterThanOrEqual(8);
    const ids = await view.locator('li.finding').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding-id')));
    expect(new Set(ids)).toEqual(new Set(report.findings.map((f) => f.id)));
    expect(ids).toHaveLength(report.findings.length);
    const groups = await view
      .locator('section.severity-group')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-severity'), e.querySelectorAll('li.finding').length]));
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const expected = order.map((s) => [s, report.findings.filter((f) => f.severity === s).length]).filter(([, n]) => n);
    expect(groups).toEqual(expected);
    const headings = await view.locator('section.severity-group > h3').allTextContents();
    expect(headings[0]).toMatch(/^(Critical|High|Medium|Low|Info) \(\d+\)$/);
  });

  it('opens a finding onto its baseline and variant side by side, redacted', async () => {
    const view = host.view();
    const differential = report.findings.find((f) => f.evidence.baseline && f.evidence.response);
    expect(differential, 'a finding with a refused baseline').toBeDefined();
    const item = view.locator(`li.finding[data-finding-id="${differential!.id}"]`);
    await item.locator('summary').click();
    const pair = item.locator('.exchanges.pair');
    await pair.waitFor();
    const panes = await pair.locator('section.exchange').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(panes).toEqual(['baseline', 'variant']);
    const baselineRequest = await pair.locator('[data-kind="baseline"] pre[data-part="request"]').textContent();
    expect(baselineRequest).toContain(`${differential!.evidence.baseline!.request.method} ${differential!.evidence.baseline!.request.url} HTTP/1.1`);
    const variantResponse = await pair.locator('[data-kind="variant"] pre[data-part="response"]').textContent();
    expect(variantResponse).toContain(`HTTP/1.1 ${differential!.evidence.response!.status}`);
    // The two panes sit side by side at this width.
    const boxes = await pair.locator('section.exchange').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(boxes[0]).toBe(boxes[1]);
    // The key the scan was given never reaches the page; where it was sent, the page says [REDACTED].
    await view.locator('li.finding summary').evaluateAll((els) => {
      for (const e of els) (e.parentElement as HTMLDetailsElement).open = true;
    });
    const text = await view.locator('#app').textContent();
    await view.locator('li.finding details').evaluateAll((els) => {
      for (const d of els) (d as HTMLDetailsElement).open = false;
    });
    expect(text).not.toContain(TEST_KEY);
    // Where the evidence carried the key (as sent by a probe that needed it), the page shows what the report shows.
    if (JSON.stringify(report.findings).includes('[REDACTED]')) expect(text).toContain('[REDACTED]');
  });

  it('shows the fix for the identified stack and every other framework through suggest_remediation', async () => {
    const view = host.view();
    const finding = report.findings.find((f) => f.rule.startsWith('auth.')) ?? report.findings[0]!;
    const item = view.locator(`li.finding[data-finding-id="${finding.id}"]`);
    if (!(await item.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) await item.locator('summary').click();
    await item.getByRole('button', { name: 'Show the fix' }).click();
    const code = item.locator('.fix-output pre.code');
    await code.waitFor();
    const select = item.getByLabel('Framework');
    const first = await select.inputValue();
    expect(first).toBe('vllm');
    expect(await code.textContent()).toContain('vllm serve');
    const options = await select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(options[0]).toBe('vllm');
    expect(options).toContain('nginx');
    await select.selectOption('nginx');
    await item.locator('.fix-output[data-framework="nginx"]').waitFor();
    expect(await code.first().textContent()).toMatch(/location|server \{/);
    // In the sandboxed frame the copy goes to the clipboard the host allowed (clipboard-write), or the code is selected.
    await item.getByRole('button', { name: 'Copy the code' }).click();
    await item.locator('.copy-status').waitFor({ state: 'visible' });
    const said = await item.locator('.copy-status').textContent();
    expect(said).toMatch(/^(Copied\.|Copying is not allowed here: the code is selected, copy it with your keyboard\.)$/);
    // (A selection's text drops the block's last newline.)
    if (said !== 'Copied.') expect((await view.evaluate(() => window.getSelection()?.toString()))?.trimEnd()).toBe((await code.textContent())?.trimEnd());
    const calls = (await host.fromView()).filter((m) => m.method === 'tools/call');
    expect(calls.map((c) => c.target)).toEqual(['suggest_remediation', 'suggest_remediation']);
    expect(calls[1]!.arguments).toMatchObject({ framework: 'nginx' });
  });

  it('follows the host theme: light, then dark when the host switches', async () => {
    const view = host.view();
    // The view as a user looks at it: the most severe finding open, its fix shown, the top of the page.
    const first = view.locator('li.finding').first();
    if (!(await first.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) await first.locator('summary').click();
    if ((await first.locator('.fix-output').count()) === 0) await first.getByRole('button', { name: 'Show the fix' }).click();
    await first.locator('.fix-output').first().waitFor();
    await view.locator('h1').evaluate((e) => e.scrollIntoView());
    const light = await view.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    await screenshot(host.page, 'app-vllm-light', false);
    await host.setTheme('dark');
    await view.locator('html[data-theme="dark"]').waitFor();
    const dark = await view.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(dark).not.toBe(light);
    // The host's own background variable wins over the view's default.
    expect(dark).toBe('rgb(27, 28, 32)');
    await screenshot(host.page, 'app-vllm-dark', false);
    await host.setTheme('light');
  });

  it('tells the host its size, so the frame shows all of it', async () => {
    const sizes = await host.page.evaluate(() => window.testHost.sizes);
    expect(sizes.length).toBeGreaterThan(0);
    const frameHeight = await host.page.locator('iframe#view').evaluate((f) => f.getBoundingClientRect().height);
    expect(frameHeight).toBeGreaterThan(400);
  });
});

describe.runIf(run)('verify the fix from the view (Chromium, MCP server)', () => {
  let browser: Browser;
  let host: HostPage;
  let open: RunningTarget;
  let fixed: RunningTarget;

  beforeAll(async () => {
    [browser, open, fixed] = await Promise.all([
      launchChromium(),
      startFastapiWrapper({}),
      // The twin after the fix: the key checked for every path before routing, the docs routes off.
      startFastapiWrapper({ auth: { mode: 'middleware', header: 'X-API-Key', key: TEST_KEY }, docs: false }),
    ]);
    host = await openHost(browser);
    const result = await host.show('scan_endpoint', { url: `${open.url}/generate` }, { theme: 'light' });
    expect(result.isError).toBeFalsy();
    await host.view().locator('article.report').waitFor();
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await browser?.close();
    await Promise.all([open?.close(), fixed?.close()]);
  });

  it('on the unchanged target, one finding is verified still failing', async () => {
    const view = host.view();
    const item = view.locator('li.finding[data-rule="auth.missing"]').first();
    await item.locator('summary').click();
    await item.getByRole('button', { name: 'Verify this fix' }).click();
    const badge = item.locator('.verdict-badge');
    await badge.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await badge.textContent()).toBe('still failing');
    expect(await item.locator('p.verdict').textContent()).toMatch(/^Still failing: /);
  });

  it('where the fixed twin answers, every finding is verified fixed and the view says so', async () => {
    const view = host.view();
    const url = view.getByLabel('Where the fixed service answers');
    await url.fill(`${fixed.url}/generate`);
    await view.getByRole('button', { name: 'Verify every fix' }).click();
    await view.locator('.verify-controls .status', { hasText: 'proven fixed' }).waitFor({ timeout: 90_000 });
    const badges = await view.locator('li.finding .verdict-badge').allTextContents();
    expect(badges.length).toBeGreaterThan(0);
    expect(new Set(badges)).toEqual(new Set(['fixed']));
    const calls = (await host.fromView()).filter((m) => m.method === 'tools/call');
    expect(calls.at(-1)).toMatchObject({ target: 'verify_fix', arguments: { url: `${fixed.url}/generate` } });
    await screenshot(host.page, 'app-verified-light', false);
  });

  it('a verify_fix call by the assistant opens the view with its verdicts', async () => {
    const fromScan = (await host.fromView()).find((m) => m.method === 'resources/read');
    const previousScan = fromScan!.target!.replace('gatecrash://scans/', '');
    await host.show('verify_fix', { url: `${fixed.url}/generate`, previousScan }, { theme: 'dark' });
    const view = host.view();
    await view.locator('article.report').waitFor();
    await view.locator('.verify-controls .status', { hasText: 'fixed' }).waitFor();
    expect(new Set(await view.locator('li.finding .verdict-badge').allTextContents())).toEqual(new Set(['fixed']));
    expect(await view.getByLabel('Where the fixed service answers').inputValue()).toBe(`${fixed.url}/generate`);
  });

  it('a scan cut short by its budget shows "incomplete" and why, not a grade', async () => {
    const result = await host.show('scan_endpoint', { url: `${open.url}/generate`, budget: 5 }, { theme: 'light' });
    const sc = result.structuredContent as { verdict: { status: string; reasons: string[] }; grade: string | null };
    expect(sc.grade).toBeNull();
    const view = host.view();
    await view.locator('article.report').waitFor();
    expect(await view.locator('.grade-headline').textContent()).toBe('Incomplete: no grade');
    expect(await view.locator('.grade').getAttribute('data-grade')).toBe('incomplete');
    expect(await view.locator('.grade-letter').textContent()).toBe('?');
    expect(await view.locator('ul.reasons li').allTextContents()).toEqual(sc.verdict.reasons);
    expect(sc.verdict.reasons.join(' ')).toMatch(/budget/);
  });

  it('verdicts on a report the session does not keep (a saved file) are shown on their own', async () => {
    const read = (await host.fromView()).find((m) => m.method === 'resources/read')!.target!;
    const saved = JSON.parse(
      await host.page.evaluate((uri) => window.testHost.client.readResource({ uri }).then((r) => (r.contents[0] as { text: string }).text), read),
    ) as ScanReport;
    const fromFile = { ...saved, scanId: '00000000-0000-4000-8000-000000000000' };
    await host.show('verify_fix', { url: `${fixed.url}/generate`, previousScan: fromFile }, { theme: 'light' });
    const view = host.view();
    await view.locator('article.verdicts-only').waitFor();
    expect(await view.locator('h1').textContent()).toBe(`Gatecrash verify of ${fixed.url}/generate`);
    expect(await view.locator('li.finding').count()).toBe(saved.findings.length);
    expect(new Set(await view.locator('li.finding .verdict-badge').allTextContents())).toEqual(new Set(['fixed']));
  });
});
