// Debian's Chromium, headless, driven by playwright-core (nothing is downloaded: the binary is the system's). Missing
// Chromium skips the browser tests loudly; with GATECRASH_REQUIRE_REAL_SERVERS=1 (CI) it fails them instead.
// Screenshots are test artifacts, written under test-artifacts/ (not committed) and printed with their sizes.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { REQUIRE_REAL } from '../real/uvicorn.js';

export const CHROMIUM = process.env.GATECRASH_CHROMIUM ?? '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(REPO, 'test-artifacts', 'view');

/** No network beyond loopback, no background services, no profile left behind (Playwright makes a fresh one per launch). */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when the browser tests should run; throws under GATECRASH_REQUIRE_REAL_SERVERS=1 when Chromium is missing. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const why = `${CHROMIUM} does not exist`;
  if (REQUIRE_REAL)
    throw new Error(`The browser tests are required (GATECRASH_REQUIRE_REAL_SERVERS=1) but ${why}. Install Debian's chromium (apt-get install chromium).`);
  console.warn(`\n*** SKIPPING the browser tests: ${why}. Install Debian's chromium (apt-get install chromium) to run them. ***\n`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** Saves a screenshot (the viewport, or the whole page) under test-artifacts/view/ and prints where and how big. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<{ path: string; bytes: number }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  // A frame in its own process paints on its own schedule: let every frame draw twice so the picture is of now.
  for (const frame of page.frames())
    await frame.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(null))))).catch(() => undefined);
  await page.screenshot({ path, fullPage });
  const bytes = statSync(path).size;
  console.log(`screenshot ${relative(REPO, path)}: ${bytes} bytes`);
  return { path, bytes };
}
