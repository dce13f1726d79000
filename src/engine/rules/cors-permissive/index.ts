import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'cors.permissive',
    onServedRoute: true,
    check: 'Configuration',
    title: 'Permissive CORS on an inference route',
    severity: 'medium',
    cwe: ['CWE-942'],
    owasp: ['API8:2023'],
    owaspLlm: [],
    pci: ['6.2.4'],
    depth: 'standard',
    summary: "Any origin may drive the inference route from a visitor's browser.",
    remediation: 'Allow only the origins that need the API, never echo arbitrary origins, and never combine a wildcard with credentials.',
    explanation: {
      what:
        'The route answers a preflight or a request with Access-Control-Allow-Origin echoing any origin (or *), while it needs ' +
        'no credentials, or while it authenticates with cookies together with Access-Control-Allow-Credentials: true.',
      why:
        'Any web page a user visits can drive the model from their browser: through their network position (an intranet or localhost ' +
        'model server) or their cookies, and read the answers. With a header key, which a foreign page cannot supply, the risk is lower.',
      howProved: [
        'Sends a preflight (OPTIONS with Origin and Access-Control-Request-Method) and a simple request with an arbitrary Origin.',
        'Reports when Access-Control-Allow-Origin echoes it or is *, on a route that needs no credentials or ' +
          'uses cookies with Allow-Credentials (medium), or on a route guarded by a header key (low).',
      ],
      falsePositives: [
        'A wildcard on a route that needs a header key is reported as low: a foreign page cannot send the key, but the wildcard remains a foothold.',
        'Public, read-only data meant for browsers may allow * on purpose.',
      ],
      manualChecks: (ctx, { check, sq }) => [
        check(
          'A preflight from a foreign origin',
          `curl -sS -D - -o /dev/null -X OPTIONS ${sq(ctx.url)} -H 'Origin: https://evil.example' -H ` +
            `'Access-Control-Request-Method: POST' | grep -i '^access-control-allow-origin'`,
          'no output (no Access-Control-Allow-Origin for a foreign origin)',
        ),
        check(
          'A preflight from the allowed origin',
          `curl -sS -D - -o /dev/null -X OPTIONS ${sq(ctx.url)} -H ${sq(`Origin: ${ctx.allowedOrigin}`)} -H ` +
            `'Access-Control-Request-Method: POST' | grep -i '^access-control-allow-origin'`,
          `access-control-allow-origin: ${ctx.allowedOrigin}`,
        ),
      ],
      links: ['corsTesting'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail: 'Keep the allowed origins in an explicit list, require authentication anyway, and answer preflights without forwarding ' + 'them.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'cors'],
          focus:
            'Only origins listed in CORS_ALLOWED_ORIGINS may call the API from a browser (none when unset; "*" ' +
            'stops the app at start-up), without credentials.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'cors'],
          deny: [],
          denyFindingPath: false,
          focus: "The proxy drops the server's own CORS headers and allows only the listed origin; preflights are answered without reaching the server.",
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
      }),
    },
  },
]);
