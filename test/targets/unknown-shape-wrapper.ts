// A wrapper whose request no document or validator describes: a form-encoded `question` on `/ask`, a route the user does not name
// (the scan is given the server's address only), terse errors that name nothing (400 {"error":"bad request"}), no
// OpenAPI, plain Node. The hardest shape a guess still reaches; the request-count test bounds what finding it costs.
import { type RunningTarget, sendJson, startTarget } from './harness.js';
import { mistralReply, TEST_KEY } from './mistral-model.js';

export interface UnknownShapeOptions {
  /** Require `X-API-Key: <key>` on every path (checked before routing). */
  key?: string;
}

export async function startUnknownShapeWrapper(options: UnknownShapeOptions = {}): Promise<RunningTarget> {
  const key = options.key === undefined ? undefined : options.key || TEST_KEY;
  return startTarget((req, res) => {
    if (key !== undefined && req.headers['x-api-key'] !== key) return sendJson(res, 401, { error: 'unauthorized' });
    if (req.path !== '/ask') return sendJson(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return sendJson(res, 404, { error: 'not found' });
    const form = /x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? '')) ? new URLSearchParams(req.body) : null;
    const question = form?.get('question');
    if (!question) return sendJson(res, 400, { error: 'bad request' });
    const limit = Number(form?.get('max_tokens') ?? 16) || 16;
    req.markInference(limit);
    sendJson(res, 200, { answer: mistralReply(limit) });
  });
}
