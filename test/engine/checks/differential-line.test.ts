// line() writes exchanges into finding descriptions: it must show the request as recorded (redacted), tricks intact.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/engine/http/redact.js';
import { line } from '../../../src/engine/probes/differential.js';
import type { Exchange } from '../../../src/engine/types.js';

const KEY = 'sk-line-test-key-9876';

function exchange(path: string, host?: string): Exchange {
  const redactor = new Redactor([KEY]);
  return {
    id: 1,
    probe: { method: 'POST', path, purpose: 'test', ...(host ? { host } : {}) },
    request: { method: 'POST', url: redactor.redact(`http://127.0.0.1:8000${path}`), headers: {} },
    response: { status: 200, headers: {}, body: '', truncated: false, latencyMs: 1 },
  };
}

describe('line()', () => {
  it('never shows a key the probe carried in its path', () => {
    const text = line(exchange(`/generate?api_key=${KEY}`));
    expect(text).not.toContain(KEY);
    expect(text).toBe('POST /generate?api_key=[REDACTED] → 200');
  });

  it('keeps the path exactly as sent (no URL normalization of the tricks)', () => {
    expect(line(exchange('//v1/./chat/%2e/completions;x=1'))).toBe('POST //v1/./chat/%2e/completions;x=1 → 200');
    expect(line(exchange('/v1/chat/completions', '127.0.0.1:8000/health?'))).toBe('POST /v1/chat/completions with Host: 127.0.0.1:8000/health? → 200');
  });
});
