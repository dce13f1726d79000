import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'exposure.verbose-errors',
    check: 'Configuration',
    title: 'Verbose error messages',
    severity: 'low',
    cwe: ['CWE-209'],
    owasp: ['API8:2023'],
    owaspLlm: [],
    pci: ['6.2.4'],
    depth: 'standard',
    summary: 'Malformed input yields stack traces, parser internals or file paths.',
    remediation: 'Return terse errors to clients and log details server-side.',
    explanation: {
      what: "For example a Python traceback, llama.cpp's JSON parser message, or an exception text with module paths.",
      why: 'Internals tell an attacker the framework and versions, the file layout, and which inputs reach which code.',
      howProved: [
        'Sends malformed JSON and wrongly typed fields to inference routes; reports when the response carries ' +
          'a traceback, a parser message or a filesystem path.',
      ],
      falsePositives: ['Validation errors that name the field and the problem ("field required") are expected and not reported.'],
      manualChecks: (ctx, { check, sq, keyHeaderArg }) => [
        check(
          'Malformed JSON',
          `curl -sS -X POST ${sq(ctx.url)} ${keyHeaderArg(ctx)} -H 'Content-Type: application/json' -d ` +
            `'{"broken' | grep -Ei 'traceback|exception|\\.py\\b|\\.cpp\\b|/home/|/usr/|/opt/|line [0-9]+|parse ` +
            `error'`,
          'no output',
        ),
      ],
      links: ['errorCheatSheet'],
      fix: ({ ALL_APPS }) => ({
        detail: 'Never run debug mode in production; put a proxy that replaces 5xx bodies in front of servers you cannot change.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'terseErrors'],
          focus:
            'Unhandled errors return a short JSON body and go to the server log with their traceback; validation errors name fields, never parser internals.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth', 'terseErrors'],
          deny: [],
          denyFindingPath: false,
          focus: 'The proxy replaces upstream 5xx bodies (parser messages, tracebacks) with a terse error.',
        },
      }),
    },
  },
]);
