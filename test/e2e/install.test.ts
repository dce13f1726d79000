// The README's way to run Gatecrash from a clone, run as written from another folder: `npm link` in the checkout (into a
// temporary npm prefix, never the machine's global one), then `gatecrash` from a temporary folder; and every "from a clone"
// block of mcp.json.example, with the checkout's path filled in, started from a temporary folder and spoken to over MCP.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const PLACEHOLDER = '/ABSOLUTE/PATH/TO/gatecrash';

interface ServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** The README's install block: the lines of the code block under "## Install". */
function readmeInstallLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Install\n/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

/** Every "from a clone" server block of mcp.json.example, whatever the client's shape (mcpServers or servers). */
function cloneEntries(): { client: string; entry: ServerEntry }[] {
  const example = JSON.parse(readFileSync(join(ROOT, 'mcp.json.example'), 'utf8')) as Record<string, unknown>;
  return Object.entries(example)
    .filter(([k]) => /from a clone/.test(k))
    .map(([client, v]) => {
      const block = v as { mcpServers?: Record<string, ServerEntry>; servers?: Record<string, ServerEntry> };
      return { client, entry: (block.mcpServers ?? block.servers)!.gatecrash! };
    });
}

async function mcpTools(entry: ServerEntry, cwd: string, path: string): Promise<string[]> {
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args.map((a) => a.replace(PLACEHOLDER, ROOT)),
    cwd,
    env: { ...(process.env as Record<string, string>), PATH: path, GATECRASH_LOG_LEVEL: 'silent', ...(entry.env ?? {}) },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'gatecrash-install-test', version: '0.0.0' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

describe('running Gatecrash from a clone, from another folder', () => {
  let prefix: string;
  let elsewhere: string;
  let path: string;

  beforeAll(() => {
    prefix = mkdtempSync(join(tmpdir(), 'gatecrash-prefix-'));
    elsewhere = mkdtempSync(join(tmpdir(), 'gatecrash-elsewhere-'));
    path = [join(prefix, 'bin'), process.env.PATH ?? ''].join(delimiter);
  });
  afterAll(() => {
    for (const d of [prefix, elsewhere]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('the README documents the clone install, and the npx form only for once it is published', () => {
    const lines = readmeInstallLines();
    expect(lines).toEqual(['npm ci', 'npm run build', 'npm link', 'gatecrash --version']);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`node ${PLACEHOLDER}/dist/cli.js`);
  });

  it('npm link, then gatecrash answers from another folder', () => {
    // The checkout is already installed and built by the suite; `npm link` is the README's step, into a temporary prefix.
    execFileSync('npm', ['link', '--no-audit', '--no-fund'], {
      cwd: ROOT,
      env: { ...process.env, npm_config_prefix: prefix },
      stdio: 'pipe',
      timeout: 120_000,
    });
    const version = spawnSync('gatecrash', ['--version'], { cwd: elsewhere, env: { ...process.env, PATH: path }, encoding: 'utf8' });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const rule = spawnSync('gatecrash', ['checks', 'auth.missing'], { cwd: elsewhere, env: { ...process.env, PATH: path }, encoding: 'utf8' });
    expect(rule.status, rule.stderr).toBe(0);
    expect(rule.stdout).toMatch(/^Missing authentication on inference endpoint \(auth\.missing\)/);
  }, 150_000);

  it('every "from a clone" block of mcp.json.example starts the MCP server from another folder', async () => {
    const entries = cloneEntries();
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const { client, entry } of entries) {
      const tools = await mcpTools(entry, elsewhere, path);
      expect(tools, client).toEqual(expect.arrayContaining(['scan_endpoint', 'suggest_remediation', 'verify_fix']));
    }
  }, 60_000);
});
