// A scan its caller cancels is partial, never "unreached" and never graded: whether the cancel lands before the target's
// first answer or half-way through the checks.
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import { OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import { sendJson, startTarget } from '../targets/harness.js';

describe('a cancelled scan', () => {
  it('cancelled before the target answered: incomplete, no grade, no reach error', async () => {
    const slow = await startTarget(async (_req, res) => {
      await new Promise((r) => setTimeout(r, 2000));
      sendJson(res, 404, { detail: 'Not Found' });
    });
    try {
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 200);
      const report = await scan({ url: `${slow.url}/generate` }, {}, { signal: stop.signal });
      expect(report.verdict.status).toBe('incomplete');
      expect(report.grade).toBeNull();
      expect(report.errors.some((e) => e.phase === 'reach')).toBe(false);
      expect(report.errors.find((e) => e.phase === 'deadline')?.message).toMatch(/cancelled/);
      expect(report.rules.find((r) => r.rule === 'auth.missing')).toMatchObject({ status: 'skipped', reason: 'cancelled before the target answered' });
    } finally {
      await slow.close();
    }
  });

  it('cancelled during the checks: incomplete, no grade, partial', async () => {
    const open = await startFastapiWrapper(OPEN);
    try {
      const stop = new AbortController();
      const report = await scan({ url: `${open.url}/generate` }, {}, { signal: stop.signal, onProgress: (e) => e.phase === 'checks' && stop.abort() });
      expect(report.partial).toBe(true);
      expect(report.verdict.status).toBe('incomplete');
      expect(report.grade).toBeNull();
    } finally {
      await open.close();
    }
  });
});
