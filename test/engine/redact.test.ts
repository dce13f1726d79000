import { describe, expect, it } from 'vitest';
import { Redactor, secretsFromCredentials, weakCredentialNotice, weakness } from '../../src/engine/http/redact.js';

const redactorFor = (credentials: Record<string, string>) => new Redactor(secretsFromCredentials(credentials));

describe('Redactor', () => {
  it('a real key: hidden whole, wherever it is, with the token after its scheme, case variants and URL-encoded forms', () => {
    const r = redactorFor({ Authorization: 'Bearer s3cr/t+Key', 'X-API-Key': 'abc123xyz' });
    expect(r.redact('Authorization: Bearer s3cr/t+Key')).toBe('Authorization: [REDACTED]');
    expect(r.redact('?api_key=s3cr%2Ft%2BKey')).toBe('?api_key=[REDACTED]');
    expect(r.redact('ABC123XYZ and abc123xyz')).toBe('[REDACTED] and [REDACTED]');
    expect(r.redact('{"detail":"Incorrect API key provided: abc123xyz"}')).toBe('{"detail":"Incorrect API key provided: [REDACTED]"}');
  });

  it("the key 'key': redacted where it stands as a value, never inside X-API-Key or the server's sentence", () => {
    const r = redactorFor({ 'X-API-Key': 'key' });
    // Where it stands: a header value, a query value, a whole JSON string, after a scheme, at the end of "…: value".
    expect(r.redactHeaders({ 'x-api-key': 'key', 'x-echo': 'got X-API-Key: key; url=/v1?api_key=key&x=1' })).toEqual({
      'x-api-key': '[REDACTED]',
      'x-echo': 'got X-API-Key: [REDACTED]; url=/v1?api_key=[REDACTED]&x=1',
    });
    expect(r.redact('http://127.0.0.1:8000/generate?key=key')).toBe('http://127.0.0.1:8000/generate?key=[REDACTED]');
    expect(r.redact('{"received":"key","key":"other"}')).toBe('{"received":"[REDACTED]","key":"other"}');
    expect(r.redact('Authorization: Bearer key')).toBe('Authorization: Bearer [REDACTED]');
    // Never a part of a word, never the word in prose.
    for (const text of ['{"detail":"Invalid API key"}', '12 wrong keys in X-API-Key', 'X-API-Key', 'the key is not throttled', 'keys: 3', 'monkey=1']) {
      expect(r.redact(text)).toBe(text);
    }
  });

  it("the key 'wrong': finding titles and descriptions keep their words", () => {
    const r = redactorFor({ 'X-API-Key': 'wrong' });
    for (const text of ['Wrong keys are never throttled', '12 wrong keys in X-API-Key were all refused with 401', 'Something went wrong: retry']) {
      expect(r.redact(text)).toBe(text);
    }
    expect(r.redact('{"detail":"Invalid API key: wrong"}')).toBe('{"detail":"Invalid API key: [REDACTED]"}');
    expect(r.redactHeaders({ 'X-API-Key': 'wrong' })).toEqual({ 'X-API-Key': '[REDACTED]' });
  });

  it('a normal key is strong and gets no notice; short keys and words get one that never shows the value', () => {
    expect(weakness('sk-live-7Fq2xP9wLm3Rt8Zk')).toBeNull();
    expect(weakCredentialNotice('X-API-Key', 'sk-live-7Fq2xP9wLm3Rt8Zk')).toBeNull();
    expect(weakCredentialNotice('Authorization', 'Bearer sk-live-7Fq2xP9wLm3Rt8Zk')).toBeNull();
    expect(weakness('key')).toBe('short');
    expect(weakness('wrong')).toBe('short');
    expect(weakness('changeme')).toBe('word');
    expect(weakness('supersecretvalue')).toBe('word');
    expect(weakness('12345678')).toBe('word');
    const short = weakCredentialNotice('X-API-Key', 'key')!;
    expect(short).toMatch(/^The credential in X-API-Key is 3 characters long, too short to be a real secret/);
    const word = weakCredentialNotice('Authorization', 'Bearer changeme')!;
    expect(word).toMatch(/^The credential in Authorization is a common word or placeholder/);
    expect(word).not.toContain('changeme');
  });
});
