// The rule registry: every public rule id has one family that holds its catalog entry, its check, its explanation and its
// fix, each sentence once; and what an explanation says the check does is what the check does.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/engine/rules/checks.js';
import { METRIC_FAMILIES } from '../../src/engine/rules/exposure-metrics/index.js';
import { EXPLANATIONS, RULES, RULES_WITHOUT_FAMILY, UNLISTED_RULES } from '../../src/engine/rules/index.js';
import { MAX_SHAPE_ATTEMPTS } from '../../src/engine/surface/inference.js';
import { RULE_IDS } from '../../src/engine/types.js';
import { applicableFrameworks, explainRule, remediationFor } from '../../src/knowledge/index.js';

const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../src/engine/rules');

describe('the rule registry', () => {
  it('every rule id has a family, and every family rule is a public id', () => {
    expect(RULES_WITHOUT_FAMILY).toEqual([]);
    expect(UNLISTED_RULES).toEqual([]);
    expect(Object.keys(RULES)).toEqual([...RULE_IDS]);
  });

  it('every rule id has a check, an explanation and a remediation', () => {
    const checked = ALL_CHECKS.flatMap((c) => c.rules);
    for (const rule of RULE_IDS) {
      expect(
        checked.filter((r) => r === rule),
        `${rule} is decided by exactly one check`,
      ).toHaveLength(1);
      expect(EXPLANATIONS[rule], `${rule} has an explanation`).toBeDefined();
      expect(RULES[rule].remediation.length, `${rule} has a remediation line`).toBeGreaterThan(20);
      const frameworks = applicableFrameworks(rule);
      expect(frameworks.length, `${rule} has a fix for some framework`).toBeGreaterThan(0);
      expect(remediationFor(rule, frameworks[0]!).code.length, `${rule} has a snippet`).toBeGreaterThan(0);
    }
  });

  it('every folder under src/engine/rules is a registered family, named after its check', () => {
    const folders = readdirSync(RULES_DIR)
      .filter((name) => statSync(join(RULES_DIR, name)).isDirectory())
      .sort();
    expect(ALL_CHECKS.map((c) => c.id).sort()).toEqual(folders);
    for (const c of ALL_CHECKS) expect(c.rules.length, c.id).toBeGreaterThan(0);
  });

  it('each sentence exists once: the summary opens the explanation, the remediation line opens the fix', () => {
    for (const rule of RULE_IDS) {
      const meta = RULES[rule];
      const e = explainRule(rule);
      expect(e.summary).toBe(meta.summary);
      expect(e.what.startsWith(`${meta.summary} `), rule).toBe(true);
      expect(e.remediation.startsWith(`${meta.remediation} `), rule).toBe(true);
      // The rest does not say the first sentence again.
      expect(e.what.indexOf(meta.summary, 1), rule).toBe(-1);
      expect(e.remediation.indexOf(meta.remediation, 1), rule).toBe(-1);
    }
  });
});

describe('"how proven" names only what the check does', () => {
  it("auth.missing: the engine's attempt limit and output reading", () => {
    const text = explainRule('auth.missing').howProved.join(' ');
    expect(text).toContain(`at most ${MAX_SHAPE_ATTEMPTS} requests per route`);
    expect(text).not.toMatch(/\bthree\b/);
    expect(text).toMatch(/anywhere in a JSON answer/);
    expect(text).toMatch(/server-sent events or NDJSON/);
    expect(text).toMatch(/text\/plain/);
  });

  it('exposure.metrics: one GET /metrics, any Prometheus text, the families the check recognises', () => {
    const text = explainRule('exposure.metrics').howProved.join(' ');
    expect(text).toContain('One GET /metrics');
    expect(text).not.toMatch(/profile's metrics route/);
    for (const [, name] of METRIC_FAMILIES) expect(text).toContain(name);
  });
});
