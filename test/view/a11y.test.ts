// Accessibility, checked by axe-core (WCAG 2.x A and AA rules, best practices) in Chromium, on the assistant view and on the
// HTML file, in light and dark, with a finding open, its evidence and its fix showing. No serious or critical violation
// may remain; the test prints what axe found. Keyboard: every control is reached by Tab and a finding opens with Enter.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeFixes } from '../../src/knowledge/index.js';
import { toHtml } from '../../src/report/html.js';
import { loadFixture } from '../report/helpers.js';
import type { RunningTarget } from '../targets/harness.js';
import { KEYED, startVllm } from '../targets/vllm.js';
import { chromiumAvailable, launchChromium } from './browser.js';
import { type HostPage, openHost } from './host.js';

const run = chromiumAvailable();
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeSummary {
  violations: { id: string; impact: string | null; help: string; nodes: number }[];
  passes: number;
  incomplete: string[];
}

/** Runs axe in a frame (the page's own world; the view's CSP does not stop the test's evaluation). */
async function axe(frame: Frame): Promise<AxeSummary> {
  await frame.evaluate(AXE_SOURCE);
  return frame.evaluate(async () => {
    const a = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[]; passes: unknown[]; incomplete: { id: string }[] }>;
        };
      }
    ).axe;
    const r = await a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return {
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })),
      passes: r.passes.length,
      incomplete: r.incomplete.map((i) => i.id),
    };
  });
}

/** Opens the first finding and shows its fix, so axe sees the evidence panes, the picker and the code. */
async function openFirstFinding(frame: Frame): Promise<void> {
  const first = frame.locator('li.finding').first();
  if (!(await first.locator('details').evaluate((d) => (d as HTMLDetailsElement).open))) await first.locator('summary').click();
  if ((await first.locator('.fix-output').count()) === 0) await first.getByRole('button', { name: 'Show the fix' }).click();
  await first.locator('.fix-output').first().waitFor();
  await frame.locator('section.rules-section details').evaluate((d) => ((d as HTMLDetailsElement).open = true));
}

const results: string[] = [];
function record(where: string, r: AxeSummary): void {
  const v = r.violations.map((x) => `${x.id} (${x.impact}, ${x.nodes})`).join(', ') || 'none';
  results.push(`| ${where} | ${r.passes} | ${v} | ${r.incomplete.join(', ') || 'none'} |`);
}
const serious = (r: AxeSummary) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

describe.runIf(run)('accessibility of the view (axe-core in Chromium)', () => {
  let browser: Browser;
  let host: HostPage;
  let vllm: RunningTarget;
  let dir: string;

  beforeAll(async () => {
    [browser, vllm] = await Promise.all([launchChromium(), startVllm(KEYED)]);
    host = await openHost(browser);
    await host.show('scan_endpoint', { url: `${vllm.url}/v1/chat/completions` }, { theme: 'light' });
    await host.view().locator('article.report').waitFor();
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-a11y-'));
  }, 120_000);

  afterAll(async () => {
    console.log(
      `\naxe-core ${JSON.parse(readFileSync(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8')).version}: ` +
        `WCAG 2.2 A/AA and best practices\n| page | rules passed | violations (impact, nodes) | needs review ` +
        `|\n|---|---|---|---|\n${results.join('\n')}\n`,
    );
    await host?.close();
    await browser?.close();
    await vllm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the assistant view, light and dark: no serious or critical violation', async () => {
    const view = host.view();
    await openFirstFinding(view);
    for (const theme of ['light', 'dark'] as const) {
      await host.setTheme(theme);
      await view.locator(`html[data-theme="${theme}"]`).waitFor();
      const r = await axe(view);
      record(`assistant view, ${theme}`, r);
      expect(serious(r), `${theme}: ${JSON.stringify(serious(r))}`).toEqual([]);
    }
  });

  it('the HTML file, light and dark, a report with every kind of finding: no serious or critical violation', async () => {
    const file = join(dir, 'report.html');
    writeFileSync(file, toHtml(loadFixture('many-rules'), { fixes: knowledgeFixes }));
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.locator('article.report').waitFor();
      await openFirstFinding(page.mainFrame());
      const r = await axe(page.mainFrame());
      record(`HTML file, ${colorScheme}`, r);
      expect(serious(r), `${colorScheme}: ${JSON.stringify(serious(r))}`).toEqual([]);
      await context.close();
    }
  });

  it('works from the keyboard: Tab reaches the findings, Enter opens one, Tab reaches its controls', async () => {
    const file = join(dir, 'keys.html');
    writeFileSync(file, toHtml(loadFixture('many-rules'), { fixes: knowledgeFixes }));
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.locator('article.report').waitFor();
    const focused = () =>
      page.evaluate(() => `${document.activeElement?.tagName.toLowerCase()}${document.activeElement?.closest('li.finding') ? ' in finding' : ''}`);
    let guard = 0;
    while ((await focused()) !== 'summary in finding' && guard++ < 20) await page.keyboard.press('Tab');
    expect(await focused()).toBe('summary in finding');
    await page.keyboard.press('Enter');
    expect(
      await page
        .locator('li.finding details')
        .first()
        .evaluate((d) => (d as HTMLDetailsElement).open),
    ).toBe(true);
    const reached = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.tagName.toLowerCase() ?? ''));
    }
    // The evidence panes scroll (focusable), then the framework picker's button.
    expect(reached.has('pre')).toBe(true);
    expect(reached.has('button')).toBe(true);
    await page.close();
  });
});
