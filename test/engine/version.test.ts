// Version parsing and ordering on the strings real servers state (docs/servers/README.md, "Version sources").
import { describe, expect, it } from 'vitest';
import { compareVersions, describeRange, inRange, parseVersion } from '../../src/engine/version.js';

describe('parseVersion', () => {
  it.each([
    ['0.9.2', 'release', [0, 9, 2], 'final', 0],
    ['v0.1.33', 'release', [0, 1, 33], 'final', 0],
    ['0.11.0rc2', 'release', [0, 11, 0], 'rc', 2],
    ['0.11.1.dev12+g1a2b3c4', 'release', [0, 11, 1], 'dev', 12],
    ['0.6.3.post1', 'release', [0, 6, 3], 'post', 1],
    ['1.0.0-beta.2', 'release', [1, 0, 0], 'b', 2],
    ['0.1.34-rc1', 'release', [0, 1, 34], 'rc', 1],
    ['1.83.7-stable', 'release', [1, 83, 7], 'final', 0],
    ['0.6.3+cu121', 'release', [0, 6, 3], 'final', 0],
    ['2.4.1-dev0', 'release', [2, 4, 1], 'dev', 0],
    ['1.0-1', 'release', [1, 0], 'post', 1],
    ['b4719', 'build', [4719], 'final', 0],
    ['b4719-1a2b3c4', 'build', [4719], 'final', 0],
  ])('%s', (raw, scheme, release, phase, n) => {
    const v = parseVersion(raw);
    expect(v).toMatchObject({ scheme, release, phase, phaseNumber: n });
  });

  it.each(['', 'latest', 'main', '1a2b3c4d5e', 'unknown', 'v', '1.2.3-nightly', '2025-01-01T00:00:00Z', 'sha256:abcd'])('refuses %j', (raw) => {
    expect(parseVersion(raw)).toBeNull();
  });
});

describe('compareVersions', () => {
  it('orders release numbers numerically, not lexically', () => {
    expect(compareVersions('0.9.2', '0.11.0')).toBeLessThan(0);
    expect(compareVersions('0.10.0', '0.9.9')).toBeGreaterThan(0);
    expect(compareVersions('1.83.10', '1.83.7')).toBeGreaterThan(0);
  });
  it('treats missing trailing components as zero', () => {
    expect(compareVersions('0.11', '0.11.0')).toBe(0);
    expect(compareVersions('v0.1.33', '0.1.33')).toBe(0);
  });
  it('sorts pre-releases before the release and post-releases after it', () => {
    expect(compareVersions('0.11.0rc2', '0.11.0')).toBeLessThan(0);
    expect(compareVersions('0.11.0rc1', '0.11.0rc2')).toBeLessThan(0);
    expect(compareVersions('0.11.0.dev5', '0.11.0a1')).toBeLessThan(0);
    expect(compareVersions('0.11.0b1', '0.11.0rc1')).toBeLessThan(0);
    expect(compareVersions('0.11.0.post1', '0.11.0')).toBeGreaterThan(0);
    expect(compareVersions('0.11.0rc2', '0.10.2')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0-beta.2', '1.0.0')).toBeLessThan(0);
  });
  it('reads a release channel suffix as the release', () => {
    expect(compareVersions('1.83.7-stable', '1.83.7')).toBe(0);
  });
  it('orders llama.cpp builds among themselves and never against release numbers', () => {
    expect(compareVersions('b4719', 'b5000')).toBeLessThan(0);
    expect(compareVersions('b4719-1a2b3c4', 'b4719')).toBe(0);
    expect(compareVersions('b4719', '0.1.0')).toBeNull();
    expect(compareVersions('garbage', '0.1.0')).toBeNull();
  });
});

describe('inRange', () => {
  it('places versions in [introduced, fixed)', () => {
    const r = { introduced: '0.3.0', fixed: '0.22.0' };
    expect(inRange('0.3.0', r)).toBe(true);
    expect(inRange('0.21.9', r)).toBe(true);
    expect(inRange('0.22.0rc1', r)).toBe(true);
    expect(inRange('0.22.0', r)).toBe(false);
    expect(inRange('0.22.1', r)).toBe(false);
    expect(inRange('0.2.7', r)).toBe(false);
  });
  it('with no lower bound, every earlier version is affected', () => {
    expect(inRange('v0.1.33', { fixed: '0.1.34' })).toBe(true);
    expect(inRange('0.1.34', { fixed: '0.1.34' })).toBe(false);
    expect(inRange('1.83.7-stable', { fixed: '1.83.7' })).toBe(false);
    expect(inRange('1.83.6-stable', { fixed: '1.83.7' })).toBe(true);
  });
  it('cannot place what it cannot compare', () => {
    expect(inRange('b4719', { fixed: '0.1.34' })).toBeNull();
    expect(inRange('nightly', { fixed: '0.1.34' })).toBeNull();
  });
  it('describes ranges', () => {
    expect(describeRange({ fixed: '0.11.0' })).toBe('< 0.11.0');
    expect(describeRange({ introduced: '0.3.0', fixed: '0.22.0' })).toBe('>= 0.3.0, < 0.22.0');
  });
});
