import type { Exchange, Severity } from '../../types.js';
import { defineFamily } from '../define.js';

/**
 * The debug pages of the web frameworks LLM wrappers are written in, by the marks their own templates print (Django's
 * technical_404/technical_500/default_urlconf, Werkzeug's debug/tbtools.py, Starlette's middleware/errors.py). Each is what
 * the framework serves only in debug mode; none appears in a production error page.
 */
export const DEBUG_PAGES: { framework: string; shows: (ex: Exchange) => boolean; severity: Severity; gives: string }[] = [
  {
    framework: 'Werkzeug (Flask debug mode)',
    shows: (ex) => /\/\/ Werkzeug Debugger<\/title>|The debugger caught an exception in your WSGI application/.test(bodyOf(ex)),
    severity: 'high',
    gives: 'the interactive debugger: tracebacks with source, and a Python console in the server process behind the debugger PIN',
  },
  {
    framework: 'Django (DEBUG = True)',
    shows: (ex) => /you have <code>DEBUG = True<\/code>|>DEBUG=True<\/a> is in your settings file/.test(bodyOf(ex)),
    severity: 'medium',
    gives: "Django's technical pages: every URL pattern of the project on a 404, and settings, local variables and source on a 500",
  },
  {
    framework: 'Starlette / FastAPI (debug=True)',
    // Starlette's debug handler answers HTML to a browser and the bare traceback as text/plain to anything else; its
    // production handler says "Internal Server Error" and nothing more.
    shows: (ex) =>
      /<title>Starlette Debugger<\/title>/.test(bodyOf(ex)) || (ex.response?.status === 500 && /^Traceback \(most recent call last\):\n/.test(bodyOf(ex))),
    severity: 'medium',
    gives: "Starlette's debug page: the full traceback with source lines of every unhandled error",
  },
];

function bodyOf(ex: Exchange): string {
  return ex.response?.body ?? '';
}

export default defineFamily([
  {
    id: 'exposure.debug-mode',
    check: 'Configuration',
    title: 'Framework debug mode on',
    severity: 'medium',
    cwe: ['CWE-489', 'CWE-215'],
    owasp: ['API8:2023'],
    owaspLlm: [],
    pci: ['6.2.4'],
    depth: 'quick',
    summary: 'The web framework serving the endpoint runs in debug mode and shows its debug pages to anyone.',
    remediation: 'Turn debug mode off wherever the service is reachable: Django DEBUG = False, no Flask --debug or FLASK_DEBUG, FastAPI(debug=False).',
    explanation: {
      what:
        `It reads the framework's own debug pages: ${DEBUG_PAGES.map((p) => p.framework).join(', ')}. A wrapper started the ` +
        "way its tutorial started it (`manage.py runserver` with the project template's DEBUG = True, `flask run --debug`, " +
        '`FastAPI(debug=True)`) keeps those pages on when it is put on a network.',
      why:
        'A debug page hands a stranger the map of the code: every route (the ones the auth forgot), file paths, settings and ' +
        "local variables; Werkzeug's debugger adds a Python console in the server process, guarded only by a PIN derived " +
        'from facts about the machine.',
      howProved: [
        "Sends nothing of its own: reads the cheap phase's answers (the requests every scan makes first, " +
          "without credentials) for the debug pages' own marks, which production error pages never carry (for " +
          "Starlette, also a 500 whose whole body is a Python traceback: its debug handler's answer to a client " +
          'that does not ask for HTML).',
        `Reports the framework named by the mark, with its severity: ` +
          `${DEBUG_PAGES.map((p) => `${p.framework} ${p.severity}`).join(', ')}. Confidence: confirmed.`,
        'A debug page that only an exception shows (Werkzeug, Starlette) is found when one of those requests ' +
          'raised; a wrapper in debug mode whose cheap requests all succeed is not proven by this rule.',
      ],
      falsePositives: [
        "None known: the marks are the frameworks' debug templates. A debug server bound to loopback is still " +
          'reported, since the finding means Gatecrash reached it from where it ran.',
      ],
      manualChecks: (ctx, { curl, check }) => [
        check(
          'A path that does not exist',
          curl(ctx, { method: 'GET', body: null, path: '/gatecrash-debug-check' }),
          'a short 404 with no route list, traceback or "DEBUG = True"',
        ),
      ],
      links: ['errorCheatSheet'],
      fix: ({ ALL_APPS }) => ({
        detail:
          "Debug mode belongs on a developer's loopback only: read it from the environment with off as the default, so a " +
          'service started without the variable runs with debug off.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'terseErrors'],
          focus:
            'Debug mode is off unless the environment turns it on for local development; unhandled errors return a short JSON body and go to the server log.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'terseErrors'],
          deny: [],
          denyFindingPath: false,
          focus: 'The proxy replaces upstream error bodies (debug pages included) with a terse error; turn debug mode off in the app all the same.',
        },
      }),
    },
  },
]);
