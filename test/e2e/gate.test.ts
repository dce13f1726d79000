// Never pass what was not checked, on every face: a scan cut short by its budget or its deadline, a target that is not
// there, a server with no inference route, a gateway whose every POST answers 503, and a route no guess reaches (without and then with --request) each give no
// grade in any format (JSON, SARIF, Markdown, pretty), through the MCP tool, in a batch and through the GitHub Action;
// and every --fail-on but `none` exits 2. The table printed at the end is the gate table of the closing note.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanReport } from '../../src/engine/types.js';
import { OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import { type RunningTarget, sendJson, startTarget } from '../targets/harness.js';
import { mistralReply } from '../targets/mistral-model.js';
import { runAction } from './action-run.js';
import { runCli } from './cli-run.js';
import { connectStdio } from './mcp-client.js';

/** A model that takes longer to answer than the scan may wait (a cold start). */
function startColdModel(): Promise<RunningTarget> {
  return startTarget(async (req, res) => {
    if (req.method === 'POST' && req.path === '/generate') {
      await new Promise((r) => setTimeout(r, 4000));
      req.markInference(1);
      return sendJson(res, 200, { response: mistralReply(1) });
    }
    return sendJson(res, 404, { detail: 'Not Found' });
  });
}

/** A web server with no inference route at all: every path is 404. */
function startNoRoute(): Promise<RunningTarget> {
  return startTarget((_req, res) => sendJson(res, 404, { error: 'not found' }));
}

/** A job API no guess reaches: PUT /jobs/run with a nested instruction, terse 400s that name nothing, no documents. */
function startJobsApi(): Promise<RunningTarget> {
  return startTarget((req, res) => {
    if (req.path !== '/jobs/run') return sendJson(res, 400, { error: 'bad request' });
    const task = (req.json as { task?: { instruction?: unknown } } | undefined)?.task;
    if (req.method !== 'PUT' || typeof task?.instruction !== 'string') return sendJson(res, 400, { error: 'bad request' });
    req.markInference(1);
    return sendJson(res, 200, { id: 'job-1', status: 'done', output: mistralReply(4) });
  });
}

/**
 * A gateway that refuses every GET but passes POSTs to an upstream that is down: the inference routes were not refused,
 * and no model answered, so nobody can say whether a stranger would get the model once the upstream is back.
 */
function startUpstreamDown(): Promise<RunningTarget> {
  return startTarget((req, res) =>
    req.method === 'GET' ? sendJson(res, 401, { error: 'unauthorized' }) : sendJson(res, 503, { error: 'upstream unavailable' }),
  );
}

const TEMPLATE = 'PUT /jobs/run {"task": {"instruction": "{{prompt}}"}}';

interface Case {
  name: string;
  url: () => string;
  args: string[];
  /** The report has a grade (a complete scan), or not. */
  graded: boolean;
  /** Exit code under the default --fail-on high. */
  code: 0 | 1 | 2;
  /** A word the reasons must say (what to pass). */
  says: RegExp;
}

let open: RunningTarget;
let cold: RunningTarget;
let none: RunningTarget;
let jobs: RunningTarget;
let down: RunningTarget;
let dir: string;
const CLOSED = 'http://127.0.0.1:9/generate';

const CASES: Case[] = [
  { name: 'budget spent', url: () => `${open.url}/generate`, args: ['--budget', '5'], graded: false, code: 2, says: /--budget/ },
  { name: 'deadline passed', url: () => `${cold.url}/generate`, args: ['--timeout', '2'], graded: false, code: 2, says: /--timeout/ },
  { name: 'unreachable', url: () => CLOSED, args: [], graded: false, code: 2, says: /Could not reach/ },
  { name: 'no inference route', url: () => `${none.url}/`, args: [], graded: false, code: 2, says: /inference URL|--request/ },
  { name: 'no guess reaches the route', url: () => `${jobs.url}/`, args: [], graded: false, code: 2, says: /--request/ },
  { name: 'every POST answers 503', url: () => `${down.url}/`, args: [], graded: false, code: 2, says: /503/ },
  { name: 'the same with --request', url: () => `${jobs.url}/`, args: ['--request', TEMPLATE], graded: true, code: 1, says: /./ },
];

const table: string[] = [];

beforeAll(async () => {
  [open, cold, none, jobs, down] = await Promise.all([startFastapiWrapper(OPEN), startColdModel(), startNoRoute(), startJobsApi(), startUpstreamDown()]);
  dir = mkdtempSync(join(tmpdir(), 'gatecrash-gate-'));
});

afterAll(async () => {
  await Promise.all([open, cold, none, jobs, down].map((t) => t?.close()));
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n| case | format | grade printed | exit code |\n|---|---|---|---|\n${table.join('\n')}`);
});

describe('the gate, on every face', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: every format, every --fail-on',
    async (_name, c) => {
      const json = await runCli(['scan', c.url(), ...c.args, '--format', 'json']);
      const report = JSON.parse(json.stdout) as ScanReport;
      expect(json.code, json.stderr).toBe(c.code);
      table.push(`| ${c.name} | json | ${report.grade === null ? `null (${report.verdict.status})` : report.grade} | ${json.code} |`);
      if (c.graded) {
        expect(report.verdict.status).toBe('complete');
        expect(report.grade).toMatch(/^[DF]$/);
        expect(report.findings.some((f) => f.rule === 'auth.missing' && f.confidence === 'confirmed')).toBe(true);
      } else {
        expect([report.grade, report.score]).toEqual([null, null]);
        expect(report.verdict.status).not.toBe('complete');
        expect(report.verdict.reasons.join(' ')).toMatch(c.says);
        // The one stderr line says why the gate cannot vouch.
        expect(json.stderr).toMatch(/no grade · .* the gate cannot vouch/);
      }

      const sarifFile = join(dir, `${c.name.replace(/\W+/g, '-')}.sarif`);
      const sarif = await runCli(['scan', c.url(), ...c.args, '--format', 'sarif', '--output', sarifFile]);
      expect(sarif.code).toBe(c.code);
      expect(sarif.stderr).toContain(`wrote ${sarifFile}`);
      const inv = JSON.parse(readFileSync(sarifFile, 'utf8')).runs[0].invocations[0];
      table.push(`| ${c.name} | sarif | ${inv.properties.grade ?? `null (${inv.properties.verdict.status})`} | ${sarif.code} |`);
      expect(inv.properties.grade).toBe(c.graded ? report.grade : null);
      if (!c.graded) {
        expect(inv.executionSuccessful).toBe(false);
        expect(inv.toolExecutionNotifications.some((n: { message: { text: string } }) => /^No grade|Could not reach/.test(n.message.text))).toBe(true);
      }

      for (const format of ['markdown', 'pretty']) {
        const run = await runCli(['scan', c.url(), ...c.args, '--format', format]);
        expect(run.code).toBe(c.code);
        const headline = /(Grade [A-F]|Incomplete: no grade|Not reached: no grade)/.exec(run.stdout)?.[1];
        table.push(`| ${c.name} | ${format} | ${headline} | ${run.code} |`);
        if (c.graded) expect(headline).toMatch(/^Grade [DF]$/);
        else expect(headline).toMatch(/no grade/);
        if (!c.graded) expect(run.stdout).not.toMatch(/Grade [A-F]/);
      }

      // --fail-on: every threshold but none refuses to vouch; none lets an incomplete scan through (exit 0), never an unreached one.
      for (const failOn of ['critical', 'low', 'none']) {
        const run = await runCli(['scan', c.url(), ...c.args, '--format', 'json', '--fail-on', failOn]);
        const expected = failOn === 'none' ? (c.name === 'unreachable' ? 2 : 0) : c.graded ? (failOn === 'critical' ? 0 : 1) : 2;
        expect(run.code, `--fail-on ${failOn}`).toBe(expected);
      }
    },
    120_000,
  );
});

describe('the MCP tool, a batch and the Action say the same', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connectStdio();
  });
  afterAll(async () => {
    await client?.close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: scan_endpoint',
    async (_name, c) => {
      const args: Record<string, unknown> = { url: c.url() };
      for (let i = 0; i < c.args.length; i += 2) {
        const [flag, value] = [c.args[i]!, c.args[i + 1]!];
        if (flag === '--budget') args.budget = Number(value);
        if (flag === '--timeout') args.timeoutMs = Number(value) * 1000;
        if (flag === '--request') args.request = value;
      }
      const result = await client.callTool({ name: 'scan_endpoint', arguments: args });
      const text = (result.content as { type: string; text?: string }[]).map((x) => x.text ?? '').join('\n');
      if (c.name === 'unreachable') {
        expect(result.isError).toBe(true);
        expect(text).toMatch(/Could not reach/);
        expect(text).not.toMatch(/Grade [A-F]/);
        table.push(`| ${c.name} | MCP scan_endpoint | isError: ${text.split('\n')[0]!.slice(0, 60)}… | – |`);
        return;
      }
      const report = result.structuredContent as unknown as ScanReport;
      expect(report.grade === null).toBe(!c.graded);
      if (!c.graded) {
        expect(text).toMatch(/Incomplete: no grade/);
        expect(text).toMatch(c.says);
      }
      table.push(`| ${c.name} | MCP scan_endpoint | ${report.grade ?? 'null'} · "${/(Grade [A-F]|Incomplete: no grade)/.exec(text)?.[1]}" | – |`);
    },
    60_000,
  );

  it('a batch with one incomplete target exits 2, whatever the others found', async () => {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, `${open.url}/generate\n${none.url}/\n`);
    const run = await runCli(['scan', '--targets', file, '--format', 'markdown']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toMatch(/\| incomplete \| – \|/);
    table.push(`| batch: an open wrapper and a server with no route | markdown | D, incomplete | ${run.code} |`);
  }, 60_000);

  it('the Action fails with the gate, leaves the grade empty and says why in the summary', async () => {
    const run = await runAction(dir, { url: `${none.url}/`, 'sarif-file': join(dir, 'action.sarif') });
    expect(run.code).toBe(2);
    expect(run.outputs.grade).toBe('');
    expect(run.outputs.score).toBe('');
    expect(run.summary).toMatch(/incomplete: .*inference URL|cannot vouch/);
    expect(run.stdout).toMatch(/::error title=Gatecrash::Gatecrash cannot vouch/);
    table.push(`| Action: a server with no route | sarif | grade output '' | ${run.code} |`);
  }, 60_000);
});
