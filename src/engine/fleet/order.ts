// The one order of an inventory: by address (IPv4 before IPv6, numerically), then port, then host name. A single run
// and a merge of its shards sort by it alike, which is what makes them equal.
import ipaddr from 'ipaddr.js';
import type { FleetService } from './types.js';

/** IPv4 addresses map below 2^32, IPv6 above, so one number orders both families. */
function addressKey(address: string): bigint {
  try {
    const addr = ipaddr.parse(address);
    const n = addr.toByteArray().reduce((v, byte) => (v << 8n) | BigInt(byte), 0n);
    return addr.kind() === 'ipv4' ? n : n + (1n << 32n);
  } catch {
    return -1n;
  }
}

export function compareServices(a: Pick<FleetService, 'address' | 'port' | 'host'>, b: Pick<FleetService, 'address' | 'port' | 'host'>): number {
  const ka = addressKey(a.address);
  const kb = addressKey(b.address);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.port !== b.port) return a.port - b.port;
  const ha = a.host ?? '';
  const hb = b.host ?? '';
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}
