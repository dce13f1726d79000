import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'llm.system-prompt-exposure',
    check: 'LLM Security',
    title: 'Chat template or system prompt readable',
    severity: 'medium',
    cwe: ['CWE-200'],
    owasp: ['API3:2023'],
    owaspLlm: ['LLM07:2025'],
    pci: [],
    depth: 'standard',
    summary: 'The chat template or system prompt is readable without credentials.',
    remediation: 'Disable template and tokenizer introspection routes or require credentials for them.',
    explanation: {
      what: 'Routes such as llama.cpp /props (chat_template) and /apply-template, TGI /chat_tokenize, vLLM /tokenizer_info.',
      why:
        'System prompts hold business logic, guardrail wording and sometimes secrets; templates show how to ' +
        'forge turns (OWASP LLM07, system prompt leakage).',
      howProved: [
        'Requests the template routes without credentials (a harmless body, no generation); reports when a chat template or system prompt comes back.',
      ],
      falsePositives: ["A stock model's public template reveals little beyond the format, but these routes also render a configured system prompt."],
      manualChecks: (ctx, { curl, check, sq }) => [
        check(
          'The template route, without credentials',
          curl(ctx, {
            method: ctx.method === 'GET' ? 'GET' : 'POST',
            body: ctx.method === 'GET' ? null : JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
          }),
          '401, 403 or 404',
        ),
        check('The same, nothing template-like in it', `curl -sS ${sq(ctx.url)} | grep -Ei 'chat_template|system'`, 'no output'),
      ],
      links: ['owaspLlmTop10'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail: 'Keep system prompts server-side, never return them, and assume anything in a system prompt can leak (no secrets in ' + 'it).',
        app: {
          frameworks: ALL_APPS,
          features: ['auth'],
          focus: 'Every route needs the key; keep the system prompt in server code or configuration and never echo it in a response.',
        },
        proxy: {
          frameworks: ['nginx', 'caddy'],
          features: ['auth'],
          deny: ['template'],
          denyFindingPath: true,
          focus: 'Template and tokenizer introspection routes are refused outright, even with a key.',
        },
        servers: {
          llamacpp: withAspects(keyedStart('llamacpp', 'With a key, /props and /apply-template need it.'), 'noTemplateRoutes', 'noManagement'),
          vllm: withAspects(
            keyedStart('vllm', '/tokenizer_info exists only with --enable-tokenizer-info-endpoint, which the script does not pass.'),
            'noTemplateRoutes',
          ),
          tgi: {
            aspects: ['key', 'loopback'],
            needsProxy: true,
            focus: 'TGI always serves /chat_tokenize without the key: TGI listens on loopback and the proxy refuses it.',
          },
        },
      }),
    },
  },
]);
