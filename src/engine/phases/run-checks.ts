// The checks phase: every check whose depth is enabled, concurrently over the same surface, through the same budgeted
// client; a check that depends on another (`after`) waits for it.

import { buildFinding, redactFinding } from '../findings.js';
import type { ScanClient } from '../http/client.js';
import { ALL_CHECKS } from '../rules/checks.js';
import type { Check, CheckContext } from '../rules/define.js';
import { DEPTH_ORDER } from '../rules/define.js';
import type { Finding, ScanError, ScanOptions, Surface, Target } from '../types.js';
import type { RuleMarks } from './rule-marks.js';

export async function runChecks(
  surface: Surface,
  target: Target,
  options: ScanOptions,
  client: ScanClient,
  signal: AbortSignal,
  marks: RuleMarks,
  errors: ScanError[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const runnable = ALL_CHECKS.filter((c) => DEPTH_ORDER[c.depth] <= DEPTH_ORDER[options.depth] && c.rules.some((r) => !marks.skipped.has(r)));
  const done = new Map<string, Promise<void>>();
  const runOne = async (check: Check): Promise<void> => {
    for (const dep of check.after ?? []) await done.get(dep)?.catch(() => undefined);
    let cutShort: string | null = null;
    const ctx: CheckContext = {
      target,
      surface,
      options,
      signal,
      send: async (probe) => {
        const ex = await client.send(probe);
        if (ex.failure === 'budget' || ex.failure === 'stopped' || ex.failure === 'cut') cutShort = ex.error ?? 'the scan was cut short';
        return ex;
      },
      // Evidence is redacted as it is recorded; the prose a check writes around it is redacted here, so no wording can leak.
      finding: (fi) => redactFinding(buildFinding(fi, surface, options.evidenceCapBytes), client.redactor),
      mark: (rule, status, reason, defersTo) => marks.statuses.set(rule, { status, reason: client.redactor.redact(reason), ...(defersTo ? { defersTo } : {}) }),
      get settled() {
        return findings;
      },
    };
    try {
      const own = await check.run(ctx);
      findings.push(...own.filter((f) => !marks.skipped.has(f.rule)));
      // A rule whose requests were cut short decided nothing, whatever it marked: say so, with what stopped it.
      if (cutShort)
        for (const r of check.rules) if (!own.some((f) => f.rule === r)) marks.statuses.set(r, { status: 'skipped', reason: `cut short: ${cutShort}` });
    } catch (e) {
      const message = client.redactor.redact((e as Error).message);
      errors.push({ phase: `check:${check.id}`, message });
      for (const r of check.rules) marks.statuses.set(r, { status: 'error', reason: message });
    }
  };
  for (const check of runnable) done.set(check.id, runOne(check));
  await Promise.all(done.values());
  return findings;
}
