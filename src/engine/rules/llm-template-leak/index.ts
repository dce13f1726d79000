import { defineFamily } from '../define.js';

export default defineFamily([
  {
    id: 'llm.template-leak',
    onServedRoute: true,
    check: 'LLM Security',
    title: 'Raw chat-template markers in model output',
    severity: 'low',
    cwe: ['CWE-200'],
    owasp: [],
    owaspLlm: ['LLM07:2025'],
    pci: [],
    depth: 'quick',
    summary: 'Generated output contains raw template markers: a raw concatenated prompt, a missing tool parser or a fake next turn.',
    remediation: 'Decode with skip_special_tokens, configure the stop tokens and tool parser, and strip template markers before returning output.',
    explanation: {
      what:
        'Markers such as `[INST]`, `[/INST]`, `</s>` or `[TOOL_CALLS]` in generated text mean the wrapper passes a raw ' +
        'concatenated prompt, stop tokens or the tool-call parser are not configured, or the model is writing a fake next turn.',
      why:
        'It reveals the prompt format (which makes template injection easier), may echo the system prompt, and breaks clients; raw ' +
        '[TOOL_CALLS] text means tool calls are not parsed and may be acted on from plain text.',
      howProved: ['Looks for the marker pattern in output Gatecrash already obtained from its one-token inference probes; no extra requests.'],
      falsePositives: ["A prompt that asks about [INST] can get it back; Gatecrash's benign prompt never mentions markers."],
      manualChecks: (ctx, { curl, check, MARKER_GREP }) => [
        check('Markers in an answer', `${curl(ctx, { keyed: true, showBody: true })} | ${MARKER_GREP}`, 'no output'),
      ],
      links: ['owaspLlmTop10'],
      fix: ({ ALL_APPS, keyedStart, withAspects }) => ({
        detail: 'For tool calls configure the parser (vLLM --enable-auto-tool-choice --tool-call-parser mistral), and prefer chat ' + 'endpoints.',
        app: {
          frameworks: ALL_APPS,
          features: ['auth', 'cleanOutput'],
          focus: 'Output is decoded with skip_special_tokens and stripped of any remaining template markers before it is returned.',
        },
        wrapper: {
          features: ['auth', 'cleanOutput'],
          focus: 'mistral_chat decodes with skip_special_tokens and strips remaining markers from the output.',
        },
        servers: {
          vllm: withAspects(keyedStart('vllm'), 'toolParser', 'chatTemplate'),
          tgi: withAspects(keyedStart('tgi'), 'chatTemplate'),
          llamacpp: withAspects(keyedStart('llamacpp'), 'chatTemplate'),
          sglang: withAspects(keyedStart('sglang'), 'toolParser'),
          ollama: {
            aspects: ['loopback', 'chatTemplate'],
            needsProxy: true,
            focus: "Use /api/chat with messages so Ollama applies the model's template and stop tokens; Ollama itself stays on loopback behind the proxy.",
          },
        },
      }),
    },
  },
]);
