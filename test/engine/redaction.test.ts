// Credentials never appear in any output (docs/architecture.md, "Prove, don't guess"): a scan with a key against a server that echoes whatever it
// is sent, and that accepts the key's derived variants (changed case, query string, prefix), so that the key and every
// value derived from it travel in requests, responses, headers and evidence. Every output is then searched: the engine's
// exchanges and report, toJson, toSarif, toMarkdown, the terminal renderer, the built CLI's stdout, stderr and --output file
// in every format (with --header and with GATECRASH_BEARER), the CLI's error messages, and the MCP scan_endpoint result.
// Needs `npm run build` first (npm test does it) for the CLI and MCP parts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { Exchange, ScanReport } from '../../src/engine/types.js';
import { toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toPretty } from '../../src/report/pretty.js';
import { toSarif } from '../../src/report/sarif.js';
import { runCli as runCliQuiet } from '../e2e/cli-run.js';
import { firstHeader, type RunningTarget, sendJson, startTarget } from '../targets/harness.js';
import { chatMessages, isRecord } from '../targets/mistral-model.js';
import { answerOpenAI } from '../targets/openai-compatible.js';

/** Debug logging on: the key must stay out of the logs too. */
const runCliLoud = (args: string[], env: Record<string, string> = {}) => runCliQuiet(args, { GATECRASH_LOG_LEVEL: 'debug', ...env });

/** '+', '/' and '=' make the query-string spelling differ from the header spelling (URL encoding). */
const KEY = 'sk-Redact+Me/0123456789abcdefXYZ=';
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** The key and what Gatecrash derives from it; matching ignores case, so the case-changed spellings are covered too. */
const DERIVED = [KEY, swapCase(KEY), KEY.slice(0, -1), encodeURIComponent(KEY), encodeURIComponent(KEY.slice(0, -1)), KEY.slice(3, -1)];

/** Every place a derived value occurs in `text` (case-insensitive), as short excerpts for the failure message. */
function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  for (const d of DERIVED) {
    const i = lower.indexOf(d.toLowerCase());
    if (i !== -1) out.push(`${d} at ${i}: …${text.slice(Math.max(0, i - 40), i + d.length + 10)}…`);
  }
  return out;
}

/**
 * A careless gateway: accepts the key in any case, in ?api_key=, or any 8+ character prefix of it, and echoes the credential
 * it received in every response body and in an `x-echo` header (as "Incorrect API key provided: …" messages do).
 */
async function startLeakyGateway(): Promise<RunningTarget> {
  return startTarget(async (req, res, raw) => {
    const auth = firstHeader(raw, 'authorization');
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const q = req.query.get('api_key') ?? req.query.get('key');
    const ok = q === KEY || (token !== undefined && token.length >= 8 && KEY.toLowerCase().startsWith(token.toLowerCase()));
    const echo = { 'x-echo': `auth=${auth ?? ''}; url=${req.url}` };
    if (!ok)
      return sendJson(
        res,
        401,
        { error: { message: `Incorrect API key provided: ${auth ?? q ?? '(none)'}`, type: 'invalid_request_error', code: 'invalid_api_key' } },
        echo,
      );
    if (req.path !== '/v1/chat/completions' || req.method !== 'POST' || !isRecord(req.json) || chatMessages(req.json) === undefined) {
      return sendJson(res, 400, { error: { message: `bad request for ${auth ?? q}`, type: 'invalid_request_error' } }, echo);
    }
    return answerOpenAI(req, res, req.json, {
      kind: 'chat',
      model: 'mistral-7b-instruct-v0.3',
      defaultMaxTokens: Infinity,
      headers: echo,
      extra: { debug: `served ${auth ?? q}` },
    });
  });
}

describe('credential redaction in every output', () => {
  let target: RunningTarget;
  let report: ScanReport;
  const exchanges: Exchange[] = [];
  const url = () => `${target.url}/v1/chat/completions`;

  beforeAll(async () => {
    target = await startLeakyGateway();
    report = await scan({ url: url(), headers: { Authorization: `Bearer ${KEY}` } }, {}, { onExchange: (ex) => exchanges.push(ex) });
  }, 60_000);

  afterAll(async () => {
    await target?.close();
  });

  it('the detector is not vacuous: it finds the key and its variants in any case', () => {
    expect(leaks(`x ${KEY.toUpperCase()} y`)).not.toEqual([]);
    expect(leaks(`?api_key=${encodeURIComponent(KEY)}`)).not.toEqual([]);
    expect(leaks(`Bearer ${swapCase(KEY).slice(0, -1)}`)).not.toEqual([]);
    expect(leaks('Bearer [REDACTED]')).toEqual([]);
  });

  it('the scan really sent the key and its derived variants, and the server really echoed them', () => {
    const variants = report.findings
      .filter((f) => f.rule === 'auth.weak-key-handling')
      .map((f) => f.variant)
      .sort();
    expect(variants).toEqual(['case', 'prefix', 'query']);
    // On the wire (the emulator's own record), the derived values did travel: the redaction below is not for want of them.
    const wire = JSON.stringify(target.requests);
    expect(wire).toContain(KEY);
    expect(wire).toContain(swapCase(KEY));
    expect(wire).toContain(encodeURIComponent(KEY));
    expect(wire).toContain(`Bearer ${KEY.slice(0, -1)}"`);
  });

  it('no exchange the engine recorded shows them: requests, response bodies, response headers, errors', () => {
    const recorded = exchanges.map((ex) => ({ request: ex.request, response: ex.response, error: ex.error, purpose: ex.probe.purpose }));
    expect(leaks(JSON.stringify(recorded))).toEqual([]);
    expect(JSON.stringify(recorded)).toContain('[REDACTED]');
  });

  it('the report and each renderer (JSON, SARIF, Markdown, terminal) show only [REDACTED]', () => {
    const outputs: Record<string, string> = {
      report: JSON.stringify(report),
      json: toJson(report),
      sarif: JSON.stringify(toSarif(report)),
      markdown: toMarkdown(report),
      pretty: toPretty(report, { color: false }),
      prettyColor: toPretty(report, { color: true }),
    };
    for (const [name, text] of Object.entries(outputs)) {
      expect(leaks(text), name).toEqual([]);
      expect(text, name).toContain('[REDACTED]');
    }
  });

  it('the CLI is built (npm run build; npm test does it)', () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  });

  describe.runIf(existsSync(CLI))('the built CLI (node dist/cli.js)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecrash-redaction-'));
    // biome-ignore lint/suspicious/noDuplicateTestHooks: this hook belongs to the nested describe, not the outer one
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['json', 'sarif', 'markdown', 'html', 'pretty'])(
      'scan --header … --format %s: stdout, stderr and --output',
      async (format) => {
        const out = join(dir, `report.${format}`);
        const printed = await runCliLoud(['scan', url(), '--header', `Authorization: Bearer ${KEY}`, '--format', format]);
        const written = await runCliLoud(['scan', url(), '--header', `Authorization: Bearer ${KEY}`, '--format', format, '--output', out]);
        expect(printed.code, printed.stderr).not.toBe(2);
        expect(printed.stdout).toContain('[REDACTED]');
        const file = readFileSync(out, 'utf8');
        for (const [name, text] of Object.entries({
          stdout: printed.stdout,
          stderr: printed.stderr,
          fileStdout: written.stdout,
          fileStderr: written.stderr,
          file,
        })) {
          expect(leaks(text), `${format} ${name}`).toEqual([]);
        }
      },
      60_000,
    );

    it.each([
      ['GATECRASH_BEARER', [], { GATECRASH_BEARER: KEY }],
      ['--bearer', ['--bearer', KEY], {}],
    ] as const)(
      'scan with %s: the key is used (key findings) and redacted',
      async (_how, args, env) => {
        const run = await runCliLoud(['scan', url(), '--format', 'json', ...args], env);
        expect(run.code, run.stderr).not.toBe(2);
        const parsed = JSON.parse(run.stdout) as ScanReport;
        expect(parsed.findings.some((f) => f.rule === 'auth.weak-key-handling')).toBe(true);
        expect(leaks(run.stdout)).toEqual([]);
        expect(leaks(run.stderr)).toEqual([]);
      },
      60_000,
    );

    it('error messages: an unreachable target, a header without a name, a malformed header name', async () => {
      const closed = 'http://127.0.0.1:1/v1/chat/completions'; // nothing listens on port 1
      const runs = await Promise.all([
        runCliLoud(['scan', closed, '--header', `Authorization: Bearer ${KEY}`, '--format', 'json', '--timeout', '5s']),
        runCliLoud(['scan', url(), '--header', `Bearer ${KEY}`]),
        runCliLoud(['scan', url(), '--header', `Bearer ${KEY}: x`]),
        runCliLoud(['scan', url(), '--bearer', `${KEY}\nX-Injected: 1`]),
      ]);
      for (const run of runs) {
        expect(leaks(run.stdout + run.stderr), run.stderr).toEqual([]);
      }
      expect(runs[1]!.code).toBe(2);
      expect(runs[1]!.stderr).toMatch(/^gatecrash: /);
      expect(runs[2]!.stderr).toMatch(/not a valid header name/);
    }, 60_000);
  });

  describe.runIf(existsSync(CLI))('the MCP scan_endpoint tool (headers input)', () => {
    it('the tool result (text and structured content) shows only [REDACTED]', async () => {
      const { connectStdio } = await import('../e2e/mcp-client.js');
      const client = await connectStdio(['mcp'], { GATECRASH_LOG_LEVEL: 'debug' });
      try {
        const result = await client.callTool({ name: 'scan_endpoint', arguments: { url: url(), headers: { Authorization: `Bearer ${KEY}` } } });
        const text = JSON.stringify(result);
        expect(text).toContain('auth.weak-key-handling');
        expect(text).toContain('[REDACTED]');
        expect(leaks(text)).toEqual([]);
        const bad = await client.callTool({ name: 'scan_endpoint', arguments: { url: url(), headers: { [`Bearer ${KEY}`]: 'x' } } });
        expect(bad.isError).toBe(true);
        expect(leaks(JSON.stringify(bad))).toEqual([]);
      } finally {
        await client.close();
      }
    }, 60_000);
  });
});
