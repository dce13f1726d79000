// The shape of one rule's knowledge: the explanation as data, and which features close it on which framework.
import type { RuleId } from '../engine/types.js';
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

export interface RuleKnowledge {
  rule: RuleId;
  /** What the weakness is, in two or three sentences. */
  what: string;
  /** Why it matters: what an attacker gains, what it costs. */
  why: string;
  /** How Gatecrash proves it (the check's method, in words). */
  howProved: string[];
  /** When a finding may be wrong, or right for a reason worth knowing. */
  falsePositives: string[];
  /** Checks a person can run by hand, filled from the context. */
  manualChecks(ctx: RemediationContext): ManualCheck[];
  /** CWE entries related beyond the catalog's mapping (e.g. per-advisory weaknesses). */
  relatedCwe?: string[];
  links?: Link[];
  fix: {
    /** The fix in one paragraph, framework-independent. */
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
