// Version strings as the servers state them, compared well enough to place them in an advisory's range.
// Real forms: `0.9.2`, `v0.1.33`, `0.11.0rc2` and `0.11.1.dev12+g1a2b3c` (PEP 440, vLLM), `1.0.0-beta.2` (semver),
// `1.83.7-stable` (LiteLLM's release channel), `b4719` / `b4719-1a2b3c4` (llama.cpp build numbers).
// Pure: nothing here reads the network or the clock.

/** Release before dev < alpha < beta < rc < final < post, as PEP 440 orders them (semver pre-releases map onto the same). */
const PHASE = { dev: 0, a: 1, b: 2, rc: 3, final: 4, post: 5 } as const;
type Phase = keyof typeof PHASE;

export interface ParsedVersion {
  /** 'build' for llama.cpp's `b<number>` scheme, which cannot be ordered against release numbers. */
  scheme: 'release' | 'build';
  /** Release numbers (`[0, 11, 0]`), or `[build]` for the build scheme. */
  release: number[];
  phase: Phase;
  /** The number after the phase (`rc2` → 2); 0 when absent. */
  phaseNumber: number;
  /** The input, trimmed. */
  raw: string;
}

const PRE_TAGS: Record<string, Phase> = {
  dev: 'dev',
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
  post: 'post',
  rev: 'post',
  r: 'post',
};

/** Distribution and channel suffixes that name a release, not a pre-release (`1.83.7-stable`, `0.6.3+cu121`). */
const RELEASE_CHANNELS = /^(stable|release|final|ga|lts|latest|main|nightly-stable)$/i;

/**
 * Parses a version a server stated, or returns null when the string is not a version (a commit hash, a date, free text).
 * Never guesses: `b4719` is a llama.cpp build, `0.11` is `0.11.0`, anything after `+` (PEP 440 local part) is ignored.
 */
export function parseVersion(input: string | null | undefined): ParsedVersion | null {
  if (typeof input !== 'string') return null;
  const raw = input.trim();
  if (!raw || raw.length > 64) return null;

  // llama.cpp: `b4719`, optionally followed by `-<commit>` (the /props build_info and system_fingerprint form).
  const build = /^b(\d{1,7})(?:-[0-9a-f]{5,40})?$/i.exec(raw);
  if (build) return { scheme: 'build', release: [Number(build[1])], phase: 'final', phaseNumber: 0, raw };

  const text = raw.replace(/^v(?=\d)/i, '').replace(/\+.*$/, '');
  const m = /^(\d{1,6}(?:\.\d{1,6}){0,4})(.*)$/.exec(text);
  if (!m) return null;
  const release = m[1]!.split('.').map(Number);
  let rest = m[2]!;
  let phase: Phase = 'final';
  let phaseNumber = 0;

  // One pre-/post-release tag, with an optional separator and number: rc2, -rc.2, .post1, -beta.2, a1, .dev12.
  const tag = /^[-._]?([a-z]+)[-._]?(\d*)/i.exec(rest);
  if (tag?.[1]) {
    const word = tag[1].toLowerCase();
    const mapped = PRE_TAGS[word];
    if (mapped) {
      phase = mapped;
      phaseNumber = tag[2] ? Number(tag[2]) : 0;
      rest = rest.slice(tag[0].length);
      // Letters and digits run on past the tag: a commit hash (`1a2b3c4d`), not a version.
      if (rest !== '' && !/^[-._]/.test(rest)) return null;
      // PEP 440 allows a dev release of a pre-release (`1.0rc1.dev3`): it sorts before that pre-release, which the
      // phase order already approximates closely enough for range checks; the remainder is ignored.
    } else if (RELEASE_CHANNELS.test(word) && /^[-._]/.test(rest)) {
      rest = rest.slice(tag[0].length);
    } else {
      return null;
    }
  } else if (/^-\d+$/.test(rest)) {
    // PEP 440's implicit post-release (`1.0-1`).
    phase = 'post';
    phaseNumber = Number(rest.slice(1));
  } else if (rest !== '' && !/^[-._]?$/.test(rest)) {
    return null;
  }
  return { scheme: 'release', release, phase, phaseNumber, raw };
}

/**
 * Orders two versions: negative when a < b, 0 when equal, positive when a > b; null when they cannot be ordered
 * (either is unparseable, or one is a llama.cpp build number and the other a release number).
 */
export function compareVersions(a: string | ParsedVersion, b: string | ParsedVersion): number | null {
  const x = typeof a === 'string' ? parseVersion(a) : a;
  const y = typeof b === 'string' ? parseVersion(b) : b;
  if (!x || !y || x.scheme !== y.scheme) return null;
  const n = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < n; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  const p = PHASE[x.phase] - PHASE[y.phase];
  if (p !== 0) return Math.sign(p);
  return Math.sign(x.phaseNumber - y.phaseNumber);
}

export interface VersionRange {
  /** First affected version (inclusive); absent when every earlier version is affected. */
  introduced?: string;
  /** First fixed version (exclusive upper bound). */
  fixed: string;
}

/**
 * True when `version` lies in [introduced, fixed); false when it lies outside; null when it cannot be placed
 * (unparseable, or a different numbering scheme), in which case nothing may be reported.
 */
export function inRange(version: string, range: VersionRange): boolean | null {
  const v = parseVersion(version);
  if (!v) return null;
  const upper = compareVersions(v, range.fixed);
  if (upper === null) return null;
  if (upper >= 0) return false;
  if (range.introduced === undefined) return true;
  const lower = compareVersions(v, range.introduced);
  if (lower === null) return null;
  return lower >= 0;
}

/** The range in words: ">= 0.3.0, < 0.22.0" or "< 0.11.0". */
export function describeRange(range: VersionRange): string {
  return range.introduced ? `>= ${range.introduced}, < ${range.fixed}` : `< ${range.fixed}`;
}
