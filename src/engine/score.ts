// Score and grade, exactly as CHECKS.md "Scoring" publishes them (the README repeats the formula).
import type { Confidence, Finding, ScanReport, Severity } from './types.js';

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 40, high: 25, medium: 10, low: 3, info: 0 };
const CONFIDENCE_FACTOR: Record<Confidence, number> = { confirmed: 1, firm: 1, tentative: 0.25 };

/** 100 minus, per rule, the heaviest finding's weight plus a fifth of the weight of each further finding; floor 0. */
export function scoreFindings(findings: Finding[]): number {
  const byRule = new Map<string, number[]>();
  for (const f of findings) {
    const w = SEVERITY_WEIGHT[f.severity] * CONFIDENCE_FACTOR[f.confidence];
    byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), w]);
  }
  let score = 100;
  for (const weights of byRule.values()) {
    const [first = 0, ...rest] = weights.sort((a, b) => b - a);
    score -= first + rest.reduce((sum, w) => sum + w / 5, 0);
  }
  return Math.max(0, Math.round(score));
}

export function gradeFor(score: number): ScanReport['grade'] {
  if (score >= 90) return 'A';
  if (score >= 80) return 'B';
  if (score >= 70) return 'C';
  if (score >= 60) return 'D';
  return 'F';
}
