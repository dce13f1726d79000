// Every rule family the scan runs. Adding a family is adding its file and one line here.
import type { Check } from './define.js';
import authMissing from './auth-missing.js';
import authHeaderBypass from './auth-header-bypass.js';

export const ALL_CHECKS: Check[] = [authMissing, authHeaderBypass];
