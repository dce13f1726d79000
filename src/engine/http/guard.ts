// SSRF guard: decides which addresses a scan may connect to, resolves the host once, and pins the answer.
// A tool that fetches URLs on behalf of a language model is a pivot into the user's network; the guard is the wall.
import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export class GuardError extends Error {
  override readonly name = 'GuardError';
}

/** A host name that does not resolve (or whose lookup failed): nothing was refused, there is nothing to connect to. */
export class LookupError extends GuardError {}

export interface GuardPolicy {
  allowPrivate: boolean;
  /** Host allow-list: hostnames (exact, case-insensitive, trailing dot ignored), IP addresses or CIDR ranges. Empty = no list. */
  allow: string[];
}

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<PinnedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Cloud metadata services that ipaddr.js does not already place in a refused range. */
const METADATA_ADDRESSES = [
  'fd00:ec2::254', // AWS IMDS over IPv6
  '100.100.100.200', // Alibaba Cloud metadata
  '168.63.129.16', // Azure wireserver
];

export type AddressClass = 'loopback' | 'public' | 'private' | 'metadata' | 'forbidden';

/** Classifies one address. IPv4-mapped IPv6 is judged as the IPv4 address it carries. */
export function classifyAddress(address: string): { cls: AddressClass; range: string } {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(address);
  } catch {
    return { cls: 'forbidden', range: 'unparseable' };
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  if (addr.kind() === 'ipv6') {
    const parts = (addr as ipaddr.IPv6).parts;
    // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291) is 'unicast' to ipaddr.js, yet stacks with SIIT/NAT64 or
    // automatic tunnels deliver it to the IPv4 host it carries (::169.254.169.254 would reach IMDS). Never scannable.
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1))
      return { cls: 'forbidden', range: 'IPv4-compatible IPv6 (deprecated)' };
    // fec0::/10: deprecated site-local, still routed as a private network where it is configured; ipaddr.js calls it unicast.
    if (((parts[0] ?? 0) & 0xffc0) === 0xfec0) return { cls: 'private', range: 'siteLocal' };
  }
  const normalized = addr.toNormalizedString();
  for (const m of METADATA_ADDRESSES) {
    const meta = ipaddr.parse(m);
    if (meta.kind() === addr.kind() && meta.toNormalizedString() === normalized) return { cls: 'metadata', range: 'cloud metadata' };
  }
  const range = addr.range();
  switch (range) {
    case 'loopback':
      return { cls: 'loopback', range };
    case 'unicast':
      return { cls: 'public', range };
    case 'linkLocal': // 169.254.0.0/16 (every cloud's IMDS) and fe80::/10
      return { cls: 'metadata', range };
    case 'private':
    case 'uniqueLocal':
    case 'carrierGradeNat':
      return { cls: 'private', range };
    default:
      // unspecified (0.0.0.0, ::), multicast, broadcast, reserved, 6to4/teredo tunnels and the like
      return { cls: 'forbidden', range };
  }
}

function hostMatchesAllowList(hostname: string, address: string, allow: string[]): boolean {
  const host = hostname.replace(/\.$/, '').toLowerCase();
  for (const entry of allow) {
    // `[::1]` is how users write an IPv6 host (as in a URL); the brackets are not part of the address.
    const e = entry
      .trim()
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, '')
      .toLowerCase();
    if (!e) continue;
    if (e === host) return true;
    try {
      if (e.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(e);
        const a = ipaddr.parse(address);
        if (a.kind() === range.kind() && a.match([range, bits])) return true;
      } else if (ipaddr.isValid(e) && ipaddr.parse(e).toNormalizedString() === ipaddr.parse(address).toNormalizedString()) {
        return true;
      }
    } catch {
      // an unparseable entry matches nothing
    }
  }
  return false;
}

function refusalFor(cls: AddressClass, range: string, hostname: string, address: string): string | null {
  const where = hostname === address ? address : `${hostname} (${address})`;
  switch (cls) {
    case 'metadata':
      return `Refused to scan ${where}: it is a cloud metadata or link-local address (${range}), which Gatecrash never contacts.`;
    case 'forbidden':
      return `Refused to scan ${where}: the address is in a ${range} range that is not a scannable host.`;
    default:
      return null;
  }
}

/**
 * The guard's verdict on one address that `host` stands for (the address itself when no name was given): throws a
 * GuardError with the sentence to show, or returns. Every connection Gatecrash opens, a scan's or a port probe's, is
 * to an address that passed here.
 */
export function checkAddress(host: string, address: string, policy: GuardPolicy): void {
  const { cls, range } = classifyAddress(address);
  const refusal = refusalFor(cls, range, host, address);
  if (refusal) throw new GuardError(refusal);
  if (cls === 'private' && !policy.allowPrivate && !(policy.allow.length && hostMatchesAllowList(host, address, policy.allow))) {
    throw new GuardError(
      `Refused to scan ${host === address ? host : `${host} (${address})`}: it is a private-network address (${range}). ` +
        'Pass --allow-private (or GATECRASH_ALLOW_PRIVATE=1) if you mean to scan your own network.',
    );
  }
  if (policy.allow.length && !hostMatchesAllowList(host, address, policy.allow)) {
    throw new GuardError(`Refused to scan ${host}: it is not on the allow-list (--allow / GATECRASH_ALLOW).`);
  }
}

/**
 * IPv6 special ranges with no scannable range nested inside them (so one verdict holds for the whole range). In IPv4 this
 * holds for every special range but loopback.
 */
const WHOLE_IPV6_RANGES = new Set(['linkLocal', 'multicast', 'uniqueLocal', 'deprecatedSiteLocal', 'reserved', 'discard', '6to4', 'teredo', 'segmentRouting']);

/**
 * Judges a whole address range [first, last] at once when it lies inside one special range whose every address the guard
 * refuses (`169.254.0.0/16` always; `10.0.0.0/8` without --allow-private): a sweep is refused with one sentence before
 * any work, not after sixteen million refusals. Other ranges pass here and each address is judged by checkAddress.
 */
export function checkRange(label: string, first: string, last: string, policy: GuardPolicy): void {
  const a = ipaddr.parse(first);
  const b = ipaddr.parse(last);
  if (a.kind() !== b.kind()) return;
  // ipaddr.js keeps its table of special ranges on the prototype, untyped.
  const special = ((a.kind() === 'ipv4' ? ipaddr.IPv4 : ipaddr.IPv6).prototype as unknown as { SpecialRanges: Record<string, unknown> })
    .SpecialRanges as Record<string, [ipaddr.IPv4 | ipaddr.IPv6, number] | [ipaddr.IPv4 | ipaddr.IPv6, number][]>;
  for (const [name, value] of Object.entries(special)) {
    if (a.kind() === 'ipv4' ? name === 'loopback' : !WHOLE_IPV6_RANGES.has(name)) continue;
    const cidrs = (Array.isArray(value[0]) ? value : [value]) as [ipaddr.IPv4 | ipaddr.IPv6, number][];
    if (cidrs.some((cidr) => a.match(cidr) && b.match(cidr))) {
      // An allow-list may lift part of a private range (each of its addresses is then judged alone), never a forbidden one.
      if (policy.allow.length && classifyAddress(first).cls === 'private') return;
      checkAddress(label, first, policy);
      return;
    }
  }
}

/** Checks a URL's form before any lookup. Returns the hostname to resolve, brackets removed. */
export function checkUrlForm(url: URL): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GuardError(`Only http:// and https:// URLs can be scanned, not ${url.protocol}//.`);
  }
  if (url.username || url.password) {
    throw new GuardError(
      'The URL carries credentials (user:password@). Pass credentials with --header or the headers input instead, so that they are redacted.',
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new GuardError('The URL has no host.');
  return host;
}

/**
 * Resolves the URL's host once and returns the address every connection of the scan will use.
 * Every resolved address must pass: a name that answers both a public and a forbidden address is refused.
 */
export async function resolveAndPin(url: URL, policy: GuardPolicy, resolver: Resolver = systemResolver): Promise<PinnedAddress> {
  return pinHost(checkUrlForm(url), policy, resolver);
}

/** resolveAndPin for a bare host (a name or an address literal, IPv6 without brackets): one lookup, every answer judged. */
export async function pinHost(host: string, policy: GuardPolicy, resolver: Resolver = systemResolver): Promise<PinnedAddress> {
  let answers: PinnedAddress[];
  if (ipaddr.isValid(host)) {
    answers = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      answers = await resolver(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new LookupError(
        code === 'ENOTFOUND' || code === 'ENODATA'
          ? `The host ${host} does not resolve. Check the spelling of the URL.`
          : `Looking up ${host} failed (${code ?? (e as Error).message}).`,
      );
    }
  }
  if (answers.length === 0) throw new LookupError(`The host ${host} does not resolve. Check the spelling of the URL.`);
  for (const a of answers) checkAddress(host, a.address, policy);
  // Pin the canonical spelling of the address that was judged: a resolver may answer `0x7f.1` or `::FFFF:7F00:1`,
  // and what the socket connects to must be exactly what was classified above.
  const judged = ipaddr.parse(answers[0]!.address);
  return { address: judged.toString(), family: judged.kind() === 'ipv6' ? 6 : 4 };
}
