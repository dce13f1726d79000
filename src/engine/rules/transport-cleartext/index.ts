import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'transport.cleartext',
    onServedRoute: true,
    check: 'Encryption',
    title: 'Inference API served over cleartext HTTP',
    severity: 'medium',
    cwe: ['CWE-319'],
    owasp: ['API8:2023'],
    owaspLlm: [],
    pci: ['4.2.1'],
    depth: 'quick',
    summary: 'The endpoint is plain http:// on a non-loopback host: keys and prompts cross the network in clear.',
    remediation: "Terminate TLS in front of the server (reverse proxy or the server's own TLS flags) and redirect or refuse plain HTTP.",
    explanation: {
      what: 'An inference or guarded route answered over it: API keys, prompts and outputs are readable by anyone on the network ' + 'path.',
      why:
        'A key sent in clear is shared with every network hop, Wi-Fi neighbour and shared cloud segment, and prompts often carry personal ' +
        'or confidential data. PCI DSS 4.2.1 requires strong cryptography for sensitive data in transit.',
      howProved: [
        'The target URL is http:// on a host that is not loopback, and an inference or guarded route answered over it. Loopback targets are never reported.',
      ],
      falsePositives: [
        'Traffic that stays on a link protected outside HTTP (a service mesh with mutual TLS between ' +
          'sidecars, a WireGuard tunnel) is encrypted all the same; the finding then describes the hop ' +
          'Gatecrash used.',
      ],
      manualChecks: (ctx, { curl, check }) => {
        const https = ctx.origin.replace(/^http:/, 'https:');
        return [
          check('The same route over TLS, with the key', curl(ctx, { url: `${https}${ctx.path}`, keyed: true }), '200 (add --cacert for a private CA)'),
          check('Plain HTTP', curl(ctx, { url: `http://${new URL(ctx.origin).host}${ctx.path}` }), 'no answer, or 400 from the TLS port — never 200'),
        ];
      },
      links: ['tlsCheatSheet'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail:
          "Use nginx, or Caddy with automatic certificates, or the server's own TLS (uvicorn --ssl-*, vLLM --ssl-*, llama-server " +
          '--ssl-*). Keep no plain-HTTP listener for the API, and rotate every key that crossed it in clear.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'tls'],
          focus: 'The app serves TLS itself and refuses to start without its certificate and key files.',
          notes: ['A TLS-terminating proxy (nginx or Caddy snippet) is the usual production setup; then the app listens on 127.0.0.1 only.'],
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'tls'],
          deny: [],
          denyFindingPath: false,
          focus: 'The proxy takes the port with TLS (TLS 1.2 and 1.3 only) and forwards to the server on loopback.',
        },
        servers: {
          vllm: withAspects(
            keyedStart('vllm', 'vLLM serves TLS itself (--ssl-certfile, --ssl-keyfile); the script refuses to start without the files.'),
            'tls',
          ),
          llamacpp: withAspects(
            keyedStart(
              'llamacpp',
              'llama-server serves TLS itself (--ssl-cert-file, --ssl-key-file; builds with SSL support); the script refuses to start without the files.',
            ),
            'tls',
          ),
        },
      }),
    },
  },
]);
