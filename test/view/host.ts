// Node's half of the test host: bundles host/host-page.ts for the browser, starts the built CLI as the MCP server
// (`gatecrash mcp`, stdio), opens a page and relays JSON-RPC between the page's MCP client and the server, in order.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { build } from 'rolldown';
import { CLI } from '../e2e/mcp-client.js';
import type { ShowOptions, TestHost, ViewMessage } from './host/host-page.js';

let hostScript: Promise<string> | undefined;

/** The host page's script, bundled once per test file (the MCP client and AppBridge, for the browser). */
function bundleHostPage(): Promise<string> {
  hostScript ??= build({
    input: fileURLToPath(new URL('./host/host-page.ts', import.meta.url)),
    platform: 'browser',
    write: false,
    logLevel: 'warn',
    output: { format: 'iife', name: 'gatecrashTestHost', minify: false },
  }).then((out) => out.output[0].code.replace(/<\/script/gi, '<\\/script'));
  return hostScript;
}

export interface HostPage {
  page: Page;
  context: BrowserContext;
  /** Calls a tool through the host and shows its result in the view; resolves when the result was handed over. */
  show(tool: string, args: Record<string, unknown>, options: ShowOptions): Promise<{ isError?: boolean; structuredContent?: unknown; content?: unknown }>;
  /** The view's frame (after show). */
  view(): Frame;
  /** Every message the view posted to the host so far. */
  fromView(): Promise<ViewMessage[]>;
  setTheme(theme: 'light' | 'dark'): Promise<void>;
  /** What the MCP server wrote on stderr (for failures). */
  serverLog(): string;
  close(): Promise<void>;
}

export async function openHost(
  browser: Browser,
  options: { colorScheme?: 'light' | 'dark'; width?: number; env?: Record<string, string> } = {},
): Promise<HostPage> {
  const script = await bundleHostPage();
  const server: ChildProcessWithoutNullStreams = spawn(process.execPath, [CLI, 'mcp'], {
    env: { ...process.env, GATECRASH_LOG_LEVEL: 'silent', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const context = await browser.newContext({ viewport: { width: (options.width ?? 960) + 40, height: 1400 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  // Server → page, one message at a time and in order.
  let delivery = Promise.resolve();
  createInterface({ input: server.stdout }).on('line', (line) => {
    if (!line.trim()) return;
    delivery = delivery.then(() => page.evaluate((text) => window.gatecrashRelayReceive(text), line).catch(() => undefined));
  });
  await page.exposeBinding('gatecrashRelaySend', (_source, text: string) => {
    server.stdin.write(`${text}\n`);
  });
  await page.setContent(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatecrash test host</title><style>
      html { color-scheme: light; background: #fbfbfa; font: 14px system-ui, sans-serif; }
      html[data-theme="dark"] { color-scheme: dark; background: #1b1c20; color: #eee; }
      body { margin: 20px; } iframe { display: block; }
    </style></head><body><div id="frame-slot"></div><script>${script}</script></body></html>`,
  );
  await page.evaluate(() => window.testHost.connect());

  let frame: Frame | null = null;
  return {
    page,
    context,
    async show(tool, args, showOptions) {
      const result = await page.evaluate(([t, a, o]) => window.testHost.show(t, a, o) as Promise<never>, [tool, args, showOptions] as const);
      const handle = await page.waitForSelector('iframe#view');
      frame = await handle.contentFrame();
      if (!frame) throw new Error('the view has no frame');
      return result;
    },
    view() {
      if (!frame) throw new Error('show() first');
      return frame;
    },
    fromView: () => page.evaluate(() => window.testHost.fromView),
    setTheme: (theme) => page.evaluate((t) => window.testHost.setTheme(t), theme),
    serverLog: () => stderr,
    async close() {
      await context.close();
      server.stdin.end();
      server.kill();
    },
  };
}

export type { TestHost, ViewMessage };
