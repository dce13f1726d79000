// What a fleet sweep covers: CIDR ranges, address ranges, single addresses and host names, parsed into merged numeric
// intervals and a sorted list of names. Pure: no lookups (names are resolved by the guard when their turn comes) and
// no list of addresses is ever built, so a /8 costs the same memory as a /32.
import ipaddr from 'ipaddr.js';
import { inShard, type Shard } from './shard.js';

export class ScopeError extends Error {
  override readonly name = 'ScopeError';
}

/** 2^24: one IPv4 /8 (or an IPv6 /104). */
export const MAX_SCOPE_ADDRESSES = 2 ** 24;
export const MAX_SCOPE_NAMES = 65_536;

export interface Interval {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

export interface Scope {
  /** The items as given, in canonical spelling (`10.0.0.0/24`, `fe80::/64`, `gpu-box.lan`), deduplicated, in order. */
  items: string[];
  /** Merged address intervals: IPv4 first, then IPv6, each in numeric order. */
  intervals: Interval[];
  /** Host names, lower-cased, without a trailing dot, sorted. */
  names: string[];
  /** Addresses in the intervals plus names: the number of hosts a full sweep visits. */
  size: number;
}

/** A host of the sweep: an address, or a name to be resolved by the guard. `position` is its place in the scope's order. */
export interface ScopeHost {
  position: number;
  /** The address, canonical; absent for a name until it is resolved. */
  address?: string;
  /** The name, for a host given by name. */
  name?: string;
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function toBigInt(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, family: 4 | 6): string {
  const bytes: number[] = [];
  let v = value;
  for (let i = 0; i < (family === 4 ? 4 : 16); i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** An address literal, strictly: IPv4 as four decimal parts (no octal or hex spellings), IPv4-mapped IPv6 as IPv4. */
function parseAddress(text: string, item: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) {
    const v6 = ipaddr.IPv6.parse(bare);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  throw new ScopeError(`'${item.slice(0, 80)}' is not an address: write IPv4 as four decimal numbers (10.0.0.5) and IPv6 in its usual form (fd00::5).`);
}

function isAddressLiteral(text: string): boolean {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare);
}

function familyOf(addr: ipaddr.IPv4 | ipaddr.IPv6): 4 | 6 {
  return addr.kind() === 'ipv6' ? 6 : 4;
}

/** One item: `10.0.0.0/24`, `10.0.0.5-10.0.0.20`, `10.0.0.5`, `fd00::/120`, `gpu-box.lan`. */
function parseItem(item: string): { canonical: string; interval?: Interval; name?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(item)) {
    throw new ScopeError(`'${item.slice(0, 80)}' is a URL; discover takes addresses, ranges and host names (the ports come from --ports).`);
  }
  if (item.includes('/')) {
    const [base = '', bitsText = ''] = item.split('/');
    const addr = parseAddress(base, item);
    const max = addr.kind() === 'ipv6' ? 128 : 32;
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) throw new ScopeError(`'${item.slice(0, 80)}' has a prefix length that is not 0 to ${max}.`);
    const bits = Number(bitsText);
    const hostBits = BigInt(max - bits);
    const first = (toBigInt(addr) >> hostBits) << hostBits;
    const last = first + (1n << hostBits) - 1n;
    const family = familyOf(addr);
    return { canonical: `${fromBigInt(first, family)}/${bits}`, interval: { family, first, last } };
  }
  const dash = item.indexOf('-');
  if (dash > 0 && isAddressLiteral(item.slice(0, dash))) {
    const a = parseAddress(item.slice(0, dash), item);
    const b = parseAddress(item.slice(dash + 1), item);
    if (a.kind() !== b.kind()) throw new ScopeError(`'${item.slice(0, 80)}' mixes IPv4 and IPv6.`);
    const [first, last] = [toBigInt(a), toBigInt(b)];
    if (last < first) throw new ScopeError(`'${item.slice(0, 80)}' ends before it starts.`);
    const family = familyOf(a);
    return { canonical: `${fromBigInt(first, family)}-${fromBigInt(last, family)}`, interval: { family, first, last } };
  }
  if (isAddressLiteral(item)) {
    const addr = parseAddress(item, item);
    const n = toBigInt(addr);
    return { canonical: addr.toString(), interval: { family: familyOf(addr), first: n, last: n } };
  }
  const name = item.toLowerCase().replace(/\.$/, '');
  // A name made of digits and dots only is a mistyped address (010.0.0.1 would be octal to some parsers), not a name to look up.
  if (/^[\d.]+$/.test(name))
    throw new ScopeError(`'${item.slice(0, 80)}' is not an address: write IPv4 as four decimal numbers from 0 to 255, without leading zeros.`);
  if (!HOST_NAME.test(name)) {
    throw new ScopeError(`'${item.slice(0, 80)}' is neither an address, a CIDR range (10.0.0.0/24), an address range (10.0.0.5-10.0.0.20) nor a host name.`);
  }
  return { canonical: name, name };
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.family === iv.family && iv.first <= prev.last + 1n) {
      if (iv.last > prev.last) prev.last = iv.last;
    } else {
      out.push({ ...iv });
    }
  }
  return out;
}

/**
 * Parses the scope items (each may hold several, separated by commas or white space). Throws a ScopeError with a
 * sentence for an item that is none of the accepted forms, and for a scope larger than MAX_SCOPE_ADDRESSES.
 */
export function parseScope(raw: readonly string[]): Scope {
  const items: string[] = [];
  const intervals: Interval[] = [];
  const names = new Set<string>();
  for (const item of raw.flatMap((r) => r.split(/[\s,]+/)).filter(Boolean)) {
    const parsed = parseItem(item);
    if (items.includes(parsed.canonical)) continue;
    items.push(parsed.canonical);
    if (parsed.interval) intervals.push(parsed.interval);
    if (parsed.name) names.add(parsed.name);
  }
  if (items.length === 0)
    throw new ScopeError('Nothing to sweep: give CIDR ranges, addresses or host names, e.g. gatecrash discover 10.0.0.0/24 --allow-private.');
  if (names.size > MAX_SCOPE_NAMES) throw new ScopeError(`The scope names ${names.size} hosts; at most ${MAX_SCOPE_NAMES} names are looked up in one run.`);
  const merged = mergeIntervals(intervals);
  const addresses = merged.reduce((n, iv) => n + (iv.last - iv.first + 1n), 0n);
  if (addresses > BigInt(MAX_SCOPE_ADDRESSES)) {
    throw new ScopeError(
      `The scope holds ${addresses > 10n ** 12n ? 'more than a trillion' : addresses.toLocaleString('en-US')} ` +
        `addresses; at most ${MAX_SCOPE_ADDRESSES.toLocaleString('en-US')} ` +
        '(an IPv4 /8, an IPv6 /104) are swept in one run, because a larger range is no network one run can probe politely ' +
        '(a /8 on the default ports already takes about a day at 2,000 connections a second). Split it into several runs.',
    );
  }
  return { items, intervals: merged, names: [...names].sort(), size: Number(addresses) + names.size };
}

/** An interval's first and last address, and how to name it in a sentence (`10.0.0.0/8`, or `10.0.0.5-10.0.0.20`). */
export function intervalBounds(iv: Interval): { first: string; last: string; label: string } {
  const first = fromBigInt(iv.first, iv.family);
  const last = fromBigInt(iv.last, iv.family);
  const size = iv.last - iv.first + 1n;
  const aligned = (size & (size - 1n)) === 0n && iv.first % size === 0n;
  const bits = (iv.family === 4 ? 32 : 128) - (size.toString(2).length - 1);
  return { first, last, label: size === 1n ? first : aligned ? `${first}/${bits}` : `${first}-${last}` };
}

/**
 * The hosts of the scope in its canonical order (addresses in numeric order, IPv4 first, then names in alphabetical
 * order), only those of `shard` when given. Lazy: one host at a time, whatever the size of the range.
 */
export function* scopeHosts(scope: Scope, shard?: Shard): Generator<ScopeHost> {
  let position = 0;
  for (const iv of scope.intervals) {
    const count = Number(iv.last - iv.first + 1n);
    // The first position of this interval that belongs to the shard, then every shard.count-th one.
    let offset = 0;
    while (offset < count && !inShard(position + offset, shard)) offset++;
    for (; offset < count; offset += shard?.count ?? 1) yield { position: position + offset, address: fromBigInt(iv.first + BigInt(offset), iv.family) };
    position += count;
  }
  for (const name of scope.names) {
    if (inShard(position, shard)) yield { position, name };
    position++;
  }
}

/** The number of hosts `shard` takes from a scope of `size` hosts. */
export function shardSize(size: number, shard?: Shard): number {
  if (!shard) return size;
  return Math.floor(size / shard.count) + (size % shard.count >= shard.index ? 1 : 0);
}

/** Ports at most: more is a port scan of everything, not a search for inference servers. */
export const MAX_PORTS = 1_024;

/** `8000,8080,11434` or `8000-8010,11434`: distinct ports, ascending. */
export function parsePorts(text: string): number[] {
  const ports = new Set<number>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = Number(m?.[2] ?? m?.[1]);
    if (!m || from < 1 || to > 65535 || to < from)
      throw new ScopeError(`--ports takes ports from 1 to 65535, separated by commas, with ranges like 8000-8010; '${part.slice(0, 20)}' is not one.`);
    for (let p = from; p <= to && ports.size <= MAX_PORTS; p++) ports.add(p);
  }
  if (ports.size === 0) throw new ScopeError('--ports names no port.');
  if (ports.size > MAX_PORTS)
    throw new ScopeError(`--ports names more than ${MAX_PORTS} ports; discovery looks for inference servers on the ports they use, not at every port.`);
  return [...ports].sort((a, b) => a - b);
}
