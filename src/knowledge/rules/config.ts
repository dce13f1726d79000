// Transport and browser-facing configuration: transport.cleartext, cors.permissive.
import { COMMON_LINKS } from '../references.js';
import { check, curl } from '../curl.js';
import type { RuleKnowledge } from '../model.js';
import { sq } from '../context.js';
import { ALL_APPS, keyedStart, withAspects } from './common.js';

export const CONFIG_RULES: RuleKnowledge[] = [
  {
    rule: 'transport.cleartext',
    what:
      'The endpoint is plain http:// on a host that is not loopback, and an inference or guarded route answered: API keys, prompts ' +
      'and outputs cross the network readable by anyone on the path.',
    why:
      'A key sent in clear is shared with every network hop, Wi-Fi neighbour and shared cloud segment, and prompts often carry personal ' +
      'or confidential data. PCI DSS 4.2.1 requires strong cryptography for sensitive data in transit.',
    howProved: [
      'The target URL is http:// on a host that is not loopback, and an inference or guarded route answered over it. Loopback targets are never reported.',
    ],
    falsePositives: [
      'Traffic that stays on a link protected outside HTTP (a service mesh with mutual TLS between sidecars, a WireGuard tunnel) is encrypted all the same; the finding then describes the hop Gatecrash used.',
    ],
    manualChecks: (ctx) => {
      const https = ctx.origin.replace(/^http:/, 'https:');
      return [
        check('The same route over TLS, with the key', curl(ctx, { url: `${https}${ctx.path}`, keyed: true }), '200 (add --cacert for a private CA)'),
        check('Plain HTTP', curl(ctx, { url: `http://${new URL(ctx.origin).host}${ctx.path}` }), 'no answer, or 400 from the TLS port — never 200'),
      ];
    },
    links: [COMMON_LINKS.tlsCheatSheet],
    fix: {
      summary:
        'Terminate TLS in front of the server (nginx, or Caddy with automatic certificates) or in the server itself (uvicorn --ssl-*, ' +
        'vLLM --ssl-*, llama-server --ssl-*). Keep no plain-HTTP listener for the API, and rotate every key that crossed it in clear.',
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
        vllm: withAspects(keyedStart('vllm', 'vLLM serves TLS itself (--ssl-certfile, --ssl-keyfile); the script refuses to start without the files.'), 'tls'),
        llamacpp: withAspects(
          keyedStart('llamacpp', 'llama-server serves TLS itself (--ssl-cert-file, --ssl-key-file; builds with SSL support); the script refuses to start without the files.'),
          'tls',
        ),
      },
    },
  },
  {
    rule: 'cors.permissive',
    what:
      'An inference route answers a preflight or a request with Access-Control-Allow-Origin echoing any origin (or *), while it needs ' +
      'no credentials, or while it authenticates with cookies together with Access-Control-Allow-Credentials: true.',
    why:
      'Any web page a user visits can drive the model from their browser: through their network position (an intranet or localhost ' +
      'model server) or their cookies, and read the answers. With a header key, which a foreign page cannot supply, the risk is lower.',
    howProved: [
      'Sends a preflight (OPTIONS with Origin and Access-Control-Request-Method) and a simple request with an arbitrary Origin.',
      'Reports when Access-Control-Allow-Origin echoes it or is *, on a route that needs no credentials or uses cookies with Allow-Credentials (medium), or on a route guarded by a header key (low).',
    ],
    falsePositives: [
      'A wildcard on a route that needs a header key is reported as low: a foreign page cannot send the key, but the wildcard remains a foothold.',
      'Public, read-only data meant for browsers may allow * on purpose.',
    ],
    manualChecks: (ctx) => [
      check(
        'A preflight from a foreign origin',
        `curl -sS -D - -o /dev/null -X OPTIONS ${sq(ctx.url)} -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: POST' | grep -i '^access-control-allow-origin'`,
        'no output (no Access-Control-Allow-Origin for a foreign origin)',
      ),
      check(
        'A preflight from the allowed origin',
        `curl -sS -D - -o /dev/null -X OPTIONS ${sq(ctx.url)} -H ${sq(`Origin: ${ctx.allowedOrigin}`)} -H 'Access-Control-Request-Method: POST' | grep -i '^access-control-allow-origin'`,
        `access-control-allow-origin: ${ctx.allowedOrigin}`,
      ),
    ],
    links: [COMMON_LINKS.corsTesting],
    fix: {
      summary:
        'Allow only the origins that need the API, from an explicit list: never echo the request\'s Origin, never combine * with ' +
        'credentials, and require authentication anyway. Answer preflights without forwarding them.',
      app: {
        frameworks: ALL_APPS,
        features: ['auth', 'cors'],
        focus: 'Only origins listed in CORS_ALLOWED_ORIGINS may call the API from a browser (none when unset; "*" stops the app at start-up), without credentials.',
      },
      proxy: {
        frameworks: ['nginx', 'caddy'],
        features: ['auth', 'cors'],
        deny: [],
        denyFindingPath: false,
        focus: 'The proxy drops the server\'s own CORS headers and allows only the listed origin; preflights are answered without reaching the server.',
      },
      servers: {
        vllm: withAspects(keyedStart('vllm', 'vLLM allows every origin by default; --allowed-origins lists yours.'), 'cors'),
        tgi: withAspects(keyedStart('tgi', '--cors-allow-origin lists the allowed origin.'), 'cors'),
        ollama: {
          aspects: ['loopback', 'cors'],
          needsProxy: true,
          focus: 'OLLAMA_ORIGINS lists the allowed origins; Ollama has no authentication, so it listens on loopback behind the proxy.',
        },
        localai: withAspects(keyedStart('localai', '--cors-allow-origins lists the allowed origin.'), 'cors'),
      },
    },
  },
];
