// The TCP port probe of a fleet sweep: connect, then close. Nothing is written to the socket and nothing is read, so a
// probe costs the target one handshake. The guard judges the address first, exactly as for a scan.
import { connect } from 'node:net';
import { checkAddress, type GuardPolicy } from './guard.js';
import type { RateLimiter } from './limits.js';

/**
 * `open`: the handshake completed. `closed`: refused (RST). `filtered`: no answer within the connect timeout (a firewall
 * that drops, or no host). `unreachable`: the network said so (ICMP host or network unreachable).
 */
export type PortState = 'open' | 'closed' | 'filtered' | 'unreachable';

/** This machine ran out of something a probe needs (file descriptors, local ports): the sweep stops and says so. */
export class LocalResourceError extends Error {
  override readonly name = 'LocalResourceError';
  constructor(readonly code: string) {
    super(
      code === 'EMFILE' || code === 'ENFILE'
        ? `This machine ran out of file descriptors (${code}); lower --rate or raise the limit (ulimit -n).`
        : `This machine ran out of local ports or buffers (${code}); lower --rate.`,
    );
  }
}

export interface PortProbeOptions {
  policy: GuardPolicy;
  connectTimeoutMs: number;
  /** The sweep's shared pace for new connections; the probe waits for its turn before the SYN goes out. */
  rate?: RateLimiter;
  signal?: AbortSignal;
}

/**
 * Probes `address:port` (`host` is the name it was reached by, for the guard's allow-list and its messages). Throws a
 * GuardError for an address the guard refuses, a LocalResourceError when this machine is out of descriptors or ports,
 * and the signal's reason when it aborts; every outcome on the network is a state.
 */
export async function probePort(host: string, address: string, port: number, options: PortProbeOptions): Promise<PortState> {
  checkAddress(host, address, options.policy);
  await options.rate?.take(options.signal);
  options.signal?.throwIfAborted();
  return new Promise<PortState>((resolve, reject) => {
    const socket = connect({ host: address, port, noDelay: true });
    const finish = (outcome: PortState | Error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onAbort = () => finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('The probe was cancelled.'));
    const timer = setTimeout(() => finish('filtered'), options.connectTimeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') finish('closed');
      else if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' || e.code === 'EHOSTDOWN' || e.code === 'ENETDOWN') finish('unreachable');
      // Out of file descriptors or local ports says nothing about the target: a sweep must not record it as a fact.
      else if (e.code === 'EMFILE' || e.code === 'ENFILE' || e.code === 'EADDRNOTAVAIL' || e.code === 'ENOBUFS') finish(new LocalResourceError(e.code));
      else finish('filtered');
    });
  });
}
