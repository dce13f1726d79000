import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'auth.brute-force',
    onServedRoute: true,
    check: 'Authentication',
    title: 'Wrong keys are never throttled',
    severity: 'medium',
    cwe: ['CWE-307'],
    owasp: ['API2:2023'],
    owaspLlm: [],
    pci: ['8.3.4'],
    depth: 'standard',
    summary: 'Repeated wrong keys are all answered at full speed, with no 429, Retry-After or rate-limit header.',
    remediation: 'Rate-limit failed authentication per client (429 with Retry-After) and lock out after repeated failures.',
    explanation: {
      what: 'No growing delay either: a guesser may try keys as fast as the server answers.',
      why:
        'Short or human-chosen keys fall to guessing, and a leaked prefix or a key from an old log can be tried freely. PCI DSS 8.3.4 asks ' +
        'for lock-out after at most 10 invalid attempts, for at least 30 minutes.',
      howProved: [
        'Sends 12 wrong keys (20 at depth deep) to a guarded route that refuses before the model runs — never to a route that runs inference.',
        'Reports when none is answered 429, none carries Retry-After or a rate-limit header, and the latency does not grow.',
        'Counts only a header the server is seen to read: the one you passed, one the server names (OpenAPI, ' +
          "a 422, WWW-Authenticate), the identified server's own, or one whose wrong keys are refused " +
          'differently from no key. A wrong key in a header the server ignores is, to it, a request without a ' +
          'key, which a lock-out rightly does not count; with no such header the rule is inconclusive and asks ' +
          'for --header.',
      ],
      falsePositives: [
        'A limiter keyed on something shared (one gateway address for everyone) may act later than 12 ' +
          'attempts: the finding shows the first 12 were not throttled.',
        'A proxy in front may throttle instead of the app: scan through the proxy to see it.',
      ],
      manualChecks: (ctx, { curl, check, placeholderHeader }) => [
        check(
          'Twelve wrong keys in a row',
          `for i in $(seq 1 12); do ${curl(ctx, { headers: [placeholderHeader(ctx, 'wrong-key')] })}; done`,
          '401 at first, then 429 (with Retry-After) from the 11th attempt',
        ),
      ],
      links: ['authCheatSheet'],
      fix: ({ ALL_APPS }) => ({
        detail:
          'For example 10 failures within 15 minutes lock the client out for 30 minutes (PCI DSS 8.3.4). Do it where the client ' +
          'address is known: the proxy, or the app when it faces clients directly; use a shared store when there are several ' +
          'processes.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'authLockout'],
          focus: 'A client that sends 10 wrong keys in 15 minutes is locked out for 30 minutes (429 with Retry-After), checked before the key.',
          notes: [
            'The limiter is in memory and per process: with several workers, enforce it at the proxy or in a shared store (Redis).',
            "Behind a proxy every client has the proxy's address: key the limiter on the forwarded address your proxy sets, or lock out at the proxy.",
          ],
        },
        wrapper: {
          features: ['auth', 'authLockout'],
          focus: 'The decorator locks a client out for 30 minutes after 10 wrong keys in 15 minutes (429 with Retry-After).',
        },
        proxy: {
          frameworks: ['nginx'],
          features: ['auth', 'authRateLimit'],
          deny: [],
          denyFindingPath: false,
          focus: 'nginx throttles wrong keys per client address (429 with Retry-After after a burst of 10); requests with the right key are not counted.',
          notes: ['nginx throttles but does not lock out for 30 minutes: add fail2ban on 401 responses in the access log for a PCI DSS 8.3.4 lock-out.'],
        },
      }),
    },
  },
]);
