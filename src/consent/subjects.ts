// What a tool call will reach, read from its arguments alone: host names, addresses and address ranges, the things a
// person approves. Nothing here looks a name up or opens a connection; a name's address is only known after approval.
import ipaddr from 'ipaddr.js';
import { type Interval, intervalBounds, parseScope, type Scope } from '../engine/fleet/scope.js';
import { checkAddress, checkRange, checkUrlForm, type GuardPolicy } from '../engine/http/guard.js';
import { createTarget } from '../engine/target.js';

export type Subject = { kind: 'name'; name: string } | { kind: 'addresses'; interval: Interval };

/** `localhost` and `*.localhost` are loopback by definition (RFC 6761 §6.3); consent.ts holds them to it after the lookup. */
export function isLocalhostName(name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === 'localhost' || n.endsWith('.localhost');
}

/** The host a URL names, as the URL parser spells it (IDN as punycode, IPv4 in dotted decimal), and its origin. */
export function subjectOfUrl(raw: string): { subject: Subject; origin: string } {
  const { url } = createTarget(raw);
  const host = checkUrlForm(url);
  const subject: Subject = ipaddr.isValid(host)
    ? { kind: 'addresses', interval: parseScope([host]).intervals[0]! }
    : { kind: 'name', name: host.toLowerCase().replace(/\.$/, '') };
  return { subject, origin: url.origin };
}

/** Every range and name of a fleet scope. */
export function subjectsOfScope(scope: Scope): Subject[] {
  return [...scope.intervals.map((interval): Subject => ({ kind: 'addresses', interval })), ...scope.names.map((name): Subject => ({ kind: 'name', name }))];
}

const LOOPBACK_V4 = parseScope(['127.0.0.0/8']).intervals[0]!;
const LOOPBACK_V6 = parseScope(['::1']).intervals[0]!;

const within = (inner: Interval, outer: Interval) => inner.family === outer.family && inner.first >= outer.first && inner.last <= outer.last;

/** Loopback (127.0.0.0/8, ::1, localhost) is this machine: never a third party, never asked about. */
export function isLoopback(s: Subject): boolean {
  return s.kind === 'name' ? isLocalhostName(s.name) : within(s.interval, LOOPBACK_V4) || within(s.interval, LOOPBACK_V6);
}

/** True when approving `outer` approved `inner` too: the same name, or an address range holding the whole of `inner`. */
export function covers(outer: Subject, inner: Subject): boolean {
  if (outer.kind === 'name') return inner.kind === 'name' && outer.name === inner.name;
  return inner.kind === 'addresses' && within(inner.interval, outer.interval);
}

/** How a subject is written for a person: `llm.example.com`, `203.0.113.7`, `203.0.113.0/24`. */
export function subjectLabel(s: Subject): string {
  return s.kind === 'name' ? s.name : intervalBounds(s.interval).label;
}

/** How many addresses a subject stands for (a name: one host, whatever it resolves to). */
export function subjectSize(s: Subject): bigint {
  return s.kind === 'name' ? 1n : s.interval.last - s.interval.first + 1n;
}

/**
 * The guard's sentence for a subject it refuses without a lookup (a metadata address, a private range without
 * --allow-private), or null. Such a target is refused outright: nobody is asked to approve what cannot be scanned.
 */
export function refusalWithoutLookup(s: Subject, policy: GuardPolicy): string | null {
  if (s.kind === 'name') return null;
  const { first, last, label } = intervalBounds(s.interval);
  try {
    if (first === last) checkAddress(first, first, policy);
    else checkRange(label, first, last, policy);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The subjects without repeats, and without those another one in the list already covers. */
export function distinct(subjects: readonly Subject[]): Subject[] {
  const out: Subject[] = [];
  for (const s of subjects) {
    if (out.some((o) => covers(o, s))) continue;
    for (let i = out.length - 1; i >= 0; i--) if (covers(s, out[i]!)) out.splice(i, 1);
    out.push(s);
  }
  return out;
}
