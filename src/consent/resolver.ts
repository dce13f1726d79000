// `localhost` is never asked about because it is this machine; a resolver (or a hosts file) that says otherwise is
// not believed: only its loopback answers are kept, and a localhost name with none is refused.
import { classifyAddress, GuardError, type Resolver, systemResolver } from '../engine/http/guard.js';
import { isLocalhostName } from './subjects.js';

export function localhostStaysLocal(resolver: Resolver = systemResolver): Resolver {
  return async (hostname) => {
    const answers = await resolver(hostname);
    if (!isLocalhostName(hostname)) return answers;
    const loopback = answers.filter((a) => classifyAddress(a.address).cls === 'loopback');
    if (loopback.length === 0) {
      throw new GuardError(
        `Refused to scan ${hostname}: it resolves to no loopback address, so it is not this machine. Name the host by its address or its own name instead.`,
      );
    }
    return loopback;
  };
}
