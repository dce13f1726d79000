// The engine redacts credentials before a finding exists; the report layer must neither lose the markers nor invent a
// credential. These tests render every fixture in every format and look for anything that looks like a live secret.
import { describe, expect, test } from 'vitest';
import { toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toPretty } from '../../src/report/pretty.js';
import { toSarifJson } from '../../src/report/sarif.js';
import { FIXTURES, loadFixture, loadFixtureRaw } from './helpers.js';

const CREDENTIAL_PATTERNS: RegExp[] = [
  /\bBearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/, // a bearer token that is not the marker
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/, // OpenAI-style keys
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, // a JWT
  /[?&](?:api_key|apikey|key|token|access_token)=(?!\[REDACTED\]|%5BREDACTED%5D)[^&\s"'`|\\]+/i, // a key in a query string
  /"(?:authorization|x-api-key|api-key|proxy-authorization|cookie)"\s*:\s*"(?![^"]*\[REDACTED\])[^"]+"/i, // a credential header, JSON
  /^(?:authorization|x-api-key|api-key|proxy-authorization|cookie):\s*(?!.*\[REDACTED\]).+$/im, // a credential header, HTTP text
];

function renderAll(name: (typeof FIXTURES)[number]): Record<string, string> {
  const r = loadFixture(name);
  return {
    json: toJson(r),
    sarif: toSarifJson(r),
    markdown: toMarkdown(r),
    pretty: toPretty(r, { color: false }),
    prettyVerbose: toPretty(r, { color: false, verbose: true }),
    prettyColor: toPretty(r, { color: true, verbose: true }),
  };
}

function countMarkers(text: string): number {
  return text.split('[REDACTED]').length - 1;
}

describe('no output contains a credential', () => {
  for (const name of FIXTURES) {
    for (const [format, text] of Object.entries(renderAll(name))) {
      test(`${name} → ${format}`, () => {
        for (const p of CREDENTIAL_PATTERNS) expect(text, `${p}`).not.toMatch(p);
      });
    }
  }
});

describe('redaction markers survive rendering', () => {
  const raw = JSON.stringify(loadFixtureRaw('many-rules'));
  test('the fixture carries redacted credentials (header and query)', () => {
    expect(raw).toContain('"authorization":"Bearer [REDACTED]"');
    expect(raw).toContain('?api_key=[REDACTED]');
  });
  const out = renderAll('many-rules');
  test('JSON keeps every marker', () => {
    expect(countMarkers(out.json!)).toBe(countMarkers(raw));
  });
  test('SARIF keeps the markers, in web requests and in supporting evidence', () => {
    expect(countMarkers(out.sarif!)).toBeGreaterThanOrEqual(countMarkers(raw));
    expect(out.sarif).toContain('"target": "https://llm.example.com/v1/chat/completions?api_key=[REDACTED]"');
    expect(out.sarif).toContain('"authorization": "Bearer [REDACTED]"');
  });
  test('Markdown shows them in the evidence', () => {
    expect(out.markdown).toContain('authorization: Bearer [REDACTED]');
    expect(out.markdown).toContain('POST https://llm.example.com/v1/chat/completions?api_key=[REDACTED] HTTP/1.1');
  });
  test('the terminal shows the redacted query in the evidence line', () => {
    expect(out.pretty).toContain('POST /v1/chat/completions?api_key=[REDACTED] → 200 OK');
  });
});

describe('the detector is not vacuous', () => {
  test('a planted live credential is caught in every format', () => {
    const r = loadFixture('many-rules');
    r.findings[2]!.evidence.extra![0]!.request.headers.authorization = 'Bearer sk-live-0123456789abcdef';
    r.findings[4]!.evidence.request.url = 'https://llm.example.com/v1/chat/completions?api_key=live0123456789';
    for (const text of [toJson(r), toSarifJson(r), toMarkdown(r)]) {
      expect(CREDENTIAL_PATTERNS.some((p) => p.test(text))).toBe(true);
    }
    expect(CREDENTIAL_PATTERNS.some((p) => p.test(toPretty(r, { color: false })))).toBe(true);
  });
});
