// verify_fix end to end: the built CLI as an MCP server over stdio (SDK client), and `gatecrash verify` as a process.
// A scan of the tutorial's open wrapper, then verification against the unchanged target (every finding still-failing) and
// against its fixed twin (key checked before routing, docs off: every finding fixed); errors are sentences, never throws.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableFindingId } from '../../src/engine/findings.js';
import { type Finding, RULE_IDS, type RuleResult, type ScanOptions, type ScanReport } from '../../src/engine/types.js';
import { toJson } from '../../src/report/json.js';
import { ScanReportSchema } from '../../src/report/schema.js';
import { VerifyOutputSchema, type verifyOutput } from '../../src/tools/verify-fix.js';
import {
  MAX_FOLLOW_UPS,
  planVerification,
  rebaseUrl,
  VerifyInputError,
  type VerifyResult,
  type VerifyScan,
  VerifyUnreachableError,
  verifyExitCode,
  verifyFix,
} from '../../src/verify.js';
import { freePort } from '../real/uvicorn.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { CLI, connectStdio, scannedReport } from './mcp-client.js';

type CallResult = Awaited<ReturnType<Client['callTool']>>;
/** verify_fix's structuredContent: valid against the advertised schema, and the whole result as the tool builds it. */
function verified(structured: unknown): ReturnType<typeof verifyOutput> {
  VerifyOutputSchema.parse(structured);
  return structured as ReturnType<typeof verifyOutput>;
}

const text = (r: CallResult) => (r.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');

describe('verify_fix over MCP stdio and gatecrash verify', () => {
  let client: Client;
  let open: RunningTarget;
  let fixed: RunningTarget;
  let previous: ScanReport;
  let closedPort: number;
  let dir: string;

  beforeAll(async () => {
    [client, open, fixed, closedPort] = await Promise.all([
      connectStdio(),
      startFastapiWrapper({}),
      // The twin after the fix: the key checked for every path before routing, the docs routes off.
      startFastapiWrapper({ auth: { mode: 'middleware', header: 'X-API-Key', key: TEST_KEY }, docs: false }),
      freePort(),
    ]);
    const scanned = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${open.url}/generate` } });
    expect(scanned.isError).toBeFalsy();
    previous = await scannedReport(client, scanned);
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-verify-'));
    writeFileSync(join(dir, 'report.json'), toJson(previous));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await Promise.all([open?.close(), fixed?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('declares the tool with an output schema and honest annotations', async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'verify_fix');
    expect(tool, 'verify_fix is listed').toBeDefined();
    expect(tool!.outputSchema).toBeDefined();
    expect(tool!.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
    expect(Object.keys((tool!.inputSchema as { properties: object }).properties)).toEqual(
      expect.arrayContaining(['url', 'previousScan', 'findingIds', 'headers']),
    );
  });

  it('the scan had findings to verify', () => {
    expect(previous.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['auth.missing', 'exposure.api-docs']));
  });

  it('on the unchanged target, every prior finding is still-failing (matched by its stable id)', async () => {
    const r = await client.callTool({ name: 'verify_fix', arguments: { url: `${open.url}/generate`, previousScan: previous.scanId } });
    expect(r.isError, text(r)).toBeFalsy();
    const result = verified(r.structuredContent);
    expect(result.verdicts.map((v) => [v.findingId, v.status, v.current?.matchedBy])).toEqual(previous.findings.map((f) => [f.id, 'still-failing', 'id']));
    expect(result.allFixed).toBe(false);
    expect(result.rules).toEqual([...new Set(previous.findings.map((f) => f.rule))]);
    expect(text(r)).toMatch(/STILL FAILING/);
    // Only the failed rules ran: the re-scan, kept in the session, skipped every other rule as not selected.
    const rescan = await client.readResource({ uri: `gatecrash://scans/${result.rescans[0]!.scanId}` });
    const report = ScanReportSchema.parse(JSON.parse((rescan.contents[0] as { text: string }).text));
    for (const rule of report.rules) {
      if (result.rules.includes(rule.rule)) expect(rule.status, rule.rule).toBe('fail');
      else expect(rule, rule.rule).toMatchObject({ status: 'skipped', reason: 'not selected for this scan' });
    }
  });

  it('on the fixed twin, every prior finding is fixed, and nothing new turned up', async () => {
    const r = await client.callTool({ name: 'verify_fix', arguments: { url: `${fixed.url}/generate`, previousScan: previous.scanId, headers: {} } });
    expect(r.isError, text(r)).toBeFalsy();
    const result = verified(r.structuredContent);
    const table = result.verdicts.map((v) => `${v.status} ${v.rule}: ${v.reason}`).join('\n');
    expect(result.verdicts.map((v) => v.findingId)).toEqual(previous.findings.map((f) => f.id));
    for (const v of result.verdicts) expect(v.status, table).toBe('fixed');
    // The endpoints are the previous ones, moved onto the origin being verified.
    expect(result.verdicts.map((v) => new URL(v.endpoint.url).pathname)).toEqual(previous.findings.map((f) => new URL(f.endpoint.url).pathname));
    expect(result.verdicts.every((v) => v.endpoint.url.startsWith(fixed.url))).toBe(true);
    expect(result.newFindings).toEqual([]);
    expect(result.allFixed).toBe(true);
    expect(result.summary).toEqual({ fixed: previous.findings.length, stillFailing: 0, inconclusive: 0, newFindings: 0 });
    expect(text(r)).toMatch(/Every finding is proven fixed/);
    expect(result.rescans).toHaveLength(1);
    // Each re-scan is linked as a resource of the session, like scan_endpoint's.
    expect(r.content).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'resource_link', uri: `gatecrash://scans/${result.rescans[0]!.scanId}` })]),
    );
  });

  it('takes the full report object and a subset of finding ids, or finding ids alone (looked up in the session)', async () => {
    const first = previous.findings.find((f) => f.rule === 'auth.missing')!;
    const byObject = await client.callTool({ name: 'verify_fix', arguments: { url: `${fixed.url}/generate`, previousScan: previous, findingIds: [first.id] } });
    expect(byObject.isError, text(byObject)).toBeFalsy();
    const a = verified(byObject.structuredContent);
    expect(a.rules).toEqual(['auth.missing']);
    expect(a.verdicts.map((v) => [v.findingId, v.status])).toEqual([[first.id, 'fixed']]);
    const byIds = await client.callTool({ name: 'verify_fix', arguments: { url: `${open.url}/generate`, findingIds: [first.id] } });
    expect(byIds.isError, text(byIds)).toBeFalsy();
    expect(verified(byIds.structuredContent).verdicts.map((v) => v.status)).toEqual(['still-failing']);
  });

  it('answers every user error with isError and a sentence', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: `${fixed.url}/generate` }, /previousScan|findingIds/],
      [{ url: `${fixed.url}/generate`, previousScan: 'no-such-scan' }, /No scan with that id/],
      [{ url: `${fixed.url}/generate`, findingIds: ['GC-0000000000000000'] }, /finding ids? .*scan of this session/i],
      [{ url: `${fixed.url}/generate`, previousScan: previous.scanId, findingIds: ['GC-0000000000000000'] }, /has no finding GC-0000000000000000/],
      [{ url: `http://127.0.0.1:${closedPort}/generate`, previousScan: previous.scanId }, /Could not reach .*Nothing was verified/],
      [{ url: 'http://169.254.169.254/latest/meta-data/', previousScan: previous.scanId }, /metadata|link-local/i],
      [{ url: `${fixed.url}/generate`, previousScan: previous.scanId, headers: { 'Bad Header': 'x' } }, /header/i],
    ];
    for (const [args, message] of cases) {
      const r = await client.callTool({ name: 'verify_fix', arguments: args });
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(text(r), JSON.stringify(args)).toMatch(message);
      expect(text(r)).not.toMatch(/\n\s+at /);
    }
  });

  describe('gatecrash verify --report FILE', () => {
    // Asynchronous: the targets live in this process, and a synchronous spawn would stop them from answering.
    const cli = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [CLI, 'verify', ...args],
          { encoding: 'utf8', env: { ...process.env, GATECRASH_LOG_LEVEL: 'silent' } },
          (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      });

    it('exit 0 when every finding is fixed, with the same verdicts as the tool (JSON)', async () => {
      const r = await cli('--report', join(dir, 'report.json'), `${fixed.url}/generate`, '--format', 'json');
      expect(r.status, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as VerifyResult;
      expect(result.allFixed).toBe(true);
      expect(result.verdicts.map((v) => v.status)).toEqual(previous.findings.map(() => 'fixed'));
    });

    it("exit 1 when anything still fails; the URL defaults to the report's target", async () => {
      const r = await cli('--report', join(dir, 'report.json'), '--format', 'pretty');
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/STILL FAILING \[high\] auth\.missing POST/);
      expect(r.stdout).toMatch(/Not fixed yet/);
    });

    it('exit 2 on usage errors and unreachable targets, with a sentence', async () => {
      const bad = join(dir, 'not-a-report.json');
      writeFileSync(bad, '{"hello":"world"}');
      const cases: [string[], RegExp][] = [
        [[], /verify needs the earlier scan/],
        [['--report', join(dir, 'missing.json')], /--report \S+missing\.json: cannot read the file \(it does not exist\)\./],
        [['--report', bad], /not a Gatecrash JSON report/],
        [['--report', join(dir, 'report.json'), `http://127.0.0.1:${closedPort}/generate`], /Could not reach/],
        [['--report', join(dir, 'report.json'), 'a', 'b'], /at most one URL/],
      ];
      for (const [args, message] of cases) {
        const r = await cli(...args);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    });
  });
});

// ---------- the judgement itself, with a scripted scan (no network) ----------

const ORIGIN = 'http://127.0.0.1:9000';

function finding(rule: Finding['rule'], method: string, url: string, variant?: string): Finding {
  return {
    id: stableFindingId(rule, method, url, variant ?? ''),
    rule,
    check: 'Authentication',
    title: rule,
    severity: 'high',
    confidence: 'confirmed',
    description: `${rule} on ${url}`,
    endpoint: { method, url },
    evidence: { request: { method, url, headers: {} } },
    remediation: '',
    cwe: [],
    owasp: [],
    owaspLlm: [],
    pci: [],
    server: { product: 'fastapi', version: null, modelFamily: null },
    ...(variant ? { variant } : {}),
  };
}

function report(
  url: string,
  findings: Finding[],
  statuses: Partial<Record<Finding['rule'], RuleResult['status']>> = {},
  extra: Partial<ScanReport> = {},
): ScanReport {
  return {
    schemaVersion: 1,
    tool: { name: 'gatecrash', version: '0' },
    scanId: `scan-${Math.random().toString(16).slice(2)}`,
    target: { url, origin: new URL(url).origin },
    depth: 'standard',
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    partial: false,
    score: 0,
    grade: 'F',
    fingerprint: {
      product: 'fastapi',
      productName: 'FastAPI application',
      version: null,
      confidence: 0.4,
      signals: [],
      models: [],
      modelFamily: null,
      candidates: [],
      servedThrough: null,
    },
    verdict: { status: 'complete', reasons: [] },
    surface: { credentialHeader: { name: 'X-API-Key', scheme: null, source: 'profile' }, routes: [], guessed: [] },
    findings,
    rules: RULE_IDS.map((rule) => ({
      rule,
      status: statuses[rule] ?? (findings.some((f) => f.rule === rule) ? 'fail' : 'pass'),
      findings: findings.filter((f) => f.rule === rule).length,
    })),
    requests: { sent: 1, deduplicated: 0, inference: 0, budget: 150, overBudget: 0 },
    timings: {},
    errors: [],
    ...extra,
  };
}

/** A scan that answers from a script: per call, the report to return and the URLs (with statuses) it "requested". */
function scripted(
  steps: { report: (url: string) => ScanReport; reached: [string, number][] }[],
): VerifyScan & { calls: { url: string; options: Partial<ScanOptions> }[] } {
  const calls: { url: string; options: Partial<ScanOptions> }[] = [];
  const fn = (async (input, options, onExchange) => {
    const step = steps[calls.length];
    calls.push({ url: input.url, options });
    if (!step) throw new Error('unexpected extra scan');
    for (const [i, [url, status]] of step.reached.entries()) {
      onExchange({
        id: i,
        probe: { method: 'GET', path: new URL(url).pathname, purpose: 'test' },
        request: { method: 'GET', url, headers: {} },
        response: { status, headers: {}, body: '', truncated: false, latencyMs: 1 },
      });
    }
    return step.report(input.url);
  }) as VerifyScan & { calls: typeof calls };
  fn.calls = calls;
  return fn;
}

describe('verifyFix judgement (scripted scans)', () => {
  const missing = finding('auth.missing', 'POST', `${ORIGIN}/generate`);
  const docs = finding('exposure.api-docs', 'GET', `${ORIGIN}/openapi.json`);
  const prev = report(`${ORIGIN}/`, [missing, docs]);

  it('re-runs exactly the failed rules, with the previous product as hint and depth', async () => {
    const scan = scripted([
      {
        report: (u) => report(u, []),
        reached: [
          [`${ORIGIN}/generate`, 401],
          [`${ORIGIN}/openapi.json`, 404],
        ],
      },
    ]);
    const r = await verifyFix(prev, { url: `${ORIGIN}/` }, scan);
    expect(scan.calls[0]!.options).toMatchObject({ rules: ['auth.missing', 'exposure.api-docs'], hint: 'fastapi', depth: 'standard' });
    expect(r.verdicts.map((v) => v.status)).toEqual(['fixed', 'fixed']);
    expect(r.allFixed).toBe(true);
    expect(verifyExitCode(r)).toBe(0);
  });

  it('an endpoint the re-scan never reached gets one follow-up scan of its own URL (discovery lost it: docs turned off)', async () => {
    const scan = scripted([
      {
        report: (u) => report(u, []),
        reached: [
          [`${ORIGIN}/`, 404],
          [`${ORIGIN}/openapi.json`, 404],
        ],
      },
      { report: (u) => report(u, []), reached: [[`${ORIGIN}/generate`, 401]] },
    ]);
    const r = await verifyFix(prev, { url: `${ORIGIN}/` }, scan);
    expect(scan.calls.map((c) => [c.url, c.options.rules])).toEqual([
      [`${ORIGIN}/`, ['auth.missing', 'exposure.api-docs']],
      [`${ORIGIN}/generate`, ['auth.missing']],
    ]);
    expect(r.verdicts.map((v) => [v.rule, v.status, v.scanId])).toEqual([
      ['auth.missing', 'fixed', r.rescans[1]!.scanId],
      ['exposure.api-docs', 'fixed', r.rescans[0]!.scanId],
    ]);
  });

  it('never says fixed without proof: skipped rule, partial scan, only 429s, unreached endpoint', async () => {
    const cases: [ScanReport, [string, number][], RegExp][] = [
      [report(ORIGIN, [], { 'auth.missing': 'skipped' }), [[`${ORIGIN}/generate`, 401]], /auth\.missing was skipped/],
      [
        report(ORIGIN, [], {}, { partial: true, errors: [{ phase: 'budget', message: 'The request budget of 1 was spent.' }] }),
        [[`${ORIGIN}/generate`, 401]],
        /cut short .*budget/,
      ],
      [report(ORIGIN, []), [[`${ORIGIN}/generate`, 429]], /answered 429/],
    ];
    for (const [rescan, reached, why] of cases) {
      const r = await verifyFix(prev, { url: ORIGIN, findingIds: [missing.id] }, scripted([{ report: () => rescan, reached }]));
      expect(r.verdicts[0]!.status).toBe('inconclusive');
      expect(r.verdicts[0]!.reason).toMatch(why);
      expect(r.allFixed).toBe(false);
      // Nothing still fails, but nothing is proven fixed either: the gate cannot vouch (2), as for an incomplete scan.
      expect(verifyExitCode(r)).toBe(2);
    }
    const many = report(
      ORIGIN,
      ['/a', '/b', '/c', '/d', '/e', '/f'].map((p) => finding('auth.missing', 'POST', `${ORIGIN}${p}`)),
    );
    const steps = Array.from({ length: 1 + MAX_FOLLOW_UPS }, () => ({ report: (u: string) => report(u, []), reached: [] as [string, number][] }));
    const r = await verifyFix(many, { url: ORIGIN }, scripted(steps));
    expect(r.rescans).toHaveLength(1 + MAX_FOLLOW_UPS);
    expect(r.verdicts.filter((v) => v.scanId === null).map((v) => v.reason)).toEqual([
      expect.stringMatching(/never reached .*at most 4 follow-up/),
      expect.stringMatching(/never reached/),
    ]);
  });

  it('still-failing by stable id, else by rule and endpoint (another variant); a finding elsewhere is new', async () => {
    const bypass = finding('auth.header-bypass', 'POST', `${ORIGIN}/generate`, 'x-api-key=""');
    const before = report(ORIGIN, [missing, bypass]);
    const after = report(ORIGIN, [
      missing,
      finding('auth.header-bypass', 'POST', `${ORIGIN}/generate`, 'x-api-key="None"'),
      finding('auth.missing', 'POST', `${ORIGIN}/v1/generate`),
    ]);
    const r = await verifyFix(before, { url: ORIGIN }, scripted([{ report: () => after, reached: [[`${ORIGIN}/generate`, 200]] }]));
    expect(r.verdicts.map((v) => [v.status, v.current?.matchedBy])).toEqual([
      ['still-failing', 'id'],
      ['still-failing', 'rule+endpoint'],
    ]);
    expect(r.newFindings.map((f) => f.endpoint.url)).toEqual([`${ORIGIN}/v1/generate`]);
    expect(r.summary).toEqual({ fixed: 0, stillFailing: 2, inconclusive: 0, newFindings: 1 });
  });

  it('a new origin (the proxy in front): the same paths are re-checked there, and ids are recomputed for it', async () => {
    const proxy = 'http://127.0.0.1:9443';
    expect(rebaseUrl(`${ORIGIN}/generate?x=1`, ORIGIN, `${proxy}/`)).toBe(`${proxy}/generate?x=1`);
    expect(rebaseUrl('http://other:1/generate', ORIGIN, `${proxy}/`)).toBe('http://other:1/generate');
    const still = report(proxy, [finding('auth.missing', 'POST', `${proxy}/generate`)]);
    const r = await verifyFix(prev, { url: `${proxy}/`, findingIds: [missing.id] }, scripted([{ report: () => still, reached: [[`${proxy}/generate`, 200]] }]));
    expect(r.verdicts[0]).toMatchObject({ status: 'still-failing', endpoint: { method: 'POST', url: `${proxy}/generate` }, current: { matchedBy: 'id' } });
    expect(r.newFindings).toEqual([]);
  });

  it('scans nothing but the origin being verified, whatever the report says', async () => {
    const elsewhere = report(`${ORIGIN}/`, [finding('auth.missing', 'POST', 'http://10.9.8.7:8000/generate')]);
    const scan = scripted([{ report: (u) => report(u, []), reached: [[`${ORIGIN}/generate`, 401]] }]);
    const r = await verifyFix(elsewhere, { url: `${ORIGIN}/` }, scan);
    expect(scan.calls.map((c) => c.url)).toEqual([`${ORIGIN}/`]);
    expect(r.verdicts[0]).toMatchObject({ status: 'inconclusive', scanId: null, reason: expect.stringMatching(/not on the origin being verified/) });
  });

  it('refuses what cannot be verified, in a sentence', async () => {
    expect(() => planVerification(report(ORIGIN, []), { url: ORIGIN })).toThrow(VerifyInputError);
    expect(() => planVerification(prev, { url: ORIGIN, findingIds: ['GC-nope'] })).toThrow(/has no finding GC-nope\. Its findings: GC-/);
    const unreachable = report(ORIGIN, [], {}, { errors: [{ phase: 'reach', message: `Could not reach ${ORIGIN}: connection refused.` }] });
    await expect(verifyFix(prev, { url: ORIGIN }, scripted([{ report: () => unreachable, reached: [] }]))).rejects.toThrow(VerifyUnreachableError);
  });
});
