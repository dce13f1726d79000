// The knowledge base: per rule, an explanation and remediation snippets per framework. Pure: no I/O, no clock, no
// randomness. Used by explain_finding, suggest_remediation, the Markdown report and SARIF help (ruleHelp).

export {
  type ContextOptions,
  canonicalHeaderName,
  contextFromFinding,
  credentialHeaderFromFinding,
  defaultContext,
  safeVersionFor,
} from './context.js';
export { explainRule, referencesFor } from './explain.js';
export { type FindingFix, fixForFinding, fixFrameworksFor, knowledgeFixes } from './finding-fixes.js';
export { FRAMEWORK_INFO, type FrameworkInfo, isFramework } from './framework-info.js';
export { frameworkForFinding, PRODUCT_FACTS, productFacts } from './frameworks.js';
export {
  coverageTableMarkdown,
  renderExplanationMarkdown,
  renderExplanationText,
  renderRemediationMarkdown,
  renderRemediationText,
  ruleHelp,
} from './markdown.js';
export {
  applicableFrameworks,
  defaultContextForRule,
  defaultFrameworkFor,
  frameworkKind,
  isApplicable,
  isRuleId,
  NotApplicableError,
  type RemediationOptions,
  remediationFor,
  remediationForRules,
  typicalFindingRoute,
  UnknownRuleError,
} from './remediation.js';
export {
  chooseFramework,
  FIX_MIN_CONFIDENCE,
  type FixCommand,
  type FrameworkChoice,
  type ServerIdentity,
  stackFixFor,
  suggestRemediationCommand,
  withStackFixes,
} from './stack-fix.js';
export type { AppFeature, ModelCall } from './templates/features.js';
export { nginxTestMainConfig } from './templates/nginx.js';
export { renderTutorialWrapperApp, type TutorialWrapperAppOptions, type TutorialWrapperFramework, tutorialWrapperContext } from './tutorial-wrapper.js';
export type {
  AppFramework,
  Explanation,
  FindingLike,
  Framework,
  Link,
  ManualCheck,
  ProxyFramework,
  Reference,
  References,
  RemediationContext,
  RemediationSnippet,
  ServerFramework,
  SnippetLanguage,
} from './types.js';
export { FRAMEWORKS } from './types.js';
