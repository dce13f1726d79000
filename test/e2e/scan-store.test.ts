// The local scan store: a scan outlives its process. A CLI run or an MCP session keeps its reports (redacted, exactly as
// --format json writes them) under $XDG_CACHE_HOME/gatecrash/scans, bounded in count and age; the next process finds
// them by scan id or finding id (verify_fix, explain_finding, the scan resources, `gatecrash verify --scan`).
// Every case here points XDG_CACHE_HOME at a directory of its own.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { toJson } from '../../src/report/json.js';
import { ScanStore, scanStoreDir } from '../../src/scan-store.js';
import { KEYED, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { runCli } from './cli-run.js';
import { connectStdio, scannedReport } from './mcp-client.js';

const homes: string[] = [];
function cacheHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatecrash-store-'));
  homes.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

const storedFiles = (home: string) => {
  try {
    return readdirSync(join(home, 'gatecrash', 'scans')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
};

let open: RunningTarget;
let keyed: RunningTarget;
beforeAll(async () => {
  [open, keyed] = await Promise.all([startFastapiWrapper({}), startFastapiWrapper(KEYED)]);
});
afterAll(async () => {
  await open?.close();
  await keyed?.close();
});

describe('where the store is', () => {
  it('follows XDG: an absolute XDG_CACHE_HOME, else ~/.cache; GATECRASH_NO_STORE turns it off', () => {
    expect(scanStoreDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/gatecrash/scans');
    expect(scanStoreDir({ XDG_CACHE_HOME: 'relative/cache', HOME: '/home/u' })).toMatch(/\/\.cache\/gatecrash\/scans$/);
    expect(scanStoreDir({ XDG_CACHE_HOME: '/x', GATECRASH_NO_STORE: '1' })).toBeNull();
  });
});

describe('ScanStore', () => {
  /** A real report (a quick scan of the open emulator), under another id. */
  let sample: ScanReport;
  beforeAll(async () => {
    sample = await scan({ url: `${open.url}/generate` }, { depth: 'quick' });
  });
  const report = (id: string): ScanReport => ({ ...sample, scanId: id });

  it('writes the JSON report byte for byte, private to the user, and reads it back', () => {
    const store = new ScanStore(join(cacheHome(), 'scans'));
    const r = report('0f0e0d0c-0000-4000-8000-000000000001');
    store.save(r);
    const file = join(store.dir, `${r.scanId}.json`);
    expect(readFileSync(file, 'utf8')).toBe(toJson(r));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(store.load(r.scanId)).toEqual(r);
    expect(store.recent().map((x) => x.scanId)).toEqual([r.scanId]);
  });

  it('keeps the newest scans within the count and the age, and deletes the rest when it saves', () => {
    const store = new ScanStore(join(cacheHome(), 'scans'), { maxScans: 3, maxAgeMs: 60_000 });
    const ids = [1, 2, 3, 4].map((n) => `scan-${n}`);
    ids.forEach((id, i) => {
      store.save(report(id));
      const t = new Date(Date.now() - (10 - i) * 1000); // in saving order, a second apart
      utimesSync(join(store.dir, `${id}.json`), t, t);
    });
    store.save(report('scan-5'));
    expect(store.recent().map((r) => r.scanId)).toEqual(['scan-5', 'scan-4', 'scan-3']);
    const stale = new Date(Date.now() - 120_000);
    utimesSync(join(store.dir, 'scan-3.json'), stale, stale);
    store.save(report('scan-6'));
    expect(store.recent().map((r) => r.scanId)).toEqual(['scan-6', 'scan-5', 'scan-4']);
  });

  it('refuses ids that could name another file, and skips files that are not reports', () => {
    const home = cacheHome();
    const store = new ScanStore(join(home, 'scans'));
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(join(home, 'secret.json'), toJson(report('secret')));
    writeFileSync(join(store.dir, 'broken.json'), '{"not":"a report"}');
    writeFileSync(join(store.dir, 'other.json'), toJson(report('not-other')));
    expect(store.load('../secret')).toBeUndefined();
    expect(store.load('broken')).toBeUndefined();
    expect(store.load('other')).toBeUndefined();
    expect(store.recent()).toEqual([]);
    expect(() => store.save(report('../escape'))).toThrow(/cannot name a file/);
  });
});

describe('CLI', () => {
  it('keeps each scan, lists it, and verifies it by id in a later run; --no-store keeps nothing', async () => {
    const home = cacheHome();
    const env = { XDG_CACHE_HOME: home };
    const scanned = await runCli(['scan', `${keyed.url}/generate`, '--format', 'json', '--header', `X-API-Key: ${TEST_KEY}`], env);
    const report = JSON.parse(scanned.stdout) as ScanReport;
    const [file] = storedFiles(home);
    expect(file).toBe(`${report.scanId}.json`);
    const stored = readFileSync(join(home, 'gatecrash', 'scans', file as string), 'utf8');
    expect(stored).toBe(scanned.stdout);
    expect(stored).not.toContain(TEST_KEY);

    const listed = await runCli(['scans', '--format', 'json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ scanId: report.scanId, target: `${keyed.url}/generate` })]);

    const openScan = await runCli(['scan', `${open.url}/generate`, '--format', 'json'], env);
    const openReport = JSON.parse(openScan.stdout) as ScanReport;
    expect(openReport.findings.length).toBeGreaterThan(0);
    const verify = await runCli(['verify', '--scan-id', openReport.scanId, '--format', 'json'], env);
    expect(verify.code, verify.stderr).toBe(1); // still open: still failing
    expect(JSON.parse(verify.stdout)).toMatchObject({ previousScanId: openReport.scanId, allFixed: false });
    // The re-scans are kept too.
    expect(storedFiles(home).length).toBeGreaterThan(2);

    const unknown = await runCli(['verify', '--scan-id', 'no-such-scan'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^gatecrash: No scan no-such-scan in the local scan store \(.*\): gatecrash scans lists/);

    // gatecrash fix finds a finding of a kept scan by its id alone, or every finding of the scan by --scan-id.
    const missing = openReport.findings.find((f) => f.rule === 'auth.missing')!;
    expect(missing.fix).toMatchObject({ framework: 'fastapi', name: 'FastAPI' });
    const fix = await runCli(['fix', missing.id], env);
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stdout).toMatch(/^Fix: Missing authentication on inference endpoint — FastAPI\n/);
    expect(fix.stdout).toContain(`--port ${new URL(open.url).port}`);
    const all = await runCli(['fix', '--scan-id', openReport.scanId], env);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^Fix: Fixes for \d+ rules \(auth\.missing, /);
    const absent = await runCli(['fix', 'GC-0123456789abcdef'], env);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(
      /^gatecrash: No scan in the local scan store \(.*\) holds GC-0123456789abcdef: fix needs the report the finding is in: --report FILE/,
    );
    const off = await runCli(['fix', missing.id], { ...env, GATECRASH_NO_STORE: '1' });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/needs the report the finding is in: --report FILE .*; the local scan store is turned off \(GATECRASH_NO_STORE\)\.\n$/);

    const before = storedFiles(home).length;
    await runCli(['scan', `${open.url}/generate`, '--format', 'json', '--no-store'], env);
    await runCli(['scan', `${open.url}/generate`, '--format', 'json'], { ...env, GATECRASH_NO_STORE: '1' });
    expect(storedFiles(home).length).toBe(before);
  }, 60_000);
});

describe('MCP across a restart', () => {
  it("finds the earlier process's scan by scan id and finding id, and lists it as a resource", async () => {
    const home = cacheHome();
    const first = await connectStdio(['mcp'], { XDG_CACHE_HOME: home });
    let report: ScanReport;
    try {
      const result = await first.callTool({ name: 'scan_endpoint', arguments: { url: `${open.url}/generate` } });
      report = await scannedReport(first, result);
    } finally {
      await first.close();
    }
    const finding = report.findings[0];
    expect(finding).toBeDefined();
    // The full report carries each finding's fix for the identified stack; the brief result stays brief.
    expect(finding?.fix?.command).toBe(`suggest_remediation with this finding (${finding?.id})`);

    const second = await connectStdio(['mcp'], { XDG_CACHE_HOME: home });
    try {
      const explained = await second.callTool({ name: 'explain_finding', arguments: { findingId: finding?.id } });
      expect(explained.isError).toBeFalsy();
      expect((explained.structuredContent as { rule: string }).rule).toBe(finding?.rule);
      const fix = await second.callTool({ name: 'suggest_remediation', arguments: { findingId: finding?.id } });
      expect((fix.structuredContent as { code: string }).code).toContain('/generate');

      const verified = await second.callTool({ name: 'verify_fix', arguments: { url: `${open.url}/generate`, previousScan: report.scanId } });
      expect(verified.isError, JSON.stringify(verified.content)).toBeFalsy();
      expect(verified.structuredContent).toMatchObject({ previousScanId: report.scanId, allFixed: false });
      const byIds = await second.callTool({ name: 'verify_fix', arguments: { url: `${open.url}/generate`, findingIds: [finding?.id] } });
      // The newest scan holding the finding: here the re-scan just made, which found it again.
      expect(byIds.structuredContent).toMatchObject({ verdicts: [expect.objectContaining({ findingId: finding?.id, status: 'still-failing' })] });

      const { resources } = await second.listResources();
      expect(resources.map((r) => r.uri)).toContain(`gatecrash://scans/${report.scanId}`);
      const read = await second.readResource({ uri: `gatecrash://scans/${report.scanId}` });
      expect((read.contents[0] as { text: string }).text).toBe(toJson(report));
    } finally {
      await second.close();
    }
  }, 60_000);

  it('keeps nothing with --no-store, and then a restart knows no earlier scan', async () => {
    const home = cacheHome();
    const first = await connectStdio(['mcp', '--no-store'], { XDG_CACHE_HOME: home });
    let scanId: string;
    try {
      const result = await first.callTool({ name: 'scan_endpoint', arguments: { url: `${open.url}/generate`, depth: 'quick' } });
      scanId = (await scannedReport(first, result)).scanId;
    } finally {
      await first.close();
    }
    expect(storedFiles(home)).toEqual([]);
    const second = await connectStdio(['mcp'], { XDG_CACHE_HOME: home });
    try {
      const r = await second.callTool({ name: 'verify_fix', arguments: { url: `${open.url}/generate`, previousScan: scanId } });
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toMatch(/No scan with that id in this session or the local scan store/);
    } finally {
      await second.close();
    }
  }, 60_000);
});
