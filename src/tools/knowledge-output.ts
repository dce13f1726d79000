// What explain_finding and suggest_remediation return, declared compactly: every tools/list carries these schemas, so
// they name the fields an assistant uses; the results carry more (the full shapes are ExplanationSchema and
// RemediationSchema in src/knowledge/schemas.ts), which the advertised schema leaves open (wire-schema.ts).
import * as z from 'zod/v4';

const strings = z.array(z.string());

export const ExplanationOutputSchema = z.object({
  rule: z.string(),
  title: z.string(),
  summary: z.string(),
  manualChecks: z.array(z.object({ command: z.string(), expect: z.string() })),
  applicableFrameworks: strings,
  /** null when the finding's fingerprint was too unsure to choose: suggest_remediation then needs a framework. */
  recommendedFramework: z.string().nullable(),
  markdown: z.string(),
});

export const RemediationOutputSchema = z.object({
  rule: z.string(),
  framework: z.string(),
  file: z.string(),
  code: z.string(),
  apply: strings,
  verify: strings,
  markdown: z.string(),
});
