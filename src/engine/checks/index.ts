// Every rule family the scan runs. Adding a family is adding its file and one line here.
import type { Check } from './define.js';
import authMissing from './auth-missing.js';
import authHeaderBypass from './auth-header-bypass.js';
import authBruteForce from './auth-brute-force.js';
import authWeakKey from './auth-weak-key.js';
import authJwt from './auth-jwt.js';
import authCredentialsIgnored from './auth-credentials-ignored.js';
import authAdminExposed from './auth-admin-exposed.js';
import authAlternatePath from './auth-alternate-path.js';
import authHostHeader from './auth-host-header.js';
import authPathConfusion from './auth-path-confusion.js';
import authMethodOverride from './auth-method-override.js';
import transportCleartext from './transport-cleartext.js';
import corsPermissive from './cors-permissive.js';
import exposurePromptData from './exposure-prompt-data.js';
import exposureModelInventory from './exposure-model-inventory.js';
import exposureMetrics from './exposure-metrics.js';
import exposureApiDocs from './exposure-api-docs.js';
import exposureVerboseErrors from './exposure-verbose-errors.js';
import knownAdvisory from './known-advisory.js';
import llmTemplateLeak from './llm-template-leak.js';
import llmTemplateInjection from './llm-template-injection.js';
import llmSystemPrompt from './llm-system-prompt.js';
import costUnbounded from './cost-unbounded.js';
import costRateLimit from './cost-rate-limit.js';

export const ALL_CHECKS: Check[] = [authMissing, authHeaderBypass, authBruteForce, authWeakKey, authJwt, authCredentialsIgnored, authAdminExposed, authAlternatePath, authHostHeader, authPathConfusion, authMethodOverride, transportCleartext, corsPermissive, exposurePromptData, exposureModelInventory, exposureMetrics, exposureApiDocs, exposureVerboseErrors, knownAdvisory, llmTemplateLeak, llmTemplateInjection, llmSystemPrompt, costUnbounded, costRateLimit];
