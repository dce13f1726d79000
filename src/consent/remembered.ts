// Approvals a person asked to have remembered beyond the session ("for 24 hours"), kept in one small file so that a
// restarted stdio server (a new client window, a reloaded editor) does not ask again. Bounded in time (an entry lasts
// at most MAX_REMEMBER_MS) and in size (the newest MAX_ENTRIES); expired entries are dropped whenever the file is
// written. The file is the user's own (0600 in a 0700 directory): it holds host names, never a credential.
//
// Where: $XDG_CACHE_HOME/gatecrash/approvals.json (an absolute XDG_CACHE_HOME only), else ~/.cache/gatecrash/approvals.json.
// Losing it costs one question. GATECRASH_NO_STORE=1 keeps approvals in memory only.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import * as z from 'zod/v4';
import { log } from '../log.js';
import { MemoryApprovals, type RememberedApprovals } from './ledger.js';
import type { Subject } from './subjects.js';

/** The longest a person can have an approval remembered. */
export const MAX_REMEMBER_MS = 7 * 24 * 60 * 60_000;
const MAX_ENTRIES = 256;
const MAX_FILE_BYTES = 256 * 1024;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

/** The approvals file for this environment, or null when nothing is to be written to disk. */
export function approvalsFile(env: NodeJS.ProcessEnv = process.env): string | null {
  if (truthy(env.GATECRASH_NO_STORE)) return null;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'gatecrash', 'approvals.json');
}

const Big = z
  .string()
  .regex(/^\d{1,40}$/)
  .transform((s) => BigInt(s));
const EntrySchema = z.object({
  subject: z.union([
    z.object({ kind: z.literal('name'), name: z.string().min(1).max(253) }),
    z.object({ kind: z.literal('addresses'), family: z.union([z.literal(4), z.literal(6)]), first: Big, last: Big }),
  ]),
  until: z.number().int(),
});
const FileSchema = z.object({ version: z.literal(1), approvals: z.array(z.unknown()).max(MAX_ENTRIES * 4) });

interface Entry {
  subject: Subject;
  until: number;
}

function toJson(e: Entry) {
  const s = e.subject;
  return {
    subject: s.kind === 'name' ? s : { kind: s.kind, family: s.interval.family, first: s.interval.first.toString(), last: s.interval.last.toString() },
    until: e.until,
  };
}

/** Entries of the file that parse and are still valid; a file that is not ours, or is damaged, holds none. */
function readEntries(path: string, now: number): Entry[] {
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > MAX_FILE_BYTES) return [];
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  const file = FileSchema.safeParse(raw);
  if (!file.success) return [];
  const out: Entry[] = [];
  for (const item of file.data.approvals) {
    const e = EntrySchema.safeParse(item);
    // An entry further out than anyone could have chosen was not written by Gatecrash: ignored.
    if (!e.success || e.data.until <= now || e.data.until > now + MAX_REMEMBER_MS) continue;
    const s = e.data.subject;
    const subject: Subject = s.kind === 'name' ? s : { kind: 'addresses', interval: { family: s.family, first: s.first, last: s.last } };
    if (subject.kind === 'addresses' && subject.interval.last < subject.interval.first) continue;
    out.push({ subject, until: e.data.until });
  }
  return out;
}

export class FileApprovals implements RememberedApprovals {
  constructor(readonly path: string) {}

  current(now: number): Subject[] {
    return readEntries(this.path, now).map((e) => e.subject);
  }

  remember(subjects: readonly Subject[], until: number, now: number): void {
    const entries = [...readEntries(this.path, now), ...subjects.map((subject) => ({ subject, until: Math.min(until, now + MAX_REMEMBER_MS) }))].slice(
      -MAX_ENTRIES,
    );
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ version: 1, approvals: entries.map(toJson) }, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch (e) {
      // The approval still holds for the session; only its memory beyond it is lost.
      log.warn({ err: (e as Error).message }, 'could not save the remembered approval');
    }
  }
}

let processApprovals: RememberedApprovals | undefined;

/** The process's remembered approvals, shared by every session: the file the environment names, or memory only. */
export function rememberedApprovals(): RememberedApprovals {
  const path = approvalsFile();
  processApprovals ??= path ? new FileApprovals(path) : new MemoryApprovals();
  return processApprovals;
}
