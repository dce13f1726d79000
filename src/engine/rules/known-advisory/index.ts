import type { ManualCheckKit } from '../../../knowledge/model.js';
import type { RemediationContext } from '../../../knowledge/types.js';
import { defineFamily } from '../define.js';

const VERSION_SOURCES: Record<string, { path?: string; header?: string; field: string }> = {
  vllm: { path: '/version', field: 'version' },
  tgi: { path: '/info', field: 'version' },
  ollama: { path: '/api/version', field: 'version' },
  llamacpp: { path: '/props', field: 'build_info' },
  koboldcpp: { path: '/api/extra/version', field: 'version' },
  litellm: { header: 'x-litellm-version', field: 'x-litellm-version' },
};

function versionCheck(ctx: RemediationContext, { check, sq }: ManualCheckKit) {
  const src = ctx.product ? VERSION_SOURCES[ctx.product] : undefined;
  const want = ctx.fixedVersion ? `${ctx.fixedVersion} or later` : 'the fixed version named in the advisory, or later';
  if (!src)
    return [check('The version the server states in its headers', `curl -sS -D - -o /dev/null ${sq(ctx.url)} | grep -iE '^(server|x-.*version):'`, want)];
  if (src.header) {
    return [check('The version the server states', `curl -sS -D - -o /dev/null ${sq(ctx.url)} | grep -i '^${src.header}'`, want)];
  }
  return [check('The version the server states', `curl -sS ${sq(`${ctx.origin}${src.path}`)} | grep -o '"${src.field}"[^,}]*'`, want)];
}

export default defineFamily([
  {
    id: 'vuln.known-advisory',
    check: 'Inventory Management',
    title: 'Server version affected by a known advisory',
    severity: 'high',
    cwe: [],
    owasp: ['API8:2023', 'API9:2023'],
    owaspLlm: [],
    pci: ['6.3.3'],
    depth: 'quick',
    summary: "The version the server reports falls in a published advisory's affected range (severity per advisory).",
    remediation: 'Upgrade to the fixed version named in the advisory.',
    explanation: {
      what: 'The version is the one the server states (never guessed); the advisory table ships with Gatecrash ' + '(src/engine/advisories.ts).',
      why: 'Published advisories come with enough detail to exploit them; scanners and botnets try them within days of publication.',
      howProved: [
        'Reads the version where the server states it (/version, /info, /api/version, /props build_info, ' +
          '/api/extra/version, the x-litellm-version header) and compares it with the advisory table.',
        'Confidence is tentative unless another rule confirmed the flaw itself (for example auth.host-header); the findings are then linked.',
      ],
      falsePositives: [
        'Distributions backport fixes without changing the version, and a proxy in front may neutralize a ' +
          'flaw (nginx refuses Host values containing "/"). Upgrade anyway: the version is what the next ' +
          'scanner sees.',
      ],
      manualChecks: (ctx, kit) => versionCheck(ctx, kit),
      relatedCwe: ['CWE-1395', 'CWE-22', 'CWE-208', 'CWE-89'],
      links: [
        { title: 'NVD: CVE-2024-37032 (Ollama path traversal)', url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-37032' },
        { title: 'NVD: CVE-2025-59425 (vLLM timing attack)', url: 'https://nvd.nist.gov/vuln/detail/CVE-2025-59425' },
      ],
      fix: ({ keyedStart, withAspects }) => ({
        detail: 'Until then reduce exposure: bind the server to loopback behind a proxy that checks a key and refuses the affected ' + 'routes.',
        servers: {
          vllm: withAspects(keyedStart('vllm', 'The script refuses to start a vLLM release older than the fixed version.'), 'upgrade'),
          ollama: {
            aspects: ['loopback', 'upgrade'],
            needsProxy: true,
            focus:
              'The script refuses to start an Ollama release older than the fixed version, and binds it to loopback ' +
              'behind the proxy (Ollama has no authentication).',
          },
          litellm: withAspects(keyedStart('litellm', 'The script refuses to start a LiteLLM release older than the fixed version.'), 'upgrade'),
          tgi: withAspects(
            keyedStart('tgi', "The script refuses to start a TGI release older than the advisory's fixed version when one is known."),
            'upgrade',
          ),
          llamacpp: withAspects(keyedStart('llamacpp', "Rebuild or download a llama.cpp release newer than the advisory's fix."), 'upgrade'),
          sglang: withAspects(
            keyedStart('sglang', "The script refuses to start an SGLang release older than the advisory's fixed version when one is known."),
            'upgrade',
          ),
          localai: withAspects(
            keyedStart('localai', "The script refuses to start a LocalAI release older than the advisory's fixed version when one is known."),
            'upgrade',
          ),
          koboldcpp: withAspects(
            keyedStart('koboldcpp', "The script refuses to start a KoboldCpp release older than the advisory's fixed version when one is known."),
            'upgrade',
          ),
        },
      }),
    },
  },
]);
