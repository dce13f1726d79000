// The knowledge base: per rule, an explanation and remediation snippets per framework. Pure: no I/O, no clock, no
// randomness. Used by explain_finding, suggest_remediation, the Markdown report and SARIF help (ruleHelp).
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
export {
  FRAMEWORK_INFO,
  PRODUCT_FACTS,
  frameworkForFinding,
  isFramework,
  productFacts,
  type FrameworkInfo,
} from './frameworks.js';
export {
  canonicalHeaderName,
  contextFromFinding,
  credentialHeaderFromFinding,
  defaultContext,
  safeVersionFor,
  type ContextOptions,
} from './context.js';
export { explainRule, referencesFor } from './explain.js';
export { fixForFinding, fixFrameworksFor, knowledgeFixes, type FindingFix } from './finding-fixes.js';
export {
  NotApplicableError,
  UnknownRuleError,
  applicableFrameworks,
  defaultContextForRule,
  defaultFrameworkFor,
  frameworkKind,
  isApplicable,
  isRuleId,
  remediationFor,
  remediationForRules,
  typicalFindingRoute,
  type RemediationOptions,
} from './remediation.js';
export {
  coverageTableMarkdown,
  renderExplanationMarkdown,
  renderExplanationText,
  renderRemediationMarkdown,
  renderRemediationText,
  ruleHelp,
} from './markdown.js';
export { renderTutorialWrapperApp, tutorialWrapperContext, type TutorialWrapperAppOptions, type TutorialWrapperFramework } from './tutorial-wrapper.js';
export {
  FIX_MIN_CONFIDENCE,
  chooseFramework,
  stackFixFor,
  suggestRemediationCommand,
  withStackFixes,
  type FixCommand,
  type FrameworkChoice,
  type ServerIdentity,
} from './stack-fix.js';
export { nginxTestMainConfig } from './templates/nginx.js';
export type { AppFeature, ModelCall } from './templates/features.js';
