// The published advisories vuln.known-advisory matches against the version a server states (docs/servers/<product>.md lists each server's advisories).
// Data only: adding an advisory is adding an entry. Ranges follow each advisory's own statement ("fixed in X" means
// every earlier version, pre-releases of X included, is affected, as PEP 440 and semver order them).
import type { ProductId, RuleId, Severity } from './types.js';
import type { VersionRange } from './version.js';

export interface Advisory {
  /** CVE id; the finding's `advisory` and `variant`. */
  id: string;
  product: ProductId;
  affected: VersionRange;
  severity: Severity;
  cwe: string[];
  /** CVSS v3 base score as published (approximate where sources differ). */
  cvss: number;
  /** One sentence: what the flaw is and what it lets an attacker do. */
  summary: string;
  reference: string;
  /**
   * Rules whose finding proves this very flaw on the wire (a Host-header bypass for a Host-header advisory). When one
   * fired in the same scan, the advisory is no longer version evidence only: it is confirmed and the findings are linked.
   */
  confirmedBy?: RuleId[];
}

const nvd = (id: string) => `https://nvd.nist.gov/vuln/detail/${id}`;

export const ADVISORIES: readonly Advisory[] = [
  {
    id: 'CVE-2025-59425',
    product: 'vllm',
    affected: { fixed: '0.11.0' },
    severity: 'high',
    cwe: ['CWE-208'],
    cvss: 7.5,
    summary:
      'The API key was compared with a plain string comparison, whose timing leaks how much of a guessed key is right: the key can be recovered byte by byte.',
    reference: nvd('CVE-2025-59425'),
  },
  {
    id: 'CVE-2026-48746',
    product: 'vllm',
    affected: { introduced: '0.3.0', fixed: '0.22.0' },
    severity: 'critical',
    cwe: ['CWE-288', 'CWE-444'],
    cvss: 9.1,
    summary:
      'The auth middleware read the path from a URL built with the Host header, so `Host: x/health?` makes ' +
      'a guarded /v1 request look like a public path and skips the key check.',
    reference: nvd('CVE-2026-48746'),
    confirmedBy: ['auth.host-header'],
  },
  {
    id: 'CVE-2024-37032',
    product: 'ollama',
    affected: { fixed: '0.1.34' },
    severity: 'high',
    cwe: ['CWE-22'],
    cvss: 8.8,
    summary:
      'The model digest of /api/pull was not validated, so a malicious registry manifest can write files ' +
      'outside the model directory (path traversal leading to code execution, "Probllama").',
    reference: nvd('CVE-2024-37032'),
  },
  {
    id: 'CVE-2024-45436',
    product: 'ollama',
    affected: { fixed: '0.1.47' },
    severity: 'high',
    cwe: ['CWE-22'],
    cvss: 7.5,
    summary: 'Model creation extracted ZIP archive members outside the target directory (zip slip), letting a caller write arbitrary files.',
    reference: nvd('CVE-2024-45436'),
  },
  {
    id: 'CVE-2025-51471',
    product: 'ollama',
    affected: { fixed: '0.14.3' },
    severity: 'medium',
    cwe: ['CWE-200'],
    cvss: 6.9,
    summary:
      'The registry client sent its authentication token to whatever realm a WWW-Authenticate header named, ' +
      'so a malicious registry can steal the token during a pull.',
    reference: nvd('CVE-2025-51471'),
  },
  {
    id: 'CVE-2026-7482',
    product: 'ollama',
    affected: { fixed: '0.17.1' },
    severity: 'critical',
    cwe: ['CWE-125'],
    cvss: 9.1,
    summary:
      'A crafted GGUF file sent through /api/create makes the loader read past its heap buffer ("Bleeding ' +
      'Llama"): process memory with keys, prompts and conversations can be exfiltrated.',
    reference: nvd('CVE-2026-7482'),
  },
  {
    id: 'CVE-2026-42208',
    product: 'litellm',
    affected: { fixed: '1.83.7' },
    severity: 'critical',
    cwe: ['CWE-89'],
    cvss: 9.8,
    summary: 'The Bearer token reached a SQL query unescaped before authentication: SQL injection against the proxy database without a key.',
    reference: nvd('CVE-2026-42208'),
  },
  {
    id: 'CVE-2026-49468',
    product: 'litellm',
    affected: { fixed: '1.84.0' },
    severity: 'critical',
    cwe: ['CWE-288', 'CWE-444'],
    cvss: 9.1,
    summary: 'A Host header carrying a public path made the proxy treat a guarded route as public and skip authentication.',
    reference: nvd('CVE-2026-49468'),
    confirmedBy: ['auth.host-header'],
  },
];

export function advisoriesFor(product: string): Advisory[] {
  return ADVISORIES.filter((a) => a.product === product);
}
