// The shape of one rule's knowledge: the explanation as data, and which features close it on which framework.
import type { RuleId } from '../engine/types.js';
import type { sq } from './context.js';
import type { check, curl, keyHeaderArg } from './curl.js';
import type { COMMON_LINKS } from './references.js';
import type * as common from './rules/common.js';
import type { AppFeature } from './templates/features.js';
import type { ProxyFeature, RouteFamily } from './templates/proxy.js';
import type { ServerAspect } from './templates/servers.js';
import type { AppFramework, Link, ManualCheck, ProxyFramework, RemediationContext, ServerFramework } from './types.js';

export interface ServerFix {
  aspects: ServerAspect[];
  /** The server cannot close the hole alone: the fix is a proxy in front plus these flags. */
  needsProxy?: boolean;
  /** What this server's script does about the rule (one or two sentences, said plainly). */
  focus: string;
  notes?: string[];
}

/** The helpers a rule's manual checks are written with, handed in by the knowledge base (src/knowledge/rules/kit.ts). */
export interface ManualCheckKit {
  curl: typeof curl;
  check: typeof check;
  sq: typeof sq;
  keyHeaderArg: typeof keyHeaderArg;
  refusedWithoutKey: typeof common.refusedWithoutKey;
  emptyHeader: typeof common.emptyHeader;
  placeholderHeader: typeof common.placeholderHeader;
  hugeLimitBody: typeof common.hugeLimitBody;
  bodyWithPrompt: typeof common.bodyWithPrompt;
  b64url: typeof common.b64url;
  /** The exposed route fetched without credentials, and what a fixed server answers. */
  openRouteCheck(ctx: RemediationContext, expect: string): ManualCheck[];
  /** A grep for the chat-template markers Gatecrash looks for in output. */
  MARKER_GREP: string;
}

/** The helpers a rule's fix is written with, handed in by the knowledge base. */
export interface FixKit {
  ALL_APPS: AppFramework[];
  keyedStart: typeof common.keyedStart;
  withAspects: typeof common.withAspects;
  ollamaBehindProxy: typeof common.ollamaBehindProxy;
  /** The sentence every auth fix ends with for servers that keep routes open even with a key. */
  NOT_LOOPBACK_NOTE: string;
}

/** A link of the knowledge base's common list (by name), or any other. */
export type LinkRef = keyof typeof COMMON_LINKS | Link;

/** The fix as a rule family writes it: framework-independent detail after the catalog's remediation line, and per-framework parts. */
export type FixParts = Omit<RuleKnowledge['fix'], 'summary'> & {
  /** The sentences that follow the catalog's remediation line in the fix's one-paragraph form. */
  detail: string;
};

/**
 * A rule's long form as its family module (src/engine/rules/<family>/index.ts) writes it. Sentences the catalog already
 * holds are not repeated: the knowledge base opens `what` with the catalog's summary and the fix with its remediation line.
 */
export interface RuleExplanation {
  /** The sentences that follow the catalog's summary: what the weakness is, concretely. */
  what: string;
  why: string;
  howProved: string[];
  falsePositives: string[];
  manualChecks(ctx: RemediationContext, kit: ManualCheckKit): ManualCheck[];
  relatedCwe?: string[];
  links?: LinkRef[];
  fix(kit: FixKit): FixParts;
}

export interface RuleKnowledge {
  rule: RuleId;
  /** What the weakness is, in two or three sentences (the catalog's summary first). */
  what: string;
  /** Why it matters: what an attacker gains, what it costs. */
  why: string;
  /** How Gatecrash proves it: what the rule's check does, in words. */
  howProved: string[];
  /** When a finding may be wrong, or right for a reason worth knowing. */
  falsePositives: string[];
  /** Checks a person can run by hand, filled from the context. */
  manualChecks(ctx: RemediationContext): ManualCheck[];
  /** CWE entries related beyond the catalog's mapping (e.g. per-advisory weaknesses). */
  relatedCwe?: string[];
  links?: Link[];
  fix: {
    /** The fix in one paragraph, framework-independent (the catalog's remediation line first). */
    summary: string;
    app?: { frameworks: AppFramework[]; features: AppFeature[]; focus: string; notes?: string[] };
    wrapper?: { features: AppFeature[]; focus: string; notes?: string[] };
    proxy?: {
      frameworks: ProxyFramework[];
      features: ProxyFeature[];
      /** Route families refused outright, and whether the finding's own path is refused too. */
      deny: RouteFamily[];
      denyFindingPath: boolean;
      focus: string;
      notes?: string[];
    };
    servers?: Partial<Record<ServerFramework, ServerFix>>;
  };
}
