// What the view can do beyond showing the report, whoever does it: inside an assistant the tools do (through the host),
// in a standalone file the fixes come from the file and nothing can be verified.
import type { Finding, ScanReport } from '../engine/types.js';
import type { ViewFix, ViewVerifyResult } from '../report/view-payload.js';

export interface FixChoice {
  framework: string;
  name: string;
}

export interface FixAnswer {
  fix: ViewFix;
  /** Every framework a fix exists for this finding, the finding's own stack first. */
  choices: FixChoice[];
}

export interface ViewActions {
  /** The fix for a finding on a framework (the finding's own stack when none is named). Rejects with a sentence. */
  fix(finding: Finding, framework?: string): Promise<FixAnswer>;
  /** Re-checks findings (all when null) where the fixed service answers now. Absent when nothing can re-check. */
  verify?: (report: ScanReport, findingIds: string[] | null, url: string) => Promise<ViewVerifyResult>;
  /** Said where the verify controls would be when there are none. */
  verifyHint?: string;
}
