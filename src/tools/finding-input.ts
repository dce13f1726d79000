// The finding explain_finding and suggest_remediation are asked about: by id, from a scan of this session or of the local
// scan store (what an assistant passes: a few bytes), or as the object from a saved JSON report. The object form is
// declared loosely (a full Finding schema in every tools/list costs the model kilobytes of context) and checked here.
import * as z from 'zod/v4';
import { FindingInputSchema } from '../knowledge/schemas.js';
import type { FindingLike } from '../knowledge/types.js';
import { findingById } from '../scan-runner.js';

export const findingInputs = {
  findingId: z.string().min(1).max(100).optional().describe('A finding id from scan_endpoint (this session or the local scan store)'),
  finding: z.looseObject({}).optional().describe('Instead of findingId: a finding object from a saved JSON report'),
};

/** The finding the arguments name (undefined when they name none), or a sentence saying what is wrong. */
export async function resolveFinding(args: {
  findingId?: string | undefined;
  finding?: Record<string, unknown> | undefined;
}): Promise<{ finding: FindingLike | undefined } | { error: string }> {
  if (args.findingId !== undefined && args.finding !== undefined) return { error: 'Pass findingId or finding, not both.' };
  if (args.finding !== undefined) {
    const parsed = FindingInputSchema.safeParse(args.finding);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return {
        error:
          `The finding object is not a Gatecrash finding (${issue?.path.join('.') || 'finding'}: ` +
          `${issue?.message}). Pass findingId, or a finding from a saved JSON report.`,
      };
    }
    return { finding: parsed.data as FindingLike };
  }
  if (args.findingId === undefined) return { finding: undefined };
  const found = findingById(args.findingId);
  if (!found) {
    return {
      error:
        `No finding ${args.findingId.slice(0, 100)} in this session's scans or the local scan store. Scan ` +
        `again, or pass the finding object from a saved JSON report.`,
    };
  }
  return { finding: found.finding };
}
