// The helpers the rule families write their manual checks and fixes with. The engine's rule modules never import the
// knowledge base; they receive these as arguments (src/engine/rules/define.ts says why).

import { sq } from '../context.js';
import { check, curl, keyHeaderArg } from '../curl.js';
import type { FixKit, ManualCheckKit } from '../model.js';
import {
  ALL_APPS,
  b64url,
  bodyWithPrompt,
  emptyHeader,
  hugeLimitBody,
  keyedStart,
  ollamaBehindProxy,
  placeholderHeader,
  refusedWithoutKey,
  withAspects,
} from './common.js';

export const MANUAL_CHECK_KIT: ManualCheckKit = {
  curl,
  check,
  sq,
  keyHeaderArg,
  refusedWithoutKey,
  emptyHeader,
  placeholderHeader,
  hugeLimitBody,
  bodyWithPrompt,
  b64url,
  openRouteCheck: (ctx, expect) => [check('The exposed route, without credentials', curl(ctx, { method: 'GET', body: null }), expect)],
  MARKER_GREP: String.raw`grep -E '\[/?INST\]|\[/?SYSTEM_PROMPT\]|\[TOOL_CALLS\]|\[/?AVAILABLE_TOOLS\]|\[/?TOOL_RESULTS\]|</s>|<s>'`,
};

export const FIX_KIT: FixKit = {
  ALL_APPS,
  keyedStart,
  withAspects,
  ollamaBehindProxy,
  NOT_LOOPBACK_NOTE: 'Where the server keeps routes open even with a key, bind it to 127.0.0.1 and put the proxy in front.',
};
