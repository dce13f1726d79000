// The knowledge base's vocabulary. Pure data types: explanations, references, remediation contexts and snippets.
import type { Confidence, RuleId, Severity } from '../engine/types.js';

export const FRAMEWORKS = [
  'fastapi',
  'starlette',
  'flask',
  'express',
  'vllm',
  'tgi',
  'ollama',
  'llamacpp',
  'sglang',
  'litellm',
  'localai',
  'koboldcpp',
  'nginx',
  'caddy',
  'wrapper',
] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** Application frameworks: the snippet is a complete app (the user's own code). */
export type AppFramework = 'fastapi' | 'starlette' | 'flask' | 'express';
/** Inference servers: the snippet is a start-up script with the server's own flags. */
export type ServerFramework = 'vllm' | 'tgi' | 'ollama' | 'llamacpp' | 'sglang' | 'litellm' | 'localai' | 'koboldcpp';
/** Reverse proxies put in front of a server that cannot close the hole itself. */
export type ProxyFramework = 'nginx' | 'caddy';

export type SnippetLanguage = 'python' | 'javascript' | 'nginx' | 'caddyfile' | 'bash';

/** A reference to a weakness or requirement catalog entry. */
export interface Reference {
  /** 'CWE-306', 'API2:2023', 'LLM01:2025', 'PCI DSS 8.2'. */
  id: string;
  name: string;
  /** Null when the catalog has no stable public page for the entry. */
  url: string | null;
}

export interface Link {
  title: string;
  url: string;
}

export interface References {
  cwe: Reference[];
  owaspApi: Reference[];
  owaspLlm: Reference[];
  pci: Reference[];
  /** Further reading: the servers' own docs, advisories. */
  links: Link[];
}

/** A check a person can run by hand to see whether the fix holds. */
export interface ManualCheck {
  /** What the command checks, in a few words. */
  description: string;
  /** A copy-pasteable shell line (curl, mostly), filled from the context. */
  command: string;
  /** What a fixed server answers. */
  expect: string;
}

/**
 * Everything a snippet template is filled from. Taken from a finding when there is one (evidence URL, learned credential
 * header, port), otherwise from the framework's defaults. Every field is validated: values that came from a scanned
 * server (a header name in a 422, a path) never reach generated code unless they match a strict pattern.
 */
export interface RemediationContext {
  /** The finding's endpoint URL (no query). */
  url: string;
  /** scheme://host:port of the scanned server. */
  origin: string;
  host: string;
  /** The port clients use today (the proxy takes it over when the fix is a proxy). */
  port: number;
  /** The finding's path: what the manual checks probe (an exposed route, a bypass variant, the inference route). */
  path: string;
  /** Inference routes to keep serving (a proxy's allow-list, the app's route); the first is the main one. */
  paths: string[];
  /** The method of the finding's endpoint. */
  method: string;
  /** The credential header clients send ('X-API-Key', 'Authorization'). */
  headerName: string;
  /** 'Bearer' when the header carries `Bearer <key>`; null for a raw key header. */
  scheme: 'Bearer' | null;
  /** The environment variable holding the key. */
  envVar: string;
  /** Where the server listens once a proxy is in front of it (always on 127.0.0.1). */
  upstreamPort: number;
  /** Model id or file for start-up commands. */
  model: string;
  /** The JSON field carrying the prompt and the one carrying the output (the tutorial's: text → generated). */
  promptField: string;
  outputField: string;
  /** A JSON request body for manual checks (the finding's own when it had one). */
  body: string;
  /** The product the finding came from ('vllm', 'fastapi', …), or null. */
  product: string | null;
  /** The web origin allowed to call the API from a browser (CORS fixes). */
  allowedOrigin: string;
  /** TLS files for fixes that terminate TLS. */
  tlsCertFile: string;
  tlsKeyFile: string;
  /** nginx: the file holding the accepted keys (outside the config, mode 0640). */
  keysFile: string;
  /** For advisories: the advisory id and the first fixed version, when known. */
  advisory: string | null;
  fixedVersion: string | null;
}

/** A remediation for one rule on one framework, ready to apply. */
export interface RemediationSnippet {
  rule: RuleId;
  /** Every rule the snippet closes, when it was built for several (remediationForRules). */
  rules?: RuleId[];
  framework: Framework;
  /** What the snippet does, one or two sentences; says plainly when the server itself cannot close the hole. */
  title: string;
  summary: string;
  language: SnippetLanguage;
  /** Suggested file name (relative) or absolute path for configuration files. */
  file: string;
  code: string;
  /** Steps to put the fix in place, in order. */
  apply: string[];
  /** Commands that show the fix holds, each with its expected outcome in a trailing `# expect …` comment. */
  verify: string[];
  /** Limits of this fix and what else is needed. */
  notes: string[];
}

/** The long form of a rule: what, why, how Gatecrash proves it, false positives, manual checks, references. */
export interface Explanation {
  rule: RuleId;
  title: string;
  check: string;
  /** The rule's severity, or the finding's when one was given. */
  severity: Severity;
  confidence: Confidence | null;
  depth: 'quick' | 'standard' | 'deep';
  needs: 'key' | 'jwt' | null;
  summary: string;
  what: string;
  whyItMatters: string;
  howProved: string[];
  falsePositives: string[];
  manualChecks: ManualCheck[];
  references: References;
  /** The fix in one paragraph, framework-independent. */
  remediation: string;
  applicableFrameworks: Framework[];
  /** The framework suggest_remediation picks for this finding (its fingerprint, when sure enough) or rule; null when it would ask. */
  recommendedFramework: Framework | null;
  /** Present when the explanation was built for a finding. */
  finding: {
    id: string | null;
    description: string | null;
    endpoint: { method: string; url: string } | null;
    /** `version` is the server's own statement, listed under `untrusted`. */
    server: { untrusted: 'version'[]; product: string | null; version: string | null; modelFamily: string | null } | null;
  } | null;
}

/** What a finding looks like to the knowledge base: the fields it reads, all optional but the rule. */
export interface FindingLike {
  id?: string;
  rule: string;
  severity?: Severity;
  confidence?: Confidence;
  description?: string;
  remediation?: string;
  endpoint?: { method?: string; url?: string };
  evidence?: {
    request?: { method?: string; url?: string; headers?: Record<string, string>; body?: string };
    response?: { status?: number; headers?: Record<string, string>; body?: string };
    baseline?: {
      request?: { method?: string; url?: string; headers?: Record<string, string>; body?: string };
      response?: { status?: number; headers?: Record<string, string>; body?: string };
    };
    extra?: {
      request?: { method?: string; url?: string; headers?: Record<string, string>; body?: string };
      response?: { status?: number; headers?: Record<string, string>; body?: string };
    }[];
    notes?: string[];
  };
  server?: { product?: string | null; version?: string | null; modelFamily?: string | null; confidence?: number };
  variant?: string;
  advisory?: string;
}
