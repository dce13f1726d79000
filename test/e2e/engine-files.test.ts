// The shipped engine files (deploy/): a Kubernetes Indexed Job and a GitHub Actions matrix workflow that shard a fleet
// and merge it in a last step. Each is validated by a maintained validator (kubernetes-models' JSON Schemas, GitHub's
// own @actions/workflow-parser), and then its own shell runs here, with each completion index or matrix value, over a
// loopback fleet, with `npx gatecrash@…` standing in for the Gatecrash of this checkout: the merged result must be
// what one run of discover gives.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { type Inventory, InventorySchema } from '../../src/report/inventory.js';
import { FLEET_KINDS, type Fleet, startFleet } from '../targets/fleet.js';
import { runCli } from './cli-run.js';
import { CLI } from './mcp-client.js';
import { batchVerdicts } from './verdicts.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const JOB_FILE = join(ROOT, 'deploy/kubernetes/gatecrash-fleet.yaml');
const WORKFLOW_FILE = join(ROOT, 'deploy/github/gatecrash-fleet.yml');

let fleet: Fleet;
let dir: string;
let bin: string;
let single: Inventory;

/** Runs a script with /bin/sh (POSIX: the container's busybox and a runner's shell both read it), `npx` stubbed. */
function sh(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', script],
      { cwd, env: { PATH: `${bin}:${process.env.PATH}`, GATECRASH_LOG_LEVEL: 'silent', ...env }, timeout: 120_000 },
      (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const comparable = (inv: Inventory) => ({ ...inv, scans: inv.scans ? batchVerdicts(inv.scans) : undefined });

beforeAll(async () => {
  // A small fleet: an open Ollama (a finding that fails the gate), a keyed vLLM, a keyed llama.cpp, a web page.
  const kinds = FLEET_KINDS.filter((k) =>
    ['Ollama', 'vLLM, --api-key, /invocations guarded', 'llama.cpp, keyed', 'intranet web page (no LLM)'].includes(k.name),
  );
  fleet = await startFleet({ addresses: 16, perKind: 1, others: 1, seed: 3, kinds });
  dir = mkdtempSync(join(tmpdir(), 'gatecrash-engine-files-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // `npx --yes gatecrash@VERSION ARGS…` → the built CLI of this checkout with ARGS; any other package is refused.
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in gatecrash@${VERSION}) shift; exec ` +
      `"${process.execPath}" "${CLI}" "$@";; -*) shift;; *) echo "npx stub: unexpected package $1" >&2; ` +
      `exit 97;; esac; done\necho "npx stub: no package" >&2; exit 97\n`,
  );
  chmodSync(join(bin, 'npx'), 0o755);
  const run = await runCli([
    'discover',
    fleet.cidr,
    '--ports',
    fleet.ports.join(','),
    '--allow-private',
    '--rate',
    '200',
    '--scan',
    '--fail-on',
    'none',
    '--format',
    'json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  single = InventorySchema.parse(JSON.parse(run.stdout)) as Inventory;
  expect(single.scans!.reports.length).toBe(3);
}, 120_000);

afterAll(async () => {
  await fleet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('deploy/kubernetes/gatecrash-fleet.yaml', () => {
  const docs = parseAllDocuments(readFileSync(JOB_FILE, 'utf8')).map(
    // biome-ignore lint/suspicious/noExplicitAny: a parsed manifest, read by the paths the assertions name
    (d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, any> },
  );
  const discover = docs.find((d) => d.metadata.name === 'gatecrash-fleet-discover')!;
  const merge = docs.find((d) => d.metadata.name === 'gatecrash-fleet-merge')!;
  const envOf = (c: { env: { name: string; value: string }[] }) => Object.fromEntries(c.env.map((e) => [e.name, e.value]));

  it('is valid against the Kubernetes schemas (kubernetes-models), and an Indexed Job of SHARDS completions', () => {
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}`)).toEqual(['v1 PersistentVolumeClaim', 'batch/v1 Job', 'batch/v1 Job']);
    for (const doc of docs) {
      const model = doc.kind === 'Job' ? new Job(doc as never) : new PersistentVolumeClaim(doc as never);
      expect(() => model.validate(), doc.metadata.name).not.toThrow();
    }
    // The validators do catch mistakes (a wrong type, an unknown completion mode).
    expect(() => new Job({ ...discover, spec: { ...discover.spec, completions: 'four' } } as never).validate()).toThrow();
    expect(() => new Job({ ...discover, spec: { ...discover.spec, completionMode: 'Sharded' } } as never).validate()).toThrow();

    const shards = Number(envOf(discover.spec.template.spec.containers[0]).SHARDS);
    expect(discover.spec.completionMode).toBe('Indexed');
    expect(discover.spec.completions).toBe(shards);
    expect(discover.spec.parallelism).toBe(shards);
    expect(Number(envOf(merge.spec.template.spec.initContainers[0]).SHARDS)).toBe(shards);
    for (const job of [discover, merge]) expect(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(docs[0]!.metadata.name);
    expect(JSON.stringify(docs)).toContain(`gatecrash@${VERSION} `);
  });

  it('runs: each completion index sweeps its shard, the merge Job waits for all and writes the single run', async () => {
    const results = join(dir, 'k8s-results');
    mkdirSync(results);
    const container = discover.spec.template.spec.containers[0];
    const shards = Number(envOf(container).SHARDS);
    const local = { SCOPE: fleet.cidr, PORTS: fleet.ports.join(','), RATE: '200', RESULTS_DIR: results, HOME: dir };
    const runs = await Promise.all(
      Array.from({ length: shards }, (_, index) => sh(container.args[0], { ...envOf(container), ...local, JOB_COMPLETION_INDEX: String(index) }, dir)),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(results).sort()).toEqual(Array.from({ length: shards }, (_, i) => `shard-${i + 1}.json`).sort());

    const wait = merge.spec.template.spec.initContainers[0];
    expect((await sh(wait.args[0], { ...envOf(wait), RESULTS_DIR: results }, dir)).code).toBe(0);
    const main = merge.spec.template.spec.containers[0];
    const merged = await sh(main.args[0], { ...envOf(main), RESULTS_DIR: results, HOME: dir }, dir);
    // The open Ollama's findings fail the gate: the merge Job fails, after writing every file.
    expect(merged.code, merged.stderr).toBe(1);
    for (const f of ['fleet.json', 'fleet.sarif', 'fleet.md', 'fleet.csv']) expect(existsSync(join(results, f)), f).toBe(true);
    const inventory = InventorySchema.parse(JSON.parse(readFileSync(join(results, 'fleet.json'), 'utf8'))) as Inventory;
    expect(comparable(inventory)).toEqual(comparable(single));
    const sarif = JSON.parse(readFileSync(join(results, 'fleet.sarif'), 'utf8'));
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].invocations).toHaveLength(3);
  }, 180_000);
});

describe('deploy/github/gatecrash-fleet.yml', () => {
  const text = readFileSync(WORKFLOW_FILE, 'utf8');
  // biome-ignore lint/suspicious/noExplicitAny: a parsed workflow, read by the paths the assertions name
  const workflow = parseYaml(text) as { env: Record<string, string>; jobs: Record<string, any> };

  it("is valid to GitHub's own workflow parser, with a matrix of 1..SHARDS and a merge job after it", async () => {
    const parsed = parseWorkflow({ name: 'gatecrash-fleet.yml', content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((j) => j.id.value)).toEqual(['discover', 'merge']);
    expect(template.jobs[1]!.needs?.map((n) => n.value)).toEqual(['discover']);
    // The parser does catch mistakes (an unknown key in a job).
    const broken = parseWorkflow({ name: 'broken.yml', content: text.replace('    needs: discover', '    need: discover') }, new NoOperationTraceWriter());
    expect(broken.context.errors.getErrors().length).toBeGreaterThan(0);

    const shards = Number(workflow.env.SHARDS);
    expect(workflow.jobs.discover.strategy.matrix.shard).toEqual(Array.from({ length: shards }, (_, i) => i + 1));
    expect(text).toContain(`gatecrash@${VERSION} `);
  });

  it('runs: each matrix shard sweeps its share, the merge job joins the artifacts into the single run', async () => {
    const values: Record<string, string> = {
      '${{ inputs.scope || vars.GATECRASH_SCOPE }}': fleet.cidr,
      '${{ inputs.ports }}': fleet.ports.join(','),
    };
    // The only expressions the scripts' environment may hold: anything else must be added here on purpose.
    const resolve = (value: unknown, shard: number) =>
      String(value).replace(/\$\{\{[^}]*\}\}/g, (expr) => {
        if (expr === '${{ matrix.shard }}') return String(shard);
        if (expr in values) return values[expr]!;
        throw new Error(`unexpected expression ${expr}`);
      });
    const runSteps = (
      job: { env?: Record<string, string>; steps: { run?: string; uses?: string; with?: Record<string, string> }[] },
      shard: number,
      cwd: string,
      extra: Record<string, string>,
    ) => {
      const env: Record<string, string> = { ...extra };
      for (const [k, v] of Object.entries({ ...workflow.env, ...(job.env ?? {}) })) env[k] = resolve(v, shard);
      return job.steps.filter((s) => s.run).map((s) => () => sh(s.run!, env, cwd));
    };
    const artifacts = join(dir, 'artifacts');
    mkdirSync(artifacts);
    const discoverJob = workflow.jobs.discover;
    await Promise.all(
      (discoverJob.strategy.matrix.shard as number[]).map(async (shard) => {
        const cwd = join(dir, `runner-${shard}`);
        mkdirSync(cwd);
        for (const step of runSteps(discoverJob, shard, cwd, { HOME: dir })) {
          const r = await step();
          expect(r.code, r.stderr).toBe(0);
        }
        const upload = discoverJob.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact'));
        const file = resolve(upload.with.path, shard);
        copyFileSync(join(cwd, file), join(artifacts, file));
      }),
    );
    // download-artifact with merge-multiple: every shard's file in one folder.
    const mergeJob = workflow.jobs.merge;
    const download = mergeJob.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/download-artifact'));
    const cwd = join(dir, 'runner-merge');
    mkdirSync(join(cwd, download.with.path), { recursive: true });
    for (const f of readdirSync(artifacts)) copyFileSync(join(artifacts, f), join(cwd, download.with.path, f));
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const codes: number[] = [];
    for (const step of runSteps(mergeJob, 0, cwd, { HOME: dir, GITHUB_STEP_SUMMARY: summary })) codes.push((await step()).code);
    // Merging succeeds; the gate step fails on the open Ollama, as it should.
    expect(codes).toEqual([0, 1]);
    const inventory = InventorySchema.parse(JSON.parse(readFileSync(join(cwd, 'fleet.json'), 'utf8'))) as Inventory;
    expect(comparable(inventory)).toEqual(comparable(single));
    expect(readFileSync(summary, 'utf8')).toMatch(/^# Gatecrash fleet inventory/);
    expect(JSON.parse(readFileSync(join(cwd, 'fleet.sarif'), 'utf8')).runs[0].invocations).toHaveLength(3);
  }, 180_000);
});
