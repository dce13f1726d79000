// gatecrash scan --targets: the targets file formats, the bounded runner, and the built CLI over 20 emulators on loopback
// plus a target that is down and one the guard refuses.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TARGETS, mergeHeaders, parseTargets, runBatch, TargetsFileError } from '../../src/batch.js';
import type { ScanReport } from '../../src/engine/types.js';
import { BatchReportSchema, batchExitCode, batchReportJsonSchema, toBatchMarkdown, toBatchSarif } from '../../src/report/batch.js';
import { compileReportJsonSchema, validateSarif } from '../report/helpers.js';
import { liveMarkup } from '../report/markdown-live.js';
import { startFastapiWrapper, KEYED as WRAPPER_KEYED, OPEN as WRAPPER_OPEN } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import * as kobold from '../targets/koboldcpp.js';
import * as litellm from '../targets/litellm.js';
import * as lmstudio from '../targets/lmstudio.js';
import * as localai from '../targets/localai.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import * as openaiCompat from '../targets/openai-compatible.js';
import * as sglang from '../targets/sglang.js';
import * as textgen from '../targets/textgen-webui.js';
import * as triton from '../targets/triton.js';
import * as vllm from '../targets/vllm.js';
import { runCli } from './cli-run.js';

describe('targets file', () => {
  it('reads one URL per line with # comments (a # inside a URL is kept)', () => {
    const text = '# staging\nhttp://a.test:8000/generate   # the wrapper\n\n  http://b.test/v1/#frag\n#http://skipped.test\n';
    expect(parseTargets(text, 'targets.txt')).toEqual([{ url: 'http://a.test:8000/generate' }, { url: 'http://b.test/v1/#frag' }]);
  });

  it('reads a JSON list of URLs and { url, headers } objects, and a { targets } wrapper', () => {
    const json = JSON.stringify([' http://a.test ', { url: 'http://b.test', headers: { 'X-API-Key': 'k1' } }]);
    expect(parseTargets(json, 'list.json')).toEqual([{ url: 'http://a.test' }, { url: 'http://b.test', headers: { 'X-API-Key': 'k1' } }]);
    expect(parseTargets(JSON.stringify({ targets: ['http://c.test'] }), 'x')).toEqual([{ url: 'http://c.test' }]);
  });

  it('reads YAML (by extension or by its first line) and expands ${ENV} in header values only', () => {
    const yaml = '# fleet\n- http://a.test\n- url: http://b.test/${NOT_EXPANDED}\n  headers:\n    Authorization: Bearer ${GC_KEY}\n    X-Tenant: 42\n';
    const env = { GC_KEY: 'sk-from-env' };
    const expected = [{ url: 'http://a.test' }, { url: 'http://b.test/${NOT_EXPANDED}', headers: { Authorization: 'Bearer sk-from-env', 'X-Tenant': '42' } }];
    expect(parseTargets(yaml, 'fleet.yaml', env)).toEqual(expected);
    expect(parseTargets(yaml, 'fleet', env)).toEqual(expected);
    expect(parseTargets('targets:\n  - http://a.test\n', 'f.yml')).toEqual([{ url: 'http://a.test' }]);
  });

  it('refuses malformed files with a sentence that never quotes a header value', () => {
    const bad: [string, string, RegExp][] = [
      ['[1, 2]', 'x.json', /entry 1 must be a URL string or an object/],
      ['[{"url": "http://a", "header": {}}]', 'x.json', /entry 1/],
      ['{"url": "http://a"}', 'x.json', /must hold a list/],
      ['[', 'x.json', /not valid JSON/],
      ['- url: [unclosed', 'x.yaml', /not valid YAML/],
      ['# nothing\n', 'x.txt', /lists no targets/],
      ['[{"url": "http://a", "headers": {"X-Key": "Bearer ${GC_MISSING_VAR}"}}]', 'x.json', /GC_MISSING_VAR.*not set/],
      ['[{"url": "http://a", "headers": {"bad name": "secret-value-1"}}]', 'x.json', /not a valid header name/],
      ['[{"url": "http://a", "headers": {"X-Key": "${GC_EMPTY_VAR}"}}]', 'x.json', /GC_EMPTY_VAR.*empty/],
      ['[{"url": "http://a", "headers": {"X-Key": "secret-value-2\\r\\nX: y"}}]', 'x.json', /line break/],
    ];
    for (const [text, name, message] of bad) {
      let error: unknown;
      try {
        parseTargets(text, name, { GC_EMPTY_VAR: '' });
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(TargetsFileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toMatch(/secret-value/);
    }
    expect(() => parseTargets(Array.from({ length: MAX_TARGETS + 1 }, (_, i) => `http://h${i}.test`).join('\n'))).toThrow(/at most/);
  });

  it('lets a target header replace a --header default of the same name, whatever its case', () => {
    expect(mergeHeaders({ Authorization: 'Bearer a', 'X-A': '1' }, { authorization: 'Bearer b' })).toEqual({ 'X-A': '1', authorization: 'Bearer b' });
  });
});

describe('runBatch', () => {
  const fakeReport = (url: string, severity?: 'high'): ScanReport =>
    ({
      schemaVersion: 1,
      scanId: url,
      target: { url, origin: url },
      errors: [],
      grade: 'A',
      score: 100,
      verdict: { status: 'complete', reasons: [] },
      findings: severity ? [{ severity, confidence: 'confirmed' }] : [],
    }) as unknown as ScanReport;

  it('never runs more than `parallel` scans at once and keeps the file order', async () => {
    let inFlight = 0;
    let peak = 0;
    const targets = Array.from({ length: 13 }, (_, i) => ({ url: `http://t${i}.test` }));
    const batch = await runBatch(targets, {
      parallel: 3,
      scanFn: async (input) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
        inFlight -= 1;
        return fakeReport(input.url);
      },
    });
    expect(peak).toBe(3);
    expect(batch.reports.map((r) => r.target.url)).toEqual(targets.map((t) => t.url));
  });

  it('turns unreachable, refused and crashing targets into error entries with credentials redacted', async () => {
    const secret = 'sk-batch-secret-0042';
    const batch = await runBatch(
      [
        { url: 'http://down.test' },
        { url: 'http://ok.test', headers: { 'X-API-Key': secret } },
        { url: `http://boom.test/?k=${secret}`, headers: { 'X-API-Key': secret } },
      ],
      {
        scanFn: async (input) => {
          if (input.url.startsWith('http://down'))
            return { ...fakeReport(input.url), errors: [{ phase: 'reach', message: 'Could not reach http://down.test: ECONNREFUSED' }] };
          if (input.url.startsWith('http://boom')) throw new Error(`socket hang up while sending ${secret}`);
          return fakeReport(input.url, 'high');
        },
      },
    );
    expect(batch.reports).toHaveLength(1);
    expect(batch.errors).toEqual([
      { url: 'http://down.test', message: 'Could not reach http://down.test: ECONNREFUSED' },
      { url: 'http://boom.test/?k=[REDACTED]', message: 'Unexpected error: socket hang up while sending [REDACTED]' },
    ]);
    expect(batchExitCode(batch, 'none')).toBe(2);
    expect(batchExitCode({ ...batch, errors: [] }, 'high')).toBe(1);
    expect(batchExitCode({ ...batch, errors: [] }, 'none')).toBe(0);
    // A report whose scan could not vouch for its target fails every gate but none, as a target not scanned does.
    const incomplete = {
      ...batch.reports[0]!,
      findings: [],
      verdict: { status: 'incomplete' as const, reasons: ['auth.missing could not decide'] },
      grade: null,
      score: null,
    };
    expect(batchExitCode({ ...batch, reports: [incomplete], errors: [] }, 'critical')).toBe(2);
    expect(batchExitCode({ ...batch, reports: [incomplete], errors: [] }, 'none')).toBe(0);
  });

  it('marks targets not yet started as not scanned when cancelled', async () => {
    const controller = new AbortController();
    const batch = await runBatch(
      Array.from({ length: 6 }, (_, i) => ({ url: `http://t${i}.test` })),
      {
        parallel: 2,
        signal: controller.signal,
        scanFn: async (input) => {
          await new Promise((r) => setTimeout(r, 5)); // both workers have started by now
          controller.abort();
          return fakeReport(input.url);
        },
      },
    );
    expect(batch.reports).toHaveLength(2);
    expect(batch.errors).toHaveLength(4);
    expect(batch.errors[0]!.message).toMatch(/cancelled/);
  });
});

interface Emulator {
  name: string;
  start: () => Promise<RunningTarget>;
  /** Path the scan starts from, and the credential header a keyed instance takes. */
  path?: string;
  keyHeader?: [string, string];
}

const bearer: [string, string] = ['Authorization', 'Bearer ${GC_BATCH_KEY}'];
const EMULATORS: Emulator[] = [
  { name: 'fastapi-wrapper open', start: () => startFastapiWrapper(WRAPPER_OPEN), path: '/generate' },
  { name: 'fastapi-wrapper keyed', start: () => startFastapiWrapper(WRAPPER_KEYED), path: '/generate', keyHeader: ['X-API-Key', '${GC_BATCH_KEY}'] },
  { name: 'vllm open', start: () => vllm.startVllm(vllm.OPEN) },
  { name: 'vllm keyed', start: () => vllm.startVllm(vllm.KEYED), keyHeader: bearer },
  { name: 'sglang open', start: () => sglang.startSglang(sglang.OPEN) },
  { name: 'sglang keyed', start: () => sglang.startSglang(sglang.KEYED), keyHeader: bearer },
  { name: 'litellm open', start: () => litellm.startLitellm(litellm.OPEN) },
  { name: 'litellm keyed', start: () => litellm.startLitellm(litellm.KEYED), keyHeader: bearer },
  { name: 'localai open', start: () => localai.startLocalai(localai.OPEN) },
  { name: 'localai keyed', start: () => localai.startLocalai(localai.KEYED), keyHeader: bearer },
  { name: 'koboldcpp open', start: () => kobold.startKoboldcpp(kobold.OPEN) },
  { name: 'koboldcpp keyed', start: () => kobold.startKoboldcpp(kobold.KEYED), keyHeader: bearer },
  { name: 'textgen-webui open', start: () => textgen.startTextgenWebui(textgen.OPEN) },
  { name: 'textgen-webui keyed', start: () => textgen.startTextgenWebui(textgen.KEYED), keyHeader: bearer },
  { name: 'lmstudio open', start: () => lmstudio.startLmstudio(lmstudio.OPEN) },
  { name: 'lmstudio keyed', start: () => lmstudio.startLmstudio(lmstudio.KEYED), keyHeader: bearer },
  { name: 'triton open', start: () => triton.startTriton(triton.OPEN) },
  { name: 'triton keyed', start: () => triton.startTriton(triton.KEYED) },
  { name: 'openai-compatible open', start: () => openaiCompat.startOpenAICompatible(openaiCompat.OPEN) },
  { name: 'openai-compatible keyed', start: () => openaiCompat.startOpenAICompatible(openaiCompat.KEYED), keyHeader: bearer },
];

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('gatecrash scan --targets over 20 emulators', () => {
  let targets: RunningTarget[] = [];
  let dir: string;
  let downUrl: string;
  const timings: { parallel: number; targets: number; ms: number; scanMs: number; requests: number }[] = [];

  beforeAll(async () => {
    targets = await Promise.all(EMULATORS.map((e) => e.start()));
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-batch-'));
    downUrl = `http://127.0.0.1:${await closedPort()}/v1/chat/completions`;
    const lines = ['# 20 emulators, a target that is down, and one the SSRF guard refuses'];
    EMULATORS.forEach((e, i) => {
      lines.push(`- url: ${targets[i]!.url}${e.path ?? '/'}`);
      if (e.keyHeader) lines.push('  headers:', `    ${e.keyHeader[0]}: ${e.keyHeader[1]}`);
    });
    lines.push(`- ${downUrl}`, '- http://169.254.169.254/latest/meta-data/');
    writeFileSync(join(dir, 'targets.yaml'), `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (timings.length) {
      const rows = timings.map(
        (t) =>
          `| ${t.parallel} | ${t.targets} | ${(t.ms / 1000).toFixed(2)} s | ` +
          `${((t.targets * 1000) / t.ms).toFixed(2)} | ${(t.scanMs / 1000).toFixed(2)} s | ${t.requests} |`,
      );
      console.log(
        [
          'Batch timing (22 targets: 20 emulators + 1 down + 1 refused):',
          '| --parallel | targets | wall time (CLI process) | targets/s | sum of scan durations | requests |',
          '|---:|---:|---:|---:|---:|---:|',
          ...rows,
        ].join('\n'),
      );
    }
  });

  for (const parallel of [1, 4, 8]) {
    it(`writes one JSON batch with every report and an error entry for each target it could not scan (--parallel ${parallel})`, async () => {
      const run = await runCli(['scan', '--targets', join(dir, 'targets.yaml'), '--format', 'json', '--parallel', String(parallel), '--fail-on', 'none'], {
        GC_BATCH_KEY: TEST_KEY,
      });
      expect(run.code, run.stderr).toBe(2); // two targets could not be scanned
      expect(run.stderr).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
      const batch = BatchReportSchema.parse(JSON.parse(run.stdout));
      timings.push({
        parallel,
        targets: EMULATORS.length + 2,
        ms: run.ms,
        scanMs: batch.reports.reduce((n, r) => n + r.durationMs, 0),
        requests: batch.reports.reduce((n, r) => n + r.requests.sent, 0),
      });
      expect(batch.reports).toHaveLength(EMULATORS.length);
      expect(batch.reports.map((r) => r.target.url)).toEqual(EMULATORS.map((e, i) => new URL(`${targets[i]!.url}${e.path ?? '/'}`).href));
      for (const r of batch.reports) {
        expect(r.errors.filter((e) => e.phase === 'reach')).toEqual([]);
        expect(r.requests.sent).toBeGreaterThan(0);
      }
      expect(batch.errors.map((e) => e.url)).toEqual([downUrl, 'http://169.254.169.254/latest/meta-data/']);
      expect(batch.errors[0]!.message).toMatch(/Could not reach/);
      expect(batch.errors[1]!.message).toMatch(/metadata/i);
      expect(`${run.stdout}${run.stderr}`).not.toContain(TEST_KEY);
      // The open wrapper is the tutorial's case: proven, in the batch exactly as in a single scan.
      expect(batch.reports[0]!.findings.some((f) => f.rule === 'auth.missing' && f.confidence === 'confirmed')).toBe(true);
      expect(batch.reports[1]!.findings.filter((f) => f.rule === 'auth.missing')).toEqual([]);
    }, 180_000);
  }

  it('writes one SARIF run for the whole batch and still exits 1 on a failing gate', async () => {
    const file = join(dir, 'batch.sarif');
    // Only the reachable emulators, so the exit code is the gate's.
    const list = EMULATORS.map((e, i) => ({ url: `${targets[i]!.url}${e.path ?? '/'}` }));
    writeFileSync(join(dir, 'reachable.json'), JSON.stringify(list));
    const run = await runCli(['scan', '--targets', join(dir, 'reachable.json'), '--format', 'sarif', '--output', file, '--parallel', '8']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(file, 'utf8'));
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].invocations).toHaveLength(EMULATORS.length);
    expect(sarif.runs[0].results.some((r: { ruleId: string }) => r.ruleId === 'auth.missing')).toBe(true);
    const none = await runCli(['scan', '--targets', join(dir, 'reachable.json'), '--format', 'sarif', '--output', file, '--fail-on', 'none']);
    expect(none.code, none.stderr).toBe(0);
  }, 180_000);

  it('writes batch SARIF (with the unscanned targets) that validates against the official SARIF 2.1.0 ' +
    'schema, and JSON that validates against the batch JSON Schema', async () => {
    const file = join(dir, 'all.sarif');
    const run = await runCli(['scan', '--targets', join(dir, 'targets.yaml'), '--format', 'sarif', '--output', file, '--parallel', '8'], {
      GC_BATCH_KEY: TEST_KEY,
    });
    expect(run.code).toBe(2);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(TEST_KEY);
    const sarif = JSON.parse(text);
    const { valid, errors } = validateSarif(sarif);
    expect(errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const invocations = sarif.runs[0].invocations as { executionSuccessful: boolean }[];
    expect(invocations).toHaveLength(EMULATORS.length + 2);
    expect(invocations.filter((i) => !i.executionSuccessful).length).toBeGreaterThanOrEqual(2);
    console.log(
      `SARIF 2.1.0 validation (ajv draft-04, the vendored sarif-schema-2.1.0.json): ${valid ? 'valid' : 'INVALID'}; ` +
        `1 run, ${invocations.length} invocations (2 not scanned), ${sarif.runs[0].results.length} results`,
    );

    const json = await runCli(['scan', '--targets', join(dir, 'targets.yaml'), '--format', 'json', '--parallel', '8'], { GC_BATCH_KEY: TEST_KEY });
    const validate = compileReportJsonSchema(batchReportJsonSchema());
    expect(validate(JSON.parse(json.stdout)), JSON.stringify(validate.errors)).toBe(true);
  }, 180_000);

  it('renders the batch as Markdown with a section for the targets it could not scan', async () => {
    const run = await runCli(['scan', '--targets', join(dir, 'targets.yaml'), '--format', 'markdown', '--parallel', '8'], { GC_BATCH_KEY: TEST_KEY });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^# Gatecrash batch scan of 20 targets/);
    expect(run.stdout).toContain('## Targets not scanned (2)');
    expect(run.stdout).not.toContain(TEST_KEY);
  }, 180_000);
});

describe('batch renderers', () => {
  it('adds a failed invocation per unscanned target to the single SARIF run, and publishes a JSON Schema', () => {
    const sarif = toBatchSarif({ schemaVersion: 1, reports: [], errors: [{ url: 'http://x.test', message: 'Could not reach it.' }] });
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.invocations).toEqual([
      expect.objectContaining({ executionSuccessful: false, toolExecutionNotifications: [expect.objectContaining({ level: 'error' })] }),
    ]);
    const md = toBatchMarkdown({ schemaVersion: 1, reports: [], errors: [{ url: 'http://x.test/|`@team', message: 'down' }] });
    // A URL is a code span in Markdown (no autolink), its pipe escaped for table cells; nothing in it is live.
    expect(md).toContain('``http://x.test/\\|`@team``');
    expect(liveMarkup(md)).toMatchObject({ links: [], mentions: [], html: [] });
    const schema = batchReportJsonSchema();
    expect(schema.required).toEqual(['schemaVersion', 'reports', 'errors']);
  });
});
