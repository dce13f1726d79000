// The official MCP conformance suite against `gatecrash serve` (scripts/conformance.sh). Opt-in with
// GATECRASH_CONFORMANCE=1: it runs Node 22 from the npm package node@22 through npx (online once, then from the cache).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/conformance.sh', import.meta.url));
/** The scenarios that apply to a product server; each must pass (the rest are fixture-only, see the baseline). */
const MUST_PASS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'server-sse-multiple-streams', 'dns-rebinding-protection'];

describe.runIf(process.env.GATECRASH_CONFORMANCE === '1')('MCP conformance suite (@modelcontextprotocol/conformance)', () => {
  it('passes every applicable server scenario; fixture-only failures match the baseline exactly', () => {
    const run = spawnSync('bash', [SCRIPT], { encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } });
    const out = `${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    expect(run.status, out).toBe(0);
    expect(out).toContain('Baseline check passed');
    for (const s of MUST_PASS) expect(out, s).toMatch(new RegExp(`✓ ${s}: \\d+ passed, 0 failed`));
  }, 300_000);
});
