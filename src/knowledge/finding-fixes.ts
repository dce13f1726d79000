// A finding's fixes as the HTML report carries them: every framework a fix exists for, the finding's own stack first,
// each filled from the finding as suggest_remediation fills it (its URL, credential header, port and product).

import { contextFromFinding } from './context.js';
import { FRAMEWORK_INFO } from './framework-info.js';
import { applicableFrameworks, defaultFrameworkFor, isRuleId, remediationFor } from './remediation.js';
import { chooseFramework } from './stack-fix.js';
import type { FindingLike, Framework } from './types.js';

export interface FindingFix {
  framework: string;
  frameworkName: string;
  title: string;
  summary: string;
  language: string;
  file: string;
  code: string;
  apply: string[];
  verify: string[];
  notes: string[];
}

/**
 * The frameworks a fix exists for this finding: first the one its fingerprint names when it is sure enough (as
 * suggest_remediation chooses, stack-fix.ts), else the candidates best first, else the usual choice; then the others.
 */
export function fixFrameworksFor(finding: FindingLike): { framework: Framework; name: string }[] {
  if (!isRuleId(finding.rule)) return [];
  const choice = finding.server
    ? chooseFramework(finding.rule, { product: finding.server.product ?? null, confidence: finding.server.confidence ?? null })
    : null;
  const first = choice ? (choice.framework ? [choice.framework] : choice.candidates.map((c) => c.framework)) : [defaultFrameworkFor(finding.rule, finding)];
  return [...new Set([...first, ...applicableFrameworks(finding.rule)])].map((f) => ({ framework: f, name: FRAMEWORK_INFO[f].name }));
}

export function fixForFinding(finding: FindingLike, framework: string): FindingFix {
  const snippet = remediationFor(finding.rule, framework, contextFromFinding(finding, { framework: framework as Framework }));
  return {
    framework: snippet.framework,
    frameworkName: FRAMEWORK_INFO[snippet.framework].name,
    title: snippet.title,
    summary: snippet.summary,
    language: snippet.language,
    file: snippet.file,
    code: snippet.code,
    apply: snippet.apply,
    verify: snippet.verify,
    notes: snippet.notes,
  };
}

/** Both, as the HTML report asks for them (its HtmlFixProvider). */
export const knowledgeFixes = { frameworksFor: fixFrameworksFor, fix: fixForFinding };
