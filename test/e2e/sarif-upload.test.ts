// Every SARIF file the CLI writes, checked the way GitHub code scanning would take it (nothing is uploaded): valid against
// the SARIF 2.1.0 schema, no artifact URI with a scheme other than `file` (GitHub refuses the whole upload otherwise), and
// every result pointing somewhere a reader understands — the endpoint as scheme/host:port/path, or the repository file
// given with --source. Single scans, batches (with a target that could not be scanned), the merge of a batch's shards,
// and discover --scan. verify writes no SARIF and says so.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointArtifactUri } from '../../src/report/sarif.js';
import { uploadBlockers, validateSarif } from '../report/helpers.js';
import { OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { type CliRun, runCli } from './cli-run.js';

interface Result {
  ruleId: string;
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
  relatedLocations?: { physicalLocation: { artifactLocation: { uri: string } } }[];
  webRequest: { target: string };
}

/** The file as GitHub would take it: schema-valid, no refused URI; its results. */
function uploadable(path: string, run: CliRun): Result[] {
  const log = JSON.parse(readFileSync(path, 'utf8'));
  expect(validateSarif(log).errors ?? [], `${path}: ${run.stderr}`).toEqual([]);
  expect(uploadBlockers(log), path).toEqual([]);
  return log.runs[0].results as Result[];
}

/** Each result names its endpoint the way a reader recognises it, and keeps the full request. */
function pointsAtEndpoints(results: Result[]): void {
  expect(results.length).toBeGreaterThan(0);
  for (const r of results) {
    const loc = r.locations[0]!.physicalLocation.artifactLocation;
    expect(loc.uriBaseId).toBe('ENDPOINTS');
    expect(loc.uri).toMatch(/^http\/127\.0\.0\.1:\d+\//);
    expect(r.webRequest.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  }
}

describe('every SARIF the CLI writes would be accepted by GitHub code scanning', () => {
  let open: RunningTarget;
  let other: RunningTarget;
  let dir: string;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    [open, other] = await Promise.all([startFastapiWrapper(OPEN), startFastapiWrapper(OPEN)]);
    dir = mkdtempSync(join(tmpdir(), 'gatecrash-sarif-'));
    mkdirSync(file('app'));
    writeFileSync(file('app/main.py'), '# serves POST /generate\n');
  });
  afterAll(async () => {
    await Promise.all([open?.close(), other?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a single scan: endpoints as locations; with --source, the file and line, and the endpoint as a related location', async () => {
    const url = `${open.url}/generate`;
    const plain = await runCli(['scan', url, '--format', 'sarif', '--output', file('single.sarif')]);
    expect(plain.code, plain.stderr).toBe(1);
    const results = uploadable(file('single.sarif'), plain);
    pointsAtEndpoints(results);
    expect(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toContain(endpointArtifactUri(url));

    const withSource = await runCli(['scan', url, '--format', 'sarif', '--output', file('source.sarif'), '--source', 'app/main.py:7'], {}, { cwd: dir });
    expect(withSource.code, withSource.stderr).toBe(1);
    for (const r of uploadable(file('source.sarif'), withSource)) {
      expect(r.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'app/main.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 7 } });
      expect(r.relatedLocations?.[0]?.physicalLocation.artifactLocation.uri).toMatch(/^http\/127\.0\.0\.1:\d+\//);
    }
  }, 60_000);

  it('a batch, with a target that could not be scanned, and with a source per target from the targets file', async () => {
    writeFileSync(
      file('targets.yaml'),
      [`- url: ${open.url}/generate`, '  source: app/main.py:3', `- ${other.url}/generate`, '- http://169.254.169.254/latest/meta-data/', ''].join('\n'),
    );
    const run = await runCli(['scan', '--targets', file('targets.yaml'), '--format', 'sarif', '--output', file('batch.sarif')], {}, { cwd: dir });
    expect(run.code, run.stderr).toBe(2);
    const results = uploadable(file('batch.sarif'), run);
    const uris = new Set(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri));
    expect(uris.has('app/main.py')).toBe(true);
    expect([...uris].some((u) => u.startsWith(`http/127.0.0.1:${new URL(other.url).port}/`))).toBe(true);
  }, 90_000);

  it("the merge of a batch's shards", async () => {
    writeFileSync(file('two.txt'), `${open.url}/generate\n${other.url}/generate\n`);
    for (const k of [1, 2]) {
      const shard = await runCli(['scan', '--targets', file('two.txt'), '--shard', `${k}/2`, '--format', 'json', '--output', file(`shard-${k}.json`)]);
      expect(shard.code, shard.stderr).toBe(1);
    }
    const merged = await runCli(['merge', file('shard-1.json'), file('shard-2.json'), '--format', 'sarif', '--output', file('merged.sarif')]);
    expect(merged.code, merged.stderr).toBe(1);
    pointsAtEndpoints(uploadable(file('merged.sarif'), merged));
  }, 90_000);

  it('discover --scan', async () => {
    const ports = [open.url, other.url].map((u) => new URL(u).port).join(',');
    const run = await runCli(['discover', '127.0.0.1', '--ports', ports, '--scan', '--format', 'sarif', '--output', file('fleet.sarif'), '--fail-on', 'none']);
    expect(run.code, run.stderr).toBe(0);
    pointsAtEndpoints(uploadable(file('fleet.sarif'), run));
  }, 90_000);

  it('verify writes no SARIF, and says so in one sentence', async () => {
    const run = await runCli(['verify', '--report', file('shard-1.json'), '--format', 'sarif']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gatecrash: --format takes pretty or json; got 'sarif'\.\n$/);
  });
});
