// The frameworks a fix can be written for: their names, kinds, snippet languages and key variables. Kept apart from the
// product facts (frameworks.ts), which read every server profile: the scan view needs these names and nothing else.
import type { AppFramework, Framework, ProxyFramework, ServerFramework, SnippetLanguage } from './types.js';
import { FRAMEWORKS } from './types.js';

export interface FrameworkInfo {
  id: Framework;
  name: string;
  kind: 'app' | 'server' | 'proxy' | 'wrapper';
  language: SnippetLanguage;
  /** Default environment variable for the key. */
  envVar: string;
}

export const FRAMEWORK_INFO: Record<Framework, FrameworkInfo> = {
  fastapi: { id: 'fastapi', name: 'FastAPI', kind: 'app', language: 'python', envVar: 'API_KEY' },
  starlette: { id: 'starlette', name: 'Starlette (pure ASGI middleware)', kind: 'app', language: 'python', envVar: 'API_KEY' },
  flask: { id: 'flask', name: 'Flask', kind: 'app', language: 'python', envVar: 'API_KEY' },
  express: { id: 'express', name: 'Express', kind: 'app', language: 'javascript', envVar: 'API_KEY' },
  vllm: { id: 'vllm', name: 'vLLM', kind: 'server', language: 'bash', envVar: 'VLLM_API_KEY' },
  tgi: { id: 'tgi', name: 'Hugging Face TGI', kind: 'server', language: 'bash', envVar: 'API_KEY' },
  // Ollama has no key of its own: the variable names the key the proxy in front checks.
  ollama: { id: 'ollama', name: 'Ollama', kind: 'server', language: 'bash', envVar: 'LLM_API_KEY' },
  llamacpp: { id: 'llamacpp', name: 'llama.cpp llama-server', kind: 'server', language: 'bash', envVar: 'LLAMA_API_KEY' },
  sglang: { id: 'sglang', name: 'SGLang', kind: 'server', language: 'bash', envVar: 'SGLANG_API_KEY' },
  litellm: { id: 'litellm', name: 'LiteLLM proxy', kind: 'server', language: 'bash', envVar: 'LITELLM_MASTER_KEY' },
  localai: { id: 'localai', name: 'LocalAI', kind: 'server', language: 'bash', envVar: 'LOCALAI_API_KEY' },
  koboldcpp: { id: 'koboldcpp', name: 'KoboldCpp', kind: 'server', language: 'bash', envVar: 'KOBOLDCPP_PASSWORD' },
  nginx: { id: 'nginx', name: 'nginx', kind: 'proxy', language: 'nginx', envVar: 'LLM_API_KEY' },
  caddy: { id: 'caddy', name: 'Caddy', kind: 'proxy', language: 'caddyfile', envVar: 'LLM_API_KEY' },
  wrapper: { id: 'wrapper', name: 'Python wrapper (decorator)', kind: 'wrapper', language: 'python', envVar: 'MISTRAL_API_KEY' },
};

export const APP_FRAMEWORKS: readonly AppFramework[] = ['fastapi', 'starlette', 'flask', 'express'];
export const SERVER_FRAMEWORKS: readonly ServerFramework[] = ['vllm', 'tgi', 'ollama', 'llamacpp', 'sglang', 'litellm', 'localai', 'koboldcpp'];
export const PROXY_FRAMEWORKS: readonly ProxyFramework[] = ['nginx', 'caddy'];

export function isFramework(value: string): value is Framework {
  return (FRAMEWORKS as readonly string[]).includes(value);
}
export function isAppFramework(f: Framework): f is AppFramework {
  return (APP_FRAMEWORKS as readonly string[]).includes(f);
}
export function isServerFramework(f: Framework): f is ServerFramework {
  return (SERVER_FRAMEWORKS as readonly string[]).includes(f);
}
export function isProxyFramework(f: Framework): f is ProxyFramework {
  return (PROXY_FRAMEWORKS as readonly string[]).includes(f);
}
