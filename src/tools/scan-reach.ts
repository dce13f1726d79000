// What a scan sends, in the words the person reads before approving a host (src/consent/question.ts).
import type { Depth } from '../engine/types.js';

export interface ScanPlan {
  depth: Depth;
  budget: number;
  timeoutMs: number;
  /** Credential header names the call carries (values never shown). */
  headerNames: string[];
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

function credentialLine(names: string[]): string {
  if (names.length === 0) return 'No credential of yours is sent.';
  return (
    `It sends the credential header${names.length === 1 ? '' : 's'} ${names.join(', ')} (values hidden ` +
    `here) with the probes that need ${names.length === 1 ? 'it' : 'them'}.`
  );
}

/** A full scan (scan_endpoint, scan_targets, verify_fix), per target. The engine is loaded here: a scan is next. */
export async function scanActions(plan: ScanPlan): Promise<string[]> {
  const { burstCeiling } = await import('../engine/scan.js');
  const wrongKeys = Math.min(burstCeiling(plan.depth), plan.budget);
  return [
    `At most ${plan.budget} requests within ${seconds(plan.timeoutMs)} per target (${plan.depth} depth): ` +
      `GETs on the server's usual paths, prompt-less requests, and inference requests asking for one token ` +
      `with a benign prompt.`,
    ...(wrongKeys > 0
      ? [
          `A burst of up to ${wrongKeys} wrong API keys sent one after another (it stops at the first sign of ` +
            `throttling), and single wrong keys in other credential headers.`,
        ]
      : []),
    'Management routes are never called with a body that could act: nothing on the server is changed.',
    credentialLine(plan.headerNames),
  ];
}

/** The cheap phase only (fingerprint_endpoint). */
export function fingerprintActions(budget: number, timeoutMs: number, headerNames: string[]): string[] {
  return [`At most ${budget} GETs and prompt-less requests within ${seconds(timeoutMs)}; no inference request, no wrong key.`, credentialLine(headerNames)];
}
