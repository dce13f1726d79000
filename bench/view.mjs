// The scan view's speed, in Debian's Chromium (playwright-core): the HTML report of 10, 100 and 1,000 findings (made from
// a real report's findings, each on its own path) opened from disk. Measured: the file's size, the time from navigation to
// the report on screen, the longest main-thread task while it loads (what a user would feel as a stall), and the time to
// open every finding (each body is built on first open). Ratios against 10 findings show how it scales. Asserts nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The browser as the view's tests launch it (test/view/browser.ts, compiled into dist-bench/ by `npm run bench`).
const browserKit = () => import(new URL('../dist-bench/test/view/browser.js', import.meta.url).href);
const SIZES = (process.env.BENCH_VIEW_FINDINGS ?? '10,100,1000').split(',').map(Number);
const RUNS = 3;

function manyFindings(base, n) {
  const findings = Array.from({ length: n }, (_, i) => {
    const f = structuredClone(base.findings[i % base.findings.length]);
    return { ...f, id: `GC-${i.toString(16).padStart(16, '0')}`, endpoint: { ...f.endpoint, url: `${f.endpoint.url.replace(/\/$/, '')}/route-${i}` } };
  });
  return { ...base, findings };
}

async function measure(browser, file, n) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  // Long tasks are observed from the first script on (the observer is installed before the page's own script runs).
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('article.report');
  const shown = await page.evaluate(() => performance.now());
  const openAll = await page.evaluate(
    (count) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        for (const d of document.querySelectorAll('li.finding details')) d.open = true;
        const check = () => (document.querySelectorAll('.finding-body').length === count ? resolve(performance.now() - t0) : requestAnimationFrame(check));
        check();
      }),
    n,
  );
  const longest = await page.evaluate(() => window.__longest);
  await page.close();
  return { shown, openAll, longest };
}

export async function benchView({ table, ok, dist }) {
  const { CHROMIUM, launchChromium } = await browserKit();
  if (!existsSync(CHROMIUM)) {
    console.log(`\nScan view: skipped (${CHROMIUM} is missing; apt-get install chromium).`);
    return;
  }
  const { toHtml, viewHtml } = await import(new URL('report/html.js', dist).href);
  const { knowledgeFixes } = await import(new URL('knowledge/index.js', dist).href);
  const base = JSON.parse(readFileSync(new URL('../test/fixtures/reports/many-rules.json', import.meta.url), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'gatecrash-bench-view-'));
  const browser = await launchChromium();
  try {
    const rows = [];
    let first;
    for (const n of SIZES) {
      const file = join(dir, `report-${n}.html`);
      const html = toHtml(manyFindings(base, n), { fixes: knowledgeFixes });
      writeFileSync(file, html);
      await measure(browser, file, n); // warm-up: the first page pays for the browser's own start
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, file, n));
      const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
      const r = { shown: med('shown'), openAll: med('openAll'), longest: med('longest') };
      first ??= { n, ...r };
      rows.push([
        n,
        `${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB`,
        `${r.shown.toFixed(0)} ms`,
        `${(r.shown / first.shown).toFixed(2)}× (${n / first.n}× findings)`,
        `${r.longest.toFixed(0)} ms`,
        n <= 100 ? ok(r.longest < 200) : '—',
        `${r.openAll.toFixed(0)} ms`,
        `${(r.openAll / first.openAll).toFixed(2)}×`,
      ]);
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    table(
      `Scan view in Chromium: the HTML report opened from disk (median of ${RUNS}; the view itself is ${Buffer.byteLength(viewHtml())} bytes)`,
      ['findings', 'file', 'on screen', 'vs. first row', 'longest task', 'no stall (< 200 ms, ≤ 100 findings)', 'open every finding', 'vs. first row'],
      rows,
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
