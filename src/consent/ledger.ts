// Who approved what: the hosts and ranges the person approved in this session, plus those they asked to have remembered
// for a while (remembered.ts). One ledger per MCP session: the stdio connection, a 2025-era HTTP session, or, for
// 2026-era HTTP clients, which have no session, the `gatecrash serve` process.
import { covers, distinct, type Subject } from './subjects.js';

/** Approvals kept beyond the session, each until a time the person chose (bounded: see remembered.ts). */
export interface RememberedApprovals {
  /** Approvals still valid at `now`. */
  current(now: number): Subject[];
  remember(subjects: readonly Subject[], until: number, now: number): void;
}

/** Remembered approvals that last as long as the process (when nothing may be written to disk). */
export class MemoryApprovals implements RememberedApprovals {
  private entries: { subject: Subject; until: number }[] = [];

  current(now: number): Subject[] {
    this.entries = this.entries.filter((e) => e.until > now);
    return this.entries.map((e) => e.subject);
  }

  remember(subjects: readonly Subject[], until: number, now: number): void {
    this.current(now);
    for (const subject of subjects) this.entries.push({ subject, until });
  }
}

/** A person approves a handful of hosts a session; this bound only stops a runaway client from growing the list. */
const MAX_SESSION_APPROVALS = 1_000;

export class ConsentLedger {
  private session: Subject[] = [];

  constructor(private readonly remembered: RememberedApprovals = new MemoryApprovals()) {}

  /** True when the person approved this subject (or a range holding it) in this session or for a time that has not run out. */
  covers(subject: Subject, now = Date.now()): boolean {
    return this.unapproved([{ subject }], now).length === 0;
  }

  /** The items whose subject nobody approved (remembered approvals are read once for the lot). */
  unapproved<T extends { subject: Subject }>(items: readonly T[], now = Date.now()): T[] {
    const approved = [...this.session, ...this.remembered.current(now)];
    return items.filter(({ subject }) => !approved.some((a) => covers(a, subject)));
  }

  /** Records the person's approval, for the session and, when they asked, until `now + rememberForMs`. */
  approve(subjects: readonly Subject[], rememberForMs = 0, now = Date.now()): void {
    this.session = distinct([...this.session, ...subjects]).slice(-MAX_SESSION_APPROVALS);
    if (rememberForMs > 0) this.remembered.remember(subjects, now + rememberForMs, now);
  }
}
