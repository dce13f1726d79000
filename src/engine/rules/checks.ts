// Every rule family's check, in the order the scan starts them (a probe two checks share is sent by the first that asks).

import authAdminExposed from './auth-admin-exposed/check.js';
import authAlternatePath from './auth-alternate-path/check.js';
import authBruteForce from './auth-brute-force/check.js';
import authCredentialsIgnored from './auth-credentials-ignored/check.js';
import authHeaderBypass from './auth-header-bypass/check.js';
import authHostHeader from './auth-host-header/check.js';
import authJwt from './auth-jwt/check.js';
import authMethodOverride from './auth-method-override/check.js';
import authMissing from './auth-missing/check.js';
import authPathConfusion from './auth-path-confusion/check.js';
import authWeakKey from './auth-weak-key/check.js';
import corsPermissive from './cors-permissive/check.js';
import costRateLimit from './cost-rate-limit/check.js';
import costUnbounded from './cost-unbounded/check.js';
import type { Check } from './define.js';
import exposureApiDocs from './exposure-api-docs/check.js';
import exposureDebugMode from './exposure-debug-mode/check.js';
import exposureMetrics from './exposure-metrics/check.js';
import exposureModelInventory from './exposure-model-inventory/check.js';
import exposurePromptData from './exposure-prompt-data/check.js';
import exposureVerboseErrors from './exposure-verbose-errors/check.js';
import knownAdvisory from './known-advisory/check.js';
import llmSystemPrompt from './llm-system-prompt/check.js';
import llmTemplateInjection from './llm-template-injection/check.js';
import llmTemplateLeak from './llm-template-leak/check.js';
import transportCleartext from './transport-cleartext/check.js';

export const ALL_CHECKS: readonly Check[] = [
  authMissing,
  authHeaderBypass,
  authBruteForce,
  authWeakKey,
  authJwt,
  authCredentialsIgnored,
  authAdminExposed,
  authAlternatePath,
  authHostHeader,
  authPathConfusion,
  authMethodOverride,
  transportCleartext,
  corsPermissive,
  exposurePromptData,
  exposureModelInventory,
  exposureMetrics,
  exposureApiDocs,
  exposureVerboseErrors,
  exposureDebugMode,
  knownAdvisory,
  llmTemplateLeak,
  llmTemplateInjection,
  llmSystemPrompt,
  costUnbounded,
  costRateLimit,
];
