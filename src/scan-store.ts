// The local scan store: recent reports on disk, so a scan outlives the process that ran it (`verify_fix` after the MCP
// server restarted, `gatecrash verify --scan-id ID` after `gatecrash scan`). Written by the faces (CLI, MCP), never by the
// engine. Each report is stored exactly as `--format json` writes it, already redacted: no credential reaches the disk.
//
// Where: $XDG_CACHE_HOME/gatecrash/scans (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
// ~/.cache/gatecrash/scans. Off with --no-store or GATECRASH_NO_STORE=1. Bounded: the newest 100 scans of the last
// 30 days are kept; older ones are deleted whenever a scan is saved. The directory is private to the user (0700, files
// 0600): a report can hold what a target leaked.
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ScanReport } from './engine/types.js';
import { parseScanReport, toJson } from './report/json.js';

export const STORE_MAX_SCANS = 100;
export const STORE_MAX_AGE_MS = 30 * 24 * 60 * 60_000;

/** Scan ids are UUIDs; anything else that could name a file elsewhere is refused before touching the disk. */
const SCAN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const SUFFIX = '.json';

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/** The store's directory for this environment, or null when storing is turned off. */
export function scanStoreDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (truthy(env.GATECRASH_NO_STORE)) return null;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'gatecrash', 'scans');
}

export const isScanId = (id: string): boolean => SCAN_ID.test(id);

interface Entry {
  id: string;
  mtimeMs: number;
}

export class ScanStore {
  /** Parsed reports by id, valid while the file's mtime is unchanged: listings do not re-read the disk each time. */
  private readonly cache = new Map<string, { mtimeMs: number; report: ScanReport }>();

  constructor(
    readonly dir: string,
    private readonly limits = { maxScans: STORE_MAX_SCANS, maxAgeMs: STORE_MAX_AGE_MS },
  ) {}

  /** The store this environment asks for (see scanStoreDir), or null. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): ScanStore | null {
    const dir = scanStoreDir(env);
    return dir ? new ScanStore(dir) : null;
  }

  /** Writes the report (atomically: a reader never sees half a file) and prunes. Throws on an I/O failure. */
  save(report: ScanReport): void {
    if (!isScanId(report.scanId)) throw new Error(`scan id "${report.scanId.slice(0, 40)}" cannot name a file`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${report.scanId}${SUFFIX}`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, toJson(report), { mode: 0o600 });
    renameSync(tmp, file);
    this.prune();
  }

  /** The stored report with this id, or undefined (unknown id, unreadable or not a Gatecrash report). */
  load(id: string): ScanReport | undefined {
    if (!isScanId(id)) return undefined;
    try {
      const { mtimeMs } = statSync(join(this.dir, `${id}${SUFFIX}`));
      return this.read({ id, mtimeMs });
    } catch {
      return undefined;
    }
  }

  /** Stored reports, newest first. */
  recent(): ScanReport[] {
    return this.entries()
      .map((e) => this.read(e))
      .filter((r): r is ScanReport => r !== undefined);
  }

  private read(entry: Entry): ScanReport | undefined {
    const cached = this.cache.get(entry.id);
    if (cached && cached.mtimeMs === entry.mtimeMs) return cached.report;
    try {
      const report = parseScanReport(readFileSync(join(this.dir, `${entry.id}${SUFFIX}`), 'utf8'));
      if (report.scanId !== entry.id) return undefined;
      this.cache.set(entry.id, { mtimeMs: entry.mtimeMs, report });
      return report;
    } catch {
      return undefined; // a file that is not a report is not a scan
    }
  }

  /** Report files, newest first. */
  private entries(): Entry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Entry[] = [];
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) continue;
      const id = name.slice(0, -SUFFIX.length);
      if (!isScanId(id)) continue;
      try {
        out.push({ id, mtimeMs: statSync(join(this.dir, name)).mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
    return out.sort((a, b) => b.mtimeMs - a.mtimeMs);
  }

  private prune(): void {
    const oldest = Date.now() - this.limits.maxAgeMs;
    this.entries().forEach((e, i) => {
      if (i < this.limits.maxScans && e.mtimeMs >= oldest) return;
      try {
        unlinkSync(join(this.dir, `${e.id}${SUFFIX}`));
      } catch {
        // another process pruned it first
      }
      this.cache.delete(e.id);
    });
  }
}
