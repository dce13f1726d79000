// A directory of JSON records, one file per id: written atomically (a reader never sees half a file), private to the user
// (0700, files 0600: a record can hold what a target leaked), bounded by count and age, pruned whenever one is saved.
// The scan store and the batch store are two of these; each says how its record is named, written and read back.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoreLimits {
  maxRecords: number;
  maxAgeMs: number;
}

export interface RecordCodec<T> {
  /** What the record is, for error messages ("scan", "batch"). */
  noun: string;
  idOf(record: T): string;
  serialize(record: T): string;
  /** Throws when the text is not such a record. */
  parse(text: string): T;
}

/** Ids are UUIDs; anything else that could name a file elsewhere is refused before touching the disk. */
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const SUFFIX = '.json';

export const isRecordId = (id: string): boolean => RECORD_ID.test(id);

interface Entry {
  id: string;
  mtimeMs: number;
}

export class JsonFileStore<T> {
  /** Parsed records by id, valid while the file's mtime is unchanged: listings do not re-read the disk each time. */
  private readonly cache = new Map<string, { mtimeMs: number; record: T }>();

  constructor(
    readonly dir: string,
    private readonly codec: RecordCodec<T>,
    private readonly limits: StoreLimits,
  ) {}

  /** Writes the record and prunes. Throws on an I/O failure. */
  save(record: T): void {
    const id = this.codec.idOf(record);
    if (!isRecordId(id)) throw new Error(`${this.codec.noun} id "${id.slice(0, 40)}" cannot name a file`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${id}${SUFFIX}`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.codec.serialize(record), { mode: 0o600 });
    renameSync(tmp, file);
    this.prune();
  }

  /** The stored record with this id, or undefined (unknown id, unreadable, or not such a record). */
  load(id: string): T | undefined {
    if (!isRecordId(id)) return undefined;
    try {
      const { mtimeMs } = statSync(join(this.dir, `${id}${SUFFIX}`));
      return this.read({ id, mtimeMs });
    } catch {
      return undefined;
    }
  }

  /** Stored records, newest first. */
  recent(): T[] {
    return this.entries()
      .map((e) => this.read(e))
      .filter((r): r is T => r !== undefined);
  }

  private read(entry: Entry): T | undefined {
    const cached = this.cache.get(entry.id);
    if (cached && cached.mtimeMs === entry.mtimeMs) return cached.record;
    try {
      const record = this.codec.parse(readFileSync(join(this.dir, `${entry.id}${SUFFIX}`), 'utf8'));
      if (this.codec.idOf(record) !== entry.id) return undefined;
      this.cache.set(entry.id, { mtimeMs: entry.mtimeMs, record });
      return record;
    } catch {
      return undefined; // a file that is not such a record is not one
    }
  }

  /** Record files, newest first. */
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
      if (!isRecordId(id)) continue;
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
      if (i < this.limits.maxRecords && e.mtimeMs >= oldest) return;
      try {
        unlinkSync(join(this.dir, `${e.id}${SUFFIX}`));
      } catch {
        // another process pruned it first
      }
      this.cache.delete(e.id);
    });
  }
}
