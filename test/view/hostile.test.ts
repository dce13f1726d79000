// Hostile data stays data, in a real browser. A target whose every string is an injection attempt (test/targets/
// injection.ts) is scanned through the MCP server; its report is shown in the assistant view (test host, AppBridge) and
// as the standalone HTML file. Nothing may run (no flag set, no dialog, not even a CSP refusal: nothing was ever markup),
// nothing may be fetched, nothing may reach the host bridge but what the view itself asks, and every attempt must be on
// the page as the text it is. The test prints the table of attempts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/engine/types.js';
import { clean, visible } from '../../src/engine/untrusted.js';
import { knowledgeFixes } from '../../src/knowledge/index.js';
import { neutralizeControls } from '../../src/report/format.js';
import { toHtml } from '../../src/report/html.js';
import type { RunningTarget } from '../targets/harness.js';
import { BIG_BODY_BYTES, INJECTIONS, type InjectionId, MODEL_ID, startInjectionTarget } from '../targets/injection.js';
import { chromiumAvailable, launchChromium, screenshot } from './browser.js';
import { type HostPage, openHost } from './host.js';

const run = chromiumAvailable();

/** Elements and attributes the view makes (src/view/dom.ts), plus the page's own head. Anything else came from data. */
const TAGS = new Set(
  (
    'html head body meta title style script main article header section div p span h1 h2 h3 h4 h5 h6 ul ' +
    'ol li dl dt dd details summary pre code strong table caption thead tbody tr th td button select ' +
    'option label input'
  ).split(' '),
);
const ATTRS =
  /^(class|id|role|type|for|tabindex|hidden|title|value|name|disabled|open|scope|autocomplete|spellcheck|lang|dir|selected|aria-[a-z]+|data-[a-z-]+|charset|content|http-equiv)$/;

interface PageFacts {
  pwned: unknown;
  scripts: number;
  foreign: string[];
  text: string;
}

/** What a frame holds: the flag a payload would set, its scripts, any element or attribute the view does not make, its text. */
function facts(frame: Frame): Promise<PageFacts> {
  return frame.evaluate(
    ([tags, attrs]) => {
      const tagSet = new Set(tags);
      const attrRe = new RegExp(attrs);
      const foreign: string[] = [];
      for (const el of Array.from(document.querySelectorAll('*'))) {
        const tag = el.tagName.toLowerCase();
        if (!tagSet.has(tag)) foreign.push(`<${tag}>`);
        // The root's style holds the host's style variables, set by the view's own code through the CSSOM.
        for (const a of Array.from(el.attributes)) if (!attrRe.test(a.name) && !(tag === 'html' && a.name === 'style')) foreign.push(`${tag}[${a.name}]`);
        if (tag === 'meta' && /refresh/i.test(el.getAttribute('http-equiv') ?? '')) foreign.push('meta refresh');
      }
      return {
        pwned: (window as { __gatecrashPwned?: unknown }).__gatecrashPwned,
        scripts: document.scripts.length,
        foreign,
        text: document.getElementById('app')?.textContent ?? '',
      };
    },
    [[...TAGS], ATTRS.source] as const,
  );
}

/** Opens every finding and asks for every fix, as a curious user would; waits until every fix panel has answered. */
async function clickThrough(frame: Frame): Promise<void> {
  await frame.locator('li.finding details').evaluateAll((els) => {
    for (const d of els) (d as HTMLDetailsElement).open = true;
  });
  await frame.locator('details:not(.finding-details)').evaluateAll((els) => {
    for (const d of els) (d as HTMLDetailsElement).open = true;
  });
  const panels = frame.locator('.fix');
  const n = await panels.count();
  for (let i = 0; i < n; i++) {
    await panels.nth(i).getByRole('button', { name: 'Show the fix' }).click();
    await panels.nth(i).locator('.fix-output').waitFor();
  }
}

/** How a string may appear: as sent, JSON-escaped inside a JSON body, or as evidence shows it (controls as visible escapes). */
const forms = (text: string) => [text, JSON.stringify(text).slice(1, -1)].flatMap((f) => [f, visible(f, true)]);
/** Whether the page shows the string as text (control characters as the visible escapes the view writes). */
const shows = (page: string, text: string) => forms(text).some((f) => page.includes(neutralizeControls(f)));

describe.runIf(run)('hostile data stays data in the view (Chromium)', () => {
  let browser: Browser;
  let target: RunningTarget;
  let host: HostPage;
  let report: ScanReport;
  let standalone: Page;
  let dir: string;
  const fetched: string[] = [];
  /** The standalone file itself is the one URL a page may load. */
  const allowed = new Set<string>();
  const dialogs: string[] = [];
  const cspReports: string[] = [];
  const rows: Record<InjectionId, { inReport: string[]; app: string; file: string }> = Object.fromEntries(
    Object.keys(INJECTIONS).map((id) => [id, { inReport: [], app: '', file: '' }]),
  ) as never;

  beforeAll(async () => {
    [browser, target] = await Promise.all([launchChromium(), startInjectionTarget()]);
    host = await openHost(browser);
    // Anything the pages try to fetch is recorded and refused; dialogs and CSP refusals are recorded.
    await host.context.route('**/*', (route) => {
      if (allowed.has(route.request().url())) return route.continue();
      fetched.push(route.request().url());
      return route.abort();
    });
    host.context.on('page', (p) => p.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss())));
    host.page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    const onConsole = (m: { text(): string }) => {
      if (/Content Security Policy|Trusted Type/i.test(m.text())) cspReports.push(m.text());
    };
    host.page.on('console', onConsole);
    const result = await host.show('scan_endpoint', { url: `${target.url}/v1/chat/completions` }, { theme: 'light' });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await host.view().locator('article.report').waitFor();
    const scanId = (result.structuredContent as { scanId: string }).scanId;
    report = JSON.parse(
      await host.page.evaluate(
        (uri) => window.testHost.client.readResource({ uri }).then((r) => (r.contents[0] as { text: string }).text),
        `gatecrash://scans/${scanId}`,
      ),
    );

    dir = mkdtempSync(join(tmpdir(), 'gatecrash-hostile-view-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, toHtml(report, { fixes: knowledgeFixes }));
    standalone = await host.context.newPage();
    standalone.on('console', onConsole);
    standalone.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    allowed.add(pathToFileURL(file).href);
    await standalone.goto(pathToFileURL(file).href);
    await standalone.locator('article.report').waitFor();
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await browser?.close();
    await target?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    const table = [
      '| attempt | where the report carries it | assistant view | HTML file |',
      '|---|---|---|---|',
      ...Object.entries(rows).map(
        ([id, r]) => `| ${id} | ${r.inReport.slice(0, 4).join(', ')}${r.inReport.length > 4 ? `, +${r.inReport.length - 4}` : ''} | ${r.app} | ${r.file} |`,
      ),
      `| 1 MB body | /metrics (${BIG_BODY_BYTES} bytes sent) | ` +
        `${report ? `evidence ${Math.max(...report.findings.map((f) => f.evidence.response?.body.length ?? 0))} characters at most, as text` : ''} ` +
        `| same |`,
    ];
    console.log(`\nHostile data in the view (nothing ran, nothing fetched, nothing reached the bridge unasked):\n${table.join('\n')}\n`);
  });

  it('the scan read the attempts: the report carries them where the target put them', () => {
    const where = (needle: string) => {
      const places: string[] = [];
      const has = (text: string | null | undefined) => forms(needle).some((f) => (text ?? '').includes(f));
      if (report.fingerprint.models.some(has)) places.push('model id');
      if (has(report.fingerprint.version)) places.push('version');
      for (const f of report.findings) {
        const messages = [f.evidence, f.evidence.baseline, ...(f.evidence.extra ?? [])].filter((m) => m !== undefined);
        const headers = messages.flatMap((m) => Object.values(m!.response?.headers ?? {}));
        if (headers.some(has)) places.push(`${f.rule} headers`);
        if (messages.some((m) => has(m!.response?.body))) places.push(`${f.rule} body`);
        if (has(f.description) || has(f.title) || (f.evidence.notes ?? []).some(has)) places.push(`${f.rule} description`);
        if (has(f.endpoint.url)) places.push(`${f.rule} endpoint`);
      }
      return [...new Set(places)];
    };
    for (const [id, text] of Object.entries(INJECTIONS)) rows[id as InjectionId].inReport = where(text);
    // A model id is the server's text: the report keeps it cleaned and bounded (src/engine/untrusted.ts).
    expect(report.fingerprint.models).toContain(clean(MODEL_ID));
    expect(report.findings.length).toBeGreaterThan(3);
    const missing = Object.entries(rows)
      .filter(([, r]) => r.inReport.length === 0)
      .map(([id]) => id);
    expect(missing, 'attempts the report does not carry').toEqual([]);
  });

  it('in the assistant view, nothing runs and nothing reaches the bridge that the view did not ask for', { timeout: 120_000 }, async () => {
    const view = host.view();
    await clickThrough(view);
    const inFrame = await facts(view);
    const inHost = await host.page.evaluate(() => window.__gatecrashPwned);
    expect(inFrame.pwned).toBeUndefined();
    expect(inHost).toBeUndefined();
    expect(inFrame.scripts).toBe(1);
    expect(inFrame.foreign).toEqual([]);
    // The view's own asks: the handshake, its size, the report, and the fixes the user clicked for. Nothing else.
    const messages = await host.fromView();
    const asks = messages.filter((m) => !m.isResponse);
    expect(new Set(asks.map((m) => m.method))).toEqual(
      new Set(['ui/initialize', 'ui/notifications/initialized', 'ui/notifications/size-changed', 'resources/read', 'tools/call']),
    );
    expect(asks.filter((m) => m.method === 'resources/read').map((m) => m.target)).toEqual([`gatecrash://scans/${report.scanId}`]);
    const calls = asks.filter((m) => m.method === 'tools/call');
    expect(calls.length).toBe(report.findings.length);
    expect(new Set(calls.map((m) => m.target))).toEqual(new Set(['suggest_remediation']));
    for (const [id, text] of Object.entries(INJECTIONS)) {
      const shown = shows(inFrame.text, text);
      rows[id as InjectionId].app = rows[id as InjectionId].inReport.length ? (shown ? 'shown as text' : 'not shown') : '–';
      if (rows[id as InjectionId].inReport.length) expect(shown, `${id} is on the page as text`).toBe(true);
    }
    await screenshot(host.page, 'hostile-app', false);
  });

  it('in the standalone HTML file, the data block cannot be broken out of and nothing runs', async () => {
    const html = toHtml(report, { fixes: knowledgeFixes });
    expect(html).not.toContain(INJECTIONS['data-block-break']);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    await clickThrough(standalone.mainFrame());
    const inPage = await facts(standalone.mainFrame());
    expect(inPage.pwned).toBeUndefined();
    expect(inPage.scripts).toBe(2);
    expect(inPage.foreign).toEqual([]);
    for (const [id, text] of Object.entries(INJECTIONS)) {
      const shown = shows(inPage.text, text);
      rows[id as InjectionId].file = rows[id as InjectionId].inReport.length ? (shown ? 'shown as text' : 'not shown') : '–';
      if (rows[id as InjectionId].inReport.length) expect(shown, `${id} is on the page as text`).toBe(true);
    }
    await screenshot(standalone, 'hostile-file', false);
  });

  it('no dialog opened, nothing was fetched, and no policy had anything to refuse', () => {
    expect(dialogs).toEqual([]);
    expect(fetched).toEqual([]);
    expect(cspReports).toEqual([]);
  });
});
