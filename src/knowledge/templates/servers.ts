// Start-up scripts for inference servers: the server's own flags, a fail-closed check of the key variable before the
// server starts (an empty key turns auth off in vLLM, llama.cpp and LiteLLM), and loopback binding where a proxy must do
// what the server cannot. Keys go in as flags where the server might not read the variable: an unknown flag stops the
// server (closed), an unread variable would leave it open.
import { RULES } from '../../engine/rules/index.js';
import type { RuleId } from '../../engine/types.js';
import { safeVersionFor, sq } from '../context.js';
import { FRAMEWORK_INFO } from '../framework-info.js';
import type { RemediationContext, ServerFramework } from '../types.js';
import { isLoopbackHost } from './features.js';

export type ServerAspect =
  /** The server's API key, checked non-empty before start. */
  | 'key'
  /** Listen on 127.0.0.1 at the upstream port: a proxy in front does what the server cannot. */
  | 'loopback'
  | 'tls'
  | 'cors'
  /** Context and generation caps, so oversized requests are refused. */
  | 'maxTokens'
  /** Metrics endpoint off (where the server can turn it off). */
  | 'noMetrics'
  | 'noDocs'
  /** Slot state (prompts in flight) off. */
  | 'noSlots'
  /** No routes that change the server (POST /props, slot save/restore, dev mode, gallery). */
  | 'noManagement'
  /** No route serving the chat template. */
  | 'noTemplateRoutes'
  /** A separate admin key for admin routes. */
  | 'adminKey'
  /** Refuse to start a version with a known advisory. */
  | 'upgrade'
  /** Prompts built from the model's own chat template with control tokens. */
  | 'chatTemplate'
  /** Tool calls parsed, so raw [TOOL_CALLS] never reach clients. */
  | 'toolParser'
  /** A server-wide concurrency cap answered with 429. */
  | 'concurrency'
  /** Image generation and transcription models not loaded (their routes ignore the password). */
  | 'noSideModels';

export interface ServerRenderInput {
  rule: RuleId | null;
  framework: ServerFramework;
  aspects: ReadonlySet<ServerAspect>;
  ctx: RemediationContext;
  focus: string;
  title: string;
  /** The server cannot close the hole alone: the script says so and binds to loopback. */
  needsProxy: boolean;
}

/** Aspects each server's script knows how to express. Tests check rules ask only for these. */
export const SERVER_ASPECTS: Record<ServerFramework, readonly ServerAspect[]> = {
  vllm: ['key', 'loopback', 'tls', 'cors', 'maxTokens', 'noDocs', 'noManagement', 'noTemplateRoutes', 'upgrade', 'chatTemplate', 'toolParser'],
  tgi: ['key', 'loopback', 'cors', 'maxTokens', 'concurrency', 'chatTemplate', 'upgrade'],
  ollama: ['loopback', 'cors', 'upgrade', 'chatTemplate'],
  llamacpp: ['key', 'loopback', 'tls', 'maxTokens', 'noMetrics', 'noSlots', 'noManagement', 'noTemplateRoutes', 'chatTemplate', 'upgrade'],
  sglang: ['key', 'loopback', 'maxTokens', 'noMetrics', 'adminKey', 'toolParser', 'upgrade', 'chatTemplate'],
  litellm: ['key', 'loopback', 'noDocs', 'upgrade', 'noManagement'],
  localai: ['key', 'loopback', 'cors', 'noManagement', 'upgrade'],
  koboldcpp: ['key', 'loopback', 'noSideModels', 'upgrade'],
};

function keyCheck(name: string, why: string): string {
  return `# Fail closed: ${why}
: "\${${name}:?${name} must be set to a non-empty key (openssl rand -hex 32)}"
case "$${name}" in None|null|undefined) echo "${name} holds a placeholder, not a key" >&2; exit 1 ;; esac`;
}

const VERSION_FN = `# Refuses to go on when a version is older than the first fixed one.
require_version() {  # name have minimum
  if [ -z "$2" ]; then echo "cannot read the $1 version: check it is at least $3" >&2; exit 1; fi
  if [ "$(printf '%s\\n%s\\n' "$3" "$2" | sort -V | head -n1)" = "$2" ] && [ "$2" != "$3" ]; then
    echo "$1 $2 is older than $3, which fixes a published advisory: upgrade first" >&2
    exit 1
  fi
}`;

interface Built {
  pre: string[];
  command: string[];
  post: string[];
}

export function renderServerScript(input: ServerRenderInput): string {
  const { aspects: a, ctx, framework } = input;
  const name = FRAMEWORK_INFO[framework].name;
  const bindHost = a.has('loopback') || isLoopbackHost(ctx.host) ? '127.0.0.1' : '0.0.0.0';
  const port = a.has('loopback') ? ctx.upstreamPort : ctx.port;
  const min = a.has('upgrade') ? (ctx.fixedVersion && ctx.advisory ? ctx.fixedVersion : safeVersionFor(framework)) : null;
  const b = BUILDERS[framework]({ a, ctx, bindHost, port, min });

  const head = [
    '#!/usr/bin/env bash',
    `# ${input.title} — ${name}, by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`,
    ...input.focus.split('\n').map((l) => `# ${l}`),
  ];
  if (input.needsProxy) {
    head.push(`# ${name} cannot close this alone: it listens on 127.0.0.1:${port} only, and the nginx or Caddy snippet in front of it`);
    head.push(`# (suggest_remediation framework=nginx) takes port ${ctx.port}, checks the key and forwards only the routes you serve.`);
  }
  head.push('set -euo pipefail');
  const body = [head.join('\n'), ...b.pre, b.command.join(' \\\n  '), ...b.post];
  return `${body.filter((s) => s.trim()).join('\n\n')}\n`;
}

interface BuildArgs {
  a: ReadonlySet<ServerAspect>;
  ctx: RemediationContext;
  bindHost: string;
  port: number;
  min: string | null;
}

const modelLine = (ctx: RemediationContext): string => `MODEL="\${MODEL:-${ctx.model}}"`;
const corsNote = (ctx: RemediationContext): string => `# Browser origins allowed to call the API (never "*"): ${ctx.allowedOrigin}`;

const BUILDERS: Record<ServerFramework, (x: BuildArgs) => Built> = {
  vllm: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) {
      pre.push(`${keyCheck('VLLM_API_KEY', 'vLLM serves everything without authentication when the key is empty.')}
export VLLM_API_KEY  # vLLM reads it itself: the key stays off the command line (and out of ps)`);
    }
    if (a.has('noManagement'))
      pre.push('# Dev mode adds /sleep, /wake_up, /collective_rpc, /reset_prefix_cache… outside the key check.\nunset VLLM_SERVER_DEV_MODE');
    if (min) {
      pre.push(`${VERSION_FN}
require_version vllm "$(python3 -c 'import importlib.metadata as m; print(m.version("vllm"))' 2>/dev/null || true)" ${min}`);
    }
    if (a.has('tls')) pre.push(tlsCheck());
    pre.push(modelLine(ctx));
    const cmd = ['exec vllm serve "$MODEL"', `--host ${bindHost}`, `--port ${port}`];
    if (a.has('noDocs')) cmd.push('--disable-fastapi-docs');
    if (a.has('maxTokens')) cmd.push('--max-model-len 8192');
    if (a.has('cors')) cmd.push(`--allowed-origins ${sq(JSON.stringify([ctx.allowedOrigin]))}`);
    if (a.has('tls')) cmd.push('--ssl-certfile "$TLS_CERT_FILE"', '--ssl-keyfile "$TLS_KEY_FILE"');
    if (a.has('chatTemplate')) cmd.push('--tokenizer-mode mistral');
    if (a.has('toolParser')) cmd.push('--enable-auto-tool-choice', '--tool-call-parser mistral');
    const post: string[] = [];
    if (a.has('noTemplateRoutes')) pre.push('# Not passed on purpose: --enable-tokenizer-info-endpoint (/tokenizer_info serves the chat template to anyone).');
    if (a.has('cors')) pre.push(`${corsNote(ctx)} (vLLM allows every origin by default).`);
    if (a.has('maxTokens')) pre.push('# --max-model-len caps prompt + completion: a larger max_tokens is refused with 400, not run.');
    if (a.has('chatTemplate'))
      pre.push(
        '# --tokenizer-mode mistral (Mistral models) renders [INST] as control tokens, so user text cannot ' +
          'forge them;\n# send user text through /v1/chat/completions messages, never through /v1/completions ' +
          'with a hand-built prompt.',
      );
    return { pre, command: cmd, post };
  },
  tgi: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) pre.push(keyCheck('API_KEY', 'TGI serves everything without authentication when no key is given.'));
    if (min)
      pre.push(`${VERSION_FN}
require_version text-generation-launcher "$(text-generation-launcher --version 2>/dev/null | grep -oE '[0-9]+(\\.[0-9]+)+' | head -n1 || true)" ${min}`);
    pre.push(modelLine(ctx));
    if (a.has('maxTokens')) pre.push('# max_new_tokens above --max-total-tokens minus the prompt is refused with 422, not run.');
    if (a.has('concurrency')) pre.push('# Beyond --max-concurrent-requests TGI answers 429 (overloaded); per-client limits belong to the proxy.');
    if (a.has('cors')) pre.push(corsNote(ctx));
    if (a.has('chatTemplate'))
      pre.push(
        "# Send user text as /v1/chat/completions messages: TGI renders the model's chat template with " +
          'control tokens.\n# Never build "[INST] … [/INST]" yourself for /generate.',
      );
    const cmd = ['exec text-generation-launcher', '--model-id "$MODEL"', `--hostname ${bindHost}`, `--port ${port}`];
    if (a.has('key')) cmd.push('--api-key "$API_KEY"');
    if (a.has('maxTokens')) cmd.push('--max-input-tokens 4096', '--max-total-tokens 8192');
    if (a.has('concurrency')) cmd.push('--max-concurrent-requests 32');
    if (a.has('cors')) cmd.push(`--cors-allow-origin ${ctx.allowedOrigin}`);
    return {
      pre,
      command: cmd,
      post: [`# In Docker, publish on loopback only: docker run -p 127.0.0.1:${port}:80 -e API_KEY … ghcr.io/huggingface/text-generation-inference …`],
    };
  },
  ollama: ({ a, ctx, port, min }) => {
    const pre: string[] = [];
    pre.push(`# Ollama has no authentication at all: it must listen on loopback, behind a proxy that checks a key.
OLLAMA_HOST="\${OLLAMA_HOST:-127.0.0.1:${port}}"
case "$OLLAMA_HOST" in
  127.0.0.1:*|localhost:*|"[::1]:"*) ;;
  *) echo "refusing to start: OLLAMA_HOST=$OLLAMA_HOST is not a loopback address:port, and Ollama has no authentication" >&2; exit 1 ;;
esac
export OLLAMA_HOST`);
    if (a.has('cors')) pre.push(`${corsNote(ctx)}\nexport OLLAMA_ORIGINS=${sq(ctx.allowedOrigin)}`);
    if (min)
      pre.push(`${VERSION_FN}
require_version ollama "$(ollama --version 2>/dev/null | grep -oE '[0-9]+(\\.[0-9]+)+' | head -n1 || true)" ${min}`);
    if (a.has('chatTemplate'))
      pre.push(
        '# Send user text through /api/chat messages (the Modelfile TEMPLATE renders control tokens), never ' +
          'as a raw\n# prompt with "raw": true and a hand-built [INST] string.',
      );
    return {
      pre,
      command: ['exec ollama serve'],
      post: [
        `# As a systemd service: systemctl edit ollama, then add
#   [Service]
#   Environment="OLLAMA_HOST=127.0.0.1:${port}"${a.has('cors') ? `\n#   Environment="OLLAMA_ORIGINS=${ctx.allowedOrigin}"` : ''}`,
      ],
    };
  },
  llamacpp: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) pre.push(keyCheck('LLAMA_API_KEY', 'llama-server runs without authentication when the key is empty.'));
    if (min)
      pre.push(`${VERSION_FN}
require_version llama-server "$(llama-server --version 2>&1 | grep -oE 'version: [0-9]+' | grep -oE '[0-9]+' | head -n1 || true)" ${min}`);
    if (a.has('tls')) pre.push(tlsCheck());
    pre.push(`MODEL="\${MODEL:-${ctx.model}}"`);
    const off: string[] = [];
    if (a.has('noMetrics')) off.push('--metrics (Prometheus counters for anyone)');
    if (a.has('noManagement')) off.push('--props (POST /props changes the server)', '--slot-save-path (slot save/restore)');
    if (a.has('noTemplateRoutes')) off.push('nothing serves /props without a key here: /props and /apply-template stay behind the proxy');
    if (off.length) pre.push(`# Not passed on purpose: ${off.join('; ')}.`);
    if (a.has('noSlots'))
      pre.push(
        "# --no-slots: /slots would show each slot's state, and older builds the prompts in flight. (Builds from before the flag existed keep " +
          '/slots off\n# unless --slots is given: drop --no-slots there.)',
      );
    if (a.has('maxTokens')) pre.push("# --n-predict caps every request's n_predict; --ctx-size caps prompt + completion.");
    if (a.has('chatTemplate')) pre.push("# --jinja renders the model's own chat template with control tokens; send user text as chat messages.");
    const cmd = ['exec llama-server', '-m "$MODEL"', `--host ${bindHost}`, `--port ${port}`];
    if (a.has('key')) cmd.push('--api-key "$LLAMA_API_KEY"');
    if (a.has('noSlots')) cmd.push('--no-slots');
    if (a.has('maxTokens')) cmd.push('--ctx-size 8192', '--n-predict 512');
    if (a.has('chatTemplate')) cmd.push('--jinja');
    if (a.has('tls')) cmd.push('--ssl-cert-file "$TLS_CERT_FILE"', '--ssl-key-file "$TLS_KEY_FILE"');
    return {
      pre,
      command: cmd,
      post: a.has('key')
        ? [
            '# The key is a command-line argument (llama-server has no other way that every build reads): on a ' +
              'shared host,\n# restrict who can list processes (hidepid) or let only the proxy hold a key.',
          ]
        : [],
    };
  },
  sglang: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) pre.push(keyCheck('SGLANG_API_KEY', 'SGLang serves everything without authentication when no key is given.'));
    if (a.has('adminKey')) pre.push(keyCheck('SGLANG_ADMIN_API_KEY', 'admin routes (weights, cache, profiling) need their own key.'));
    if (min)
      pre.push(`${VERSION_FN}
require_version sglang "$(python3 -c 'import importlib.metadata as m; print(m.version("sglang"))' 2>/dev/null || true)" ${min}`);
    pre.push(modelLine(ctx));
    if (a.has('noMetrics')) pre.push('# Not passed on purpose: --enable-metrics (/metrics is always outside the key check).');
    if (a.has('maxTokens')) pre.push('# --context-length caps prompt + completion: a larger max_tokens is refused, not run.');
    if (a.has('chatTemplate'))
      pre.push(
        "# Send user text as /v1/chat/completions messages (the model's chat template with control tokens), " +
          'never as a\n# hand-built "[INST] … [/INST]" prompt to /generate.',
      );
    const cmd = ['exec python3 -m sglang.launch_server', '--model-path "$MODEL"', `--host ${bindHost}`, `--port ${port}`];
    if (a.has('key')) cmd.push('--api-key "$SGLANG_API_KEY"');
    if (a.has('adminKey')) cmd.push('--admin-api-key "$SGLANG_ADMIN_API_KEY"');
    if (a.has('maxTokens')) cmd.push('--context-length 8192');
    if (a.has('toolParser')) cmd.push('--tool-call-parser mistral');
    return { pre, command: cmd, post: [] };
  },
  litellm: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) {
      pre.push(`${keyCheck('LITELLM_MASTER_KEY', 'without a master key LiteLLM lets every request through, whatever key it carries.')}
case "$LITELLM_MASTER_KEY" in sk-?*) ;; *) echo "LITELLM_MASTER_KEY must start with sk-" >&2; exit 1 ;; esac
export LITELLM_MASTER_KEY`);
      pre.push(`CONFIG="\${LITELLM_CONFIG:-/etc/litellm/config.yaml}"
# The config must take the master key from the variable checked above:
#   general_settings:
#     master_key: os.environ/LITELLM_MASTER_KEY
grep -Eq '^[[:space:]]*master_key:[[:space:]]*os\\.environ/LITELLM_MASTER_KEY[[:space:]]*$' "$CONFIG" || {
  echo "$CONFIG must set general_settings.master_key: os.environ/LITELLM_MASTER_KEY" >&2
  exit 1
}`);
    } else {
      pre.push('CONFIG="${LITELLM_CONFIG:-/etc/litellm/config.yaml}"');
    }
    if (min)
      pre.push(`${VERSION_FN}
require_version litellm "$(python3 -c 'import importlib.metadata as m; print(m.version("litellm"))' 2>/dev/null || true)" ${min}`);
    if (a.has('noDocs')) pre.push('# Swagger and ReDoc off.\nexport NO_DOCS=True NO_REDOC=True');
    if (a.has('noManagement'))
      pre.push(
        "# /key/*, /team/*, /user/* and /spend/* answer only the master key (kept out of clients' hands: give " +
          'each\n# client its own virtual key from /key/generate); the nginx snippet in front can refuse them ' +
          'from outside as well.',
      );
    void ctx;
    return { pre, command: ['exec litellm', '--config "$CONFIG"', `--host ${bindHost}`, `--port ${port}`], post: [] };
  },
  localai: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) pre.push(keyCheck('LOCALAI_API_KEY', 'LocalAI serves everything without authentication when no key is given.'));
    if (min)
      pre.push(`${VERSION_FN}
require_version local-ai "$(local-ai --version 2>/dev/null | grep -oE '[0-9]+(\\.[0-9]+)+' | head -n1 || true)" ${min}`);
    if (a.has('noManagement')) pre.push('# --disable-gallery-endpoint: no /models/apply (installs models from a URL) or gallery routes.');
    if (a.has('cors')) pre.push(corsNote(ctx));
    const cmd = ['exec local-ai run', `--address ${bindHost}:${port}`];
    if (a.has('key')) cmd.push('--api-keys "$LOCALAI_API_KEY"');
    if (a.has('noManagement')) cmd.push('--disable-gallery-endpoint');
    if (a.has('cors')) cmd.push('--cors', `--cors-allow-origins ${ctx.allowedOrigin}`);
    return { pre, command: cmd, post: [] };
  },
  koboldcpp: ({ a, ctx, bindHost, port, min }) => {
    const pre: string[] = [];
    if (a.has('key')) pre.push(keyCheck('KOBOLDCPP_PASSWORD', 'KoboldCpp serves everything without a password when none is given.'));
    if (min)
      pre.push(`${VERSION_FN}
require_version koboldcpp "$(koboldcpp --version 2>/dev/null | grep -oE '[0-9]+(\\.[0-9]+)+' | head -n1 || true)" ${min}`);
    pre.push(`MODEL="\${MODEL:-${ctx.model}}"`);
    if (a.has('noSideModels'))
      pre.push(
        '# Not passed on purpose: --sdmodel and --whispermodel. Image generation (/sdapi/v1/*) and ' +
          'transcription never\n# check the password; if you need them, only the proxy in front can guard them.',
      );
    const cmd = ['exec koboldcpp', '--model "$MODEL"', `--host ${bindHost}`, `--port ${port}`];
    if (a.has('key')) cmd.push('--password "$KOBOLDCPP_PASSWORD"');
    return { pre, command: cmd, post: [] };
  },
};

function tlsCheck(): string {
  return `# Fail closed: TLS files must exist, or the server does not start in cleartext.
: "\${TLS_CERT_FILE:?TLS_CERT_FILE must name the certificate file}"
: "\${TLS_KEY_FILE:?TLS_KEY_FILE must name the private key file}"
[ -r "$TLS_CERT_FILE" ] && [ -r "$TLS_KEY_FILE" ] || { echo "TLS files are not readable" >&2; exit 1; }`;
}
