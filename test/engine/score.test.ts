import { describe, expect, it } from 'vitest';
import { gradeFor, scoreFindings } from '../../src/engine/score.js';
import type { Finding } from '../../src/engine/types.js';

const f = (rule: string, severity: Finding['severity'], confidence: Finding['confidence'] = 'confirmed') =>
  ({ rule, severity, confidence, endpoint: { method: 'POST', url: 'http://127.0.0.1:8000/generate' } }) as Finding;

describe('score (README "Scoring")', () => {
  it('subtracts each rule once, further findings a fifth, tentative a quarter', () => {
    expect(scoreFindings([])).toBe(100);
    expect(scoreFindings([f('auth.missing', 'high')])).toBe(75);
    expect(scoreFindings([f('auth.missing', 'high'), f('auth.missing', 'high')])).toBe(70);
    expect(scoreFindings([f('vuln.known-advisory', 'critical', 'tentative')])).toBe(90);
    expect(scoreFindings([f('a', 'critical'), f('b', 'critical'), f('c', 'critical')])).toBe(0);
  });
  it('grades', () => {
    expect([95, 85, 75, 65, 10].map(gradeFor)).toEqual(['A', 'B', 'C', 'D', 'F']);
  });
});
