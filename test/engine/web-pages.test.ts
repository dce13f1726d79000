// A web page is not an API: a static site or a single-page app's catch-all answers every path and method with the same
// HTML document, and a guessed wrapper route there must not become an "open inference route". The scan cannot vouch
// (no inference route found), and says so; an LLM wrapper at the same base is still found.
import { describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import { sendJson, sendText, startTarget } from '../targets/harness.js';
import { mistralReply } from '../targets/mistral-model.js';

const PAGE = '<!doctype html><html><head><title>Team portal</title></head><body><div id="app"></div></body></html>';

describe('a web page is not an API', () => {
  it('a catch-all page at every path and method: no route is guessed open, the scan is incomplete', async () => {
    const site = await startTarget((_req, res) => sendText(res, 200, PAGE, { 'content-type': 'text/html' }));
    try {
      const report = await scan({ url: `${site.url}/` });
      expect(report.surface.routes.filter((r) => r.kind === 'inference' && r.access === 'open')).toEqual([]);
      expect(report.findings.filter((f) => f.rule.startsWith('auth.'))).toEqual([]);
      expect(report.verdict.status).toBe('incomplete');
      expect(report.grade).toBeNull();
    } finally {
      await site.close();
    }
  });

  it('the same site with a wrapper route beside its pages: the route is found open', async () => {
    const site = await startTarget((req, res) => {
      if (req.method === 'POST' && req.path === '/api/generate') {
        const prompt = (req.json as { prompt?: unknown } | undefined)?.prompt;
        if (typeof prompt !== 'string') return sendJson(res, 400, { error: 'prompt is required' });
        req.markInference(1);
        return sendJson(res, 200, { response: mistralReply(1) });
      }
      return sendText(res, 200, PAGE, { 'content-type': 'text/html' });
    });
    try {
      const report = await scan({ url: `${site.url}/` });
      expect(report.findings.find((f) => f.rule === 'auth.missing')?.endpoint.url).toMatch(/\/api\/generate$/);
      expect(report.grade).toMatch(/^[DF]$/);
    } finally {
      await site.close();
    }
  });
});
