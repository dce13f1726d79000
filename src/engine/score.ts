// Score, grade and the grade's cap. The score is a sum of weights; the grade is the letter of the score, capped by the
// worst proven finding (as SSL Labs caps TLS grades), so that a proven way for a stranger to use the model can never be
// outweighed by the rules that passed. README "Scoring" publishes both.
import { exposureKey } from './findings.js';
import type { Confidence, Finding, Grade, Severity } from './types.js';

export const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 40, high: 25, medium: 10, low: 3, info: 0 };
const CONFIDENCE_FACTOR: Record<Confidence, number> = { confirmed: 1, firm: 1, tentative: 0.25 };

/** The best grade a report can have while a proven (confirmed or firm) finding of this severity stands. */
export const GRADE_CAP: Record<Severity, Grade> = { critical: 'F', high: 'D', medium: 'C', low: 'B', info: 'A' };

const LETTERS: Grade[] = ['A', 'B', 'C', 'D', 'F'];

/**
 * The findings the score counts: where one exposure is reported under two rules (findings.ts SAME_EXPOSURE), only the
 * rule whose finding weighs more counts for that endpoint.
 */
function counted(findings: Finding[]): Finding[] {
  const weight = (f: Finding) => SEVERITY_WEIGHT[f.severity] * CONFIDENCE_FACTOR[f.confidence];
  const heaviest = new Map<string, Finding>();
  for (const f of findings) {
    const key = exposureKey(f);
    if (key && (!heaviest.has(key) || weight(f) > weight(heaviest.get(key)!))) heaviest.set(key, f);
  }
  return findings.filter((f) => {
    const key = exposureKey(f);
    return !key || heaviest.get(key)!.rule === f.rule;
  });
}

/** 100 minus, per rule, the heaviest finding's weight plus a fifth of the weight of each further finding; floor 0. */
export function scoreFindings(findings: Finding[]): number {
  const byRule = new Map<string, number[]>();
  for (const f of counted(findings)) {
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

export function gradeFor(score: number): Grade {
  if (score >= 90) return 'A';
  if (score >= 80) return 'B';
  if (score >= 70) return 'C';
  if (score >= 60) return 'D';
  return 'F';
}

/** The worse of two letters. */
function worse(a: Grade, b: Grade): Grade {
  return LETTERS[Math.max(LETTERS.indexOf(a), LETTERS.indexOf(b))]!;
}

/** The grade of a complete scan: the score's letter, capped by the worst proven finding (and what capped it). */
export function gradeOf(findings: Finding[], score: number): { grade: Grade; cappedBy: Finding | null } {
  const proven = findings.filter((f) => f.confidence !== 'tentative');
  const worst = proven.reduce<Finding | null>((w, f) => (!w || LETTERS.indexOf(GRADE_CAP[f.severity]) > LETTERS.indexOf(GRADE_CAP[w.severity]) ? f : w), null);
  const fromScore = gradeFor(score);
  if (!worst) return { grade: fromScore, cappedBy: null };
  const grade = worse(fromScore, GRADE_CAP[worst.severity]);
  return { grade, cappedBy: grade !== fromScore ? worst : null };
}
