// Every rule × applicable framework snippet, rendered under a few contexts, for the completeness and invariant tests.
import { RULE_IDS, type RuleId } from '../../src/engine/types.js';
import {
  applicableFrameworks,
  contextFromFinding,
  type FindingLike,
  type Framework,
  type RemediationSnippet,
  remediationFor,
} from '../../src/knowledge/index.js';

export interface Rendered {
  rule: RuleId;
  framework: Framework;
  variant: string;
  snippet: RemediationSnippet;
}

/** Findings that change what templates must handle: a raw key header, a Bearer header, a non-default port and path. */
export const VARIANT_FINDINGS: Record<string, (rule: RuleId) => FindingLike> = {
  default: (rule) => ({ rule }),
  bearer: (rule) => ({
    rule,
    endpoint: { method: 'POST', url: 'http://10.1.2.3:9000/v1/chat/completions' },
    evidence: { request: { method: 'POST', url: 'http://10.1.2.3:9000/v1/chat/completions', headers: { authorization: 'Bearer None' } } },
    server: { product: 'vllm', version: '0.9.2', modelFamily: 'mistral' },
  }),
  rawKey: (rule) => ({
    rule,
    endpoint: { method: 'POST', url: 'https://api.example.com:8443/api/generate' },
    evidence: { request: { method: 'POST', url: 'https://api.example.com:8443/api/generate', headers: { 'x-api-key': '' } } },
    server: { product: 'fastapi', version: null, modelFamily: null },
  }),
};

export function allSnippets(): Rendered[] {
  const out: Rendered[] = [];
  for (const rule of RULE_IDS) {
    for (const framework of applicableFrameworks(rule)) {
      for (const [variant, make] of Object.entries(VARIANT_FINDINGS)) {
        const finding = make(rule);
        const ctx = variant === 'default' ? undefined : contextFromFinding(finding, { framework });
        out.push({ rule, framework, variant, snippet: remediationFor(rule, framework, ctx) });
      }
    }
  }
  return out;
}

/** Lines of code, without comments (Python/shell `#`, JS `//`), for checks that must not trip on prose. */
export function codeLines(s: RemediationSnippet): string[] {
  const comment = s.language === 'javascript' ? /^\s*(\/\/|\*|\/\*\*)/ : /^\s*#/;
  return s.code.split('\n').filter((l) => !comment.test(l));
}
