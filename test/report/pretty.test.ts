import { describe, expect, test } from 'vitest';
import { toPretty } from '../../src/report/pretty.js';
import { FIXTURES, loadFixture } from './helpers.js';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b/;
// eslint-disable-next-line no-control-regex
const stripSgr = (s: string) => s.replace(/\u001b\[\d+m/g, '');

describe('toPretty', () => {
  for (const name of FIXTURES) {
    test(`${name} (no color) snapshot`, async () => {
      await expect(toPretty(loadFixture(name), { color: false })).toMatchFileSnapshot(`./__snapshots__/${name}.pretty.txt`);
    });
  }
  test('no escape sequence at all without color, even from a hostile server', () => {
    const r = loadFixture('many-rules');
    r.findings[0]!.description = 'clear screen \u001b[2J and title \u001b]0;owned\u0007 and \r overwrite';
    r.fingerprint.models = ['\u009b31mred'];
    const out = toPretty(r, { color: false, verbose: true });
    expect(out).not.toMatch(ESC);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('clear screen \\x1b[2J and title \\x1b]0;owned\\x07 and   overwrite');
    // A model id is quoted server text: its escape sequence is removed whole, not shown.
    expect(out).toContain('models: ⟦red⟧');
  });
  test('with color: only our SGR sequences, and the same text underneath', () => {
    const r = loadFixture('many-rules');
    r.findings[0]!.description = 'hostile \u001b[2J';
    const colored = toPretty(r, { color: true });
    const plain = toPretty(r, { color: false });
    expect(colored).toMatch(ESC);
    expect(stripSgr(colored)).not.toMatch(ESC);
    expect(stripSgr(colored)).toBe(plain);
  });
  test('grade, score, badges, evidence one-liners, fixes, rule summary', () => {
    const out = toPretty(loadFixture('many-rules'), { color: false });
    expect(out).toContain('Incomplete: no grade · standard · 7.8 s · 97 requests');
    expect(out).toContain('No grade: exposure.verbose-errors failed to run: probe failed: socket hang up.');
    expect(out).toContain(' CRITICAL  Authentication bypass through the Host header [confirmed]');
    expect(out).toContain('evidence POST /v1/chat/completions → 200 OK (95 ms)');
    expect(out).toContain('baseline POST /v1/chat/completions → 401 Unauthorized (2 ms)');
    expect(out).toContain('fix Upgrade the server past the fixed version');
    expect(out).toContain('Rules: 8 fail · 12 pass · 1 inconclusive · 3 skipped · 1 error');
    expect(out).toContain('error        exposure.verbose-errors probe failed: socket hang up');
    expect(out).toContain('1 error\n  checks: exposure.verbose-errors');
  });
  test('verbose shows response previews and every rule', () => {
    const out = toPretty(loadFixture('auth-missing'), { color: false, verbose: true });
    expect(out).toContain('{"generated":"Hello! How can I help you?"}');
    expect(out).toMatch(/pass {9}auth\.admin-exposed/);
  });
  test('clean and partial', () => {
    const out = toPretty({ ...loadFixture('clean'), partial: true }, { color: false });
    expect(out).toContain('No findings.');
    expect(out).toContain('Partial scan');
  });
});
