import { describe, expect, it } from 'vitest';
import { Redactor, secretsFromCredentials } from '../../src/engine/http/redact.js';

describe('Redactor', () => {
  it('hides the whole credential, the token after its scheme, case variants and URL-encoded forms', () => {
    const r = new Redactor(secretsFromCredentials({ Authorization: 'Bearer s3cr/t+Key', 'X-API-Key': 'abc123xyz' }));
    expect(r.redact('Authorization: Bearer s3cr/t+Key')).toBe('Authorization: [REDACTED]');
    expect(r.redact('?api_key=s3cr%2Ft%2BKey')).toBe('?api_key=[REDACTED]');
    expect(r.redact('ABC123XYZ and abc123xyz')).toBe('[REDACTED] and [REDACTED]');
  });
});
