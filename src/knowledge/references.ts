// Names and links of the catalogs Gatecrash maps to: CWE, OWASP API Security Top 10 2023, OWASP Top 10 for LLM
// Applications 2025, PCI DSS 4.0. Names are the catalogs' own.
import type { Link, Reference } from './types.js';

export const CWE_NAMES: Record<string, string> = {
  'CWE-22': "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
  'CWE-77': "Improper Neutralization of Special Elements used in a Command ('Command Injection')",
  'CWE-89': "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
  'CWE-178': 'Improper Handling of Case Sensitivity',
  'CWE-200': 'Exposure of Sensitive Information to an Unauthorized Actor',
  'CWE-208': 'Observable Timing Discrepancy',
  'CWE-209': 'Generation of Error Message Containing Sensitive Information',
  'CWE-215': 'Insertion of Sensitive Information Into Debugging Code',
  'CWE-287': 'Improper Authentication',
  'CWE-288': 'Authentication Bypass Using an Alternate Path or Channel',
  'CWE-306': 'Missing Authentication for Critical Function',
  'CWE-307': 'Improper Restriction of Excessive Authentication Attempts',
  'CWE-319': 'Cleartext Transmission of Sensitive Information',
  'CWE-347': 'Improper Verification of Cryptographic Signature',
  'CWE-359': 'Exposure of Private Personal Information to an Unauthorized Actor',
  'CWE-444': "Inconsistent Interpretation of HTTP Requests ('HTTP Request/Response Smuggling')",
  'CWE-489': 'Active Debug Code',
  'CWE-598': 'Use of GET Request Method With Sensitive Query Strings',
  'CWE-613': 'Insufficient Session Expiration',
  'CWE-650': 'Trusting HTTP Permission Methods on the Server Side',
  'CWE-770': 'Allocation of Resources Without Limits or Throttling',
  'CWE-799': 'Improper Control of Interaction Frequency',
  'CWE-862': 'Missing Authorization',
  'CWE-942': 'Permissive Cross-domain Policy with Untrusted Domains',
  'CWE-1059': 'Insufficient Technical Documentation',
  'CWE-1188': 'Initialization of a Resource with an Insecure Default',
  'CWE-1390': 'Weak Authentication',
  'CWE-1395': 'Dependency on Vulnerable Third-Party Component',
  'CWE-1427': 'Improper Neutralization of Input Used for LLM Prompting',
};

const OWASP_API_2023: Record<string, { name: string; slug: string }> = {
  'API1:2023': { name: 'Broken Object Level Authorization', slug: '0xa1-broken-object-level-authorization' },
  'API2:2023': { name: 'Broken Authentication', slug: '0xa2-broken-authentication' },
  'API3:2023': { name: 'Broken Object Property Level Authorization', slug: '0xa3-broken-object-property-level-authorization' },
  'API4:2023': { name: 'Unrestricted Resource Consumption', slug: '0xa4-unrestricted-resource-consumption' },
  'API5:2023': { name: 'Broken Function Level Authorization', slug: '0xa5-broken-function-level-authorization' },
  'API6:2023': { name: 'Unrestricted Access to Sensitive Business Flows', slug: '0xa6-unrestricted-access-to-sensitive-business-flows' },
  'API7:2023': { name: 'Server Side Request Forgery', slug: '0xa7-server-side-request-forgery' },
  'API8:2023': { name: 'Security Misconfiguration', slug: '0xa8-security-misconfiguration' },
  'API9:2023': { name: 'Improper Inventory Management', slug: '0xa9-improper-inventory-management' },
  'API10:2023': { name: 'Unsafe Consumption of APIs', slug: '0xaa-unsafe-consumption-of-apis' },
};

const OWASP_LLM_2025: Record<string, { name: string; url: string }> = {
  'LLM01:2025': { name: 'Prompt Injection', url: 'https://genai.owasp.org/llmrisk/llm01-prompt-injection/' },
  'LLM02:2025': { name: 'Sensitive Information Disclosure', url: 'https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/' },
  'LLM07:2025': { name: 'System Prompt Leakage', url: 'https://genai.owasp.org/llmrisk/llm072025-system-prompt-leakage/' },
  'LLM10:2025': { name: 'Unbounded Consumption', url: 'https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/' },
};

const PCI_DSS_4: Record<string, string> = {
  '2.2': 'System components are configured and managed securely',
  '3.x': 'Protect stored account data (all of requirement 3)',
  '4.2.1': 'Strong cryptography and security protocols safeguard PAN during transmission over open, public networks',
  '6.2.4': 'Software engineering techniques prevent or mitigate common software attacks and related vulnerabilities',
  '6.3.3': 'System components are protected from known vulnerabilities by installing applicable security patches and updates',
  '7.2': 'Access to system components and data is appropriately defined and assigned',
  '8.2': 'User identification and related accounts for users and administrators are strictly managed',
  '8.3': 'Strong authentication for users and administrators is established and managed',
  '8.3.4': 'Invalid authentication attempts are limited: lock-out after not more than 10 attempts, for at least 30 minutes',
};

const PCI_LIBRARY = 'https://www.pcisecuritystandards.org/document_library/';

export function cweReference(id: string): Reference {
  const m = /^CWE-(\d+)$/i.exec(id.trim());
  const norm = m ? `CWE-${m[1]}` : id;
  return {
    id: norm,
    name: CWE_NAMES[norm] ?? norm,
    url: m ? `https://cwe.mitre.org/data/definitions/${m[1]}.html` : null,
  };
}

export function owaspApiReference(id: string): Reference {
  const entry = OWASP_API_2023[id];
  return {
    id,
    name: entry?.name ?? id,
    url: entry ? `https://owasp.org/API-Security/editions/2023/en/${entry.slug}/` : 'https://owasp.org/API-Security/editions/2023/en/0x11-t10/',
  };
}

export function owaspLlmReference(id: string): Reference {
  const entry = OWASP_LLM_2025[id];
  return { id, name: entry?.name ?? id, url: entry?.url ?? 'https://genai.owasp.org/llm-top-10/' };
}

export function pciReference(id: string): Reference {
  return { id: `PCI DSS ${id}`, name: PCI_DSS_4[id] ?? `Requirement ${id}`, url: PCI_LIBRARY };
}

export const COMMON_LINKS = {
  owaspApiTop10: { title: 'OWASP API Security Top 10 (2023)', url: 'https://owasp.org/API-Security/editions/2023/en/0x11-t10/' },
  owaspLlmTop10: { title: 'OWASP Top 10 for LLM Applications (2025)', url: 'https://genai.owasp.org/llm-top-10/' },
  authCheatSheet: { title: 'OWASP Authentication Cheat Sheet', url: 'https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html' },
  restCheatSheet: { title: 'OWASP REST Security Cheat Sheet', url: 'https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html' },
  errorCheatSheet: { title: 'OWASP Error Handling Cheat Sheet', url: 'https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html' },
  jwtCheatSheet: { title: 'OWASP JSON Web Token Cheat Sheet', url: 'https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html' },
  tlsCheatSheet: {
    title: 'OWASP Transport Layer Security Cheat Sheet',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html',
  },
  corsTesting: {
    title: 'OWASP WSTG: Testing Cross Origin Resource Sharing',
    url: 'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/11-Client-side_Testing/07-Testing_Cross_Origin_Resource_Sharing',
  },
  promptInjectionCheatSheet: {
    title: 'OWASP LLM Prompt Injection Prevention Cheat Sheet',
    url: 'https://cheatsheetseries.owasp.org/cheatsheets/LLM_Prompt_Injection_Prevention_Cheat_Sheet.html',
  },
} satisfies Record<string, Link>;
