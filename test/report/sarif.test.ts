import { describe, expect, test } from 'vitest';
import { RULES } from '../../src/engine/rules/index.js';
import { type Finding, RULE_IDS, type ScanReport } from '../../src/engine/types.js';
import { ENDPOINTS_BASE_ID, endpointArtifactUri, FINGERPRINT_KEY, type SarifLog, toSarif, toSarifJson } from '../../src/report/sarif.js';
import { artifactUris, compileSarifSchema, FIXTURES, loadFixture, uploadBlockers, VENDORED_SARIF_SCHEMA, validateSarif } from './helpers.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const run = (log: SarifLog) => log.runs[0]!;
const rule = (log: SarifLog, id: string) => run(log).tool.driver.rules.find((r) => r.id === id)!;

describe('SARIF validates against the official 2.1.0 schema', () => {
  for (const name of FIXTURES) {
    test(name, () => {
      const { valid, errors } = validateSarif(toSarif(loadFixture(name)));
      expect(errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  }
  test('a batch of every fixture, as one run', () => {
    const log = toSarif(FIXTURES.map(loadFixture));
    expect(validateSarif(log).errors ?? []).toEqual([]);
    expect(log.runs).toHaveLength(1);
    expect(run(log).invocations).toHaveLength(FIXTURES.length);
    expect(run(log).results).toHaveLength(FIXTURES.map(loadFixture).reduce((n, r) => n + r.findings.length, 0));
  });
  test('the validator is not a no-op: it rejects a broken log', () => {
    const log = structuredClone(toSarif(loadFixture('auth-missing'))) as unknown as { runs: { results: Record<string, unknown>[] }[] };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(validateSarif(log).valid).toBe(false);
    expect(validateSarif({ version: '2.1.0' }).valid).toBe(false);
  });
  test('the vendored schema validates on its own', () => {
    const validate = compileSarifSchema(VENDORED_SARIF_SCHEMA);
    expect(validate(toSarif(FIXTURES.map(loadFixture)))).toBe(true);
  });
  test('an empty batch', () => {
    const log = toSarif([], { toolVersion: '0.1.0' });
    expect(validateSarif(log).valid).toBe(true);
    expect(run(log).results).toEqual([]);
    expect(run(log).tool.driver.version).toBe('0.1.0');
  });
  test('the written file parses back to the same log', () => {
    const r = loadFixture('many-rules');
    const text = toSarifJson(r);
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(toSarif(r));
  });
});

describe('tool and rules', () => {
  const log = toSarif(loadFixture('many-rules'));
  test('driver', () => {
    const d = run(log).tool.driver;
    expect(d.name).toBe('Gatecrash');
    expect(d.version).toBe('0.1.0');
    expect(d.semanticVersion).toBe('0.1.0');
    expect(d.informationUri).toMatch(/^https:\/\//);
    expect(log.version).toBe('2.1.0');
  });
  test('every catalog rule, in catalog order, with GitHub’s fields', () => {
    const rules = run(log).tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([...RULE_IDS]);
    for (const r of rules) {
      const meta = RULES[r.id as keyof typeof RULES];
      expect(r.shortDescription?.text).toBe(meta.title);
      expect(r.fullDescription?.text).toBe(meta.summary);
      expect(r.help?.text).toContain(meta.remediation);
      expect(r.help?.markdown).toContain('## Remediation');
      expect(r.helpUri).toMatch(/^https:\/\//);
      expect(r.properties?.tags).toContain('security');
      for (const c of meta.cwe) expect(r.properties?.tags).toContain(`external/cwe/cwe-${c.slice(4).padStart(3, '0')}`);
      expect(r.properties?.['security-severity']).toMatch(/^\d{1,2}\.\d$/);
    }
    expect(rule(log, 'auth.missing').properties?.tags).toEqual(expect.arrayContaining(['security', 'external/cwe/cwe-306', 'external/owasp/api2:2023']));
    expect(rule(log, 'llm.template-injection').properties?.tags).toEqual(
      expect.arrayContaining(['external/cwe/cwe-1427', 'external/cwe/cwe-077', 'external/owasp-llm/llm01:2025']),
    );
  });
  test('ruleIndex points at the rule', () => {
    for (const res of run(log).results) expect(run(log).tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
  });
});

describe('levels and security-severity', () => {
  test('severity → level', () => {
    const log = toSarif(loadFixture('many-rules'));
    const bySev = new Map<string, string>();
    for (const res of run(log).results) bySev.set(res.properties?.severity as string, res.level);
    expect(Object.fromEntries(bySev)).toEqual({ critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' });
    expect(toSarif(loadFixture('auth-missing')).runs[0]!.results.find((r) => r.ruleId === 'auth.missing')?.level).toBe('error');
  });
  test('catalog scores, the finding’s own severity, and the advisory’s own score', () => {
    const log = toSarif(loadFixture('many-rules'));
    const sev = (id: string) => rule(log, id).properties?.['security-severity'];
    expect(sev('auth.missing')).toBe('8.0'); // did not fire: catalog high
    expect(sev('auth.admin-exposed')).toBe('9.5');
    expect(sev('auth.weak-key-handling')).toBe('5.5');
    expect(sev('exposure.metrics')).toBe('3.0');
    expect(sev('exposure.api-docs')).toBe('0.0');
    expect(sev('cors.permissive')).toBe('3.0'); // catalog medium, reported low (guarded by a header key)
    expect(sev('vuln.known-advisory')).toBe('9.1'); // the highest advisory's CVSS (9.1 and 7.5)
    const adv = run(log)
      .results.filter((r) => r.ruleId === 'vuln.known-advisory')
      .map((r) => [r.properties?.advisory, r.properties?.['security-severity']]);
    expect(adv).toEqual([
      ['CVE-2026-48746', '9.1'],
      ['CVE-2025-59425', '7.5'],
    ]);
  });
  test('an advisoryScore provider wins over the notes', () => {
    const log = toSarif(loadFixture('many-rules'), { advisoryScore: (f: Finding) => (f.advisory === 'CVE-2025-59425' ? 9.8 : undefined) });
    expect(rule(log, 'vuln.known-advisory').properties?.['security-severity']).toBe('9.8');
  });
});

describe('results', () => {
  const report = loadFixture('many-rules');
  const log = toSarif(report);
  test('location is the endpoint without its scheme separator, under ENDPOINTS, plus METHOD /path as a logical location', () => {
    for (const [i, res] of run(log).results.entries()) {
      const f = report.findings[i]!;
      const loc = res.locations[0]!;
      const u = new URL(f.endpoint.url);
      expect(loc.physicalLocation?.artifactLocation).toEqual({ uri: `${u.protocol.slice(0, -1)}/${u.host}${u.pathname}`, uriBaseId: ENDPOINTS_BASE_ID });
      expect(loc.physicalLocation?.region?.startLine).toBe(1);
      expect(loc.logicalLocations?.[0]?.name).toBe(`${f.endpoint.method} ${new URL(f.endpoint.url).pathname}`);
      expect(loc.logicalLocations?.[0]?.kind).toBe('resource');
      // Brackets are escaped in SARIF message text (its embedded-link syntax).
      expect(res.message.text).toContain(f.description.replace(/[[\]]/g, '\\$&'));
      expect(res.properties?.confidence).toBe(f.confidence);
    }
  });
  test('webRequest and webResponse come from the evidence', () => {
    const res = run(log).results.find((r) => r.ruleId === 'auth.host-header')!;
    expect(res.webRequest).toMatchObject({
      method: 'POST',
      target: 'https://llm.example.com/v1/chat/completions',
      headers: { host: 'llm.example.com/health?' },
    });
    expect(res.webRequest?.body?.text).toContain('"max_tokens":1');
    expect(res.webResponse).toMatchObject({ statusCode: 200, reasonPhrase: 'OK' });
    expect(res.webResponse?.body?.text).toContain('chat.completion');
    expect(res.properties?.baseline).toMatchObject({ response: { status: 401 } });
    expect(res.message.text).toContain(
      'Evidence (confirmed): POST /v1/chat/completions → 200 OK (95 ms); baseline POST /v1/chat/completions → 401 Unauthorized (2 ms).',
    );
  });
  test('an evidence without a response says so', () => {
    const r = structuredClone(report);
    delete r.findings[0]!.evidence.response;
    const res = toSarif(r).runs[0]!.results[0]!;
    expect(res.webResponse).toEqual({ protocol: 'HTTP', version: '1.1', noResponseReceived: true });
    expect(validateSarif(toSarif(r)).valid).toBe(true);
  });
});

describe('fingerprints are stable', () => {
  test('the finding id, identical across runs', () => {
    const a = toSarif(loadFixture('many-rules'));
    const b = toSarif(loadFixture('many-rules'));
    expect(a).toEqual(b);
    const fps = run(a).results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(fps).toEqual(loadFixture('many-rules').findings.map((f) => f.id));
    expect(new Set(fps).size).toBe(fps.length);
  });
  test('independent of scan id, times, order and score (a re-run of the same target)', () => {
    const first = loadFixture('many-rules');
    const rerun: ScanReport = {
      ...structuredClone(first),
      scanId: 'scan-ffffffff',
      startedAt: '2026-06-01T00:00:00.000Z',
      finishedAt: '2026-06-01T00:00:09.000Z',
      score: 3,
      findings: [...structuredClone(first).findings]
        .reverse()
        .map((f) => ({ ...f, evidence: { ...f.evidence, response: { ...f.evidence.response!, latencyMs: 999 } } })),
    };
    const key = (log: SarifLog) =>
      run(log)
        .results.map((r) => `${r.ruleId} ${r.partialFingerprints[FINGERPRINT_KEY]}`)
        .sort();
    expect(key(toSarif(rerun))).toEqual(key(toSarif(first)));
  });
});

describe('invocations', () => {
  test('a clean scan ran successfully, with times from the report', () => {
    const inv = toSarif(loadFixture('clean')).runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.startTimeUtc).toBe('2026-05-04T12:00:00.000Z');
    expect(inv.endTimeUtc).toBe('2026-05-04T12:00:03.100Z');
    expect(inv.toolExecutionNotifications).toBeUndefined();
    expect(inv.toolConfigurationNotifications?.map((n) => n.associatedRule?.id)).toEqual(['auth.jwt', 'cost.unbounded-generation', 'cost.no-rate-limit']);
    expect(inv.properties).toMatchObject({ scanId: 'scan-c1ea4000', grade: 'A', score: 100 });
  });
  test('report errors and rule errors become execution notifications', () => {
    const inv = toSarif(loadFixture('many-rules')).runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    const notes = inv.toolExecutionNotifications!;
    expect(notes.map((n) => n.level)).toEqual(['error', 'error', 'error']);
    expect(notes[0]!.message.text).toMatch(/^checks: exposure\.verbose-errors: socket hang up/);
    expect(notes[1]!.associatedRule).toEqual({ id: 'exposure.verbose-errors', index: RULE_IDS.indexOf('exposure.verbose-errors') });
    // The failed rule leaves the report without a grade, and the run says why.
    expect(notes[2]!.message.text).toMatch(/^No grade \(incomplete\): exposure\.verbose-errors failed to run/);
    expect(inv.properties).toMatchObject({ grade: null, score: null, verdict: { status: 'incomplete' } });
  });
  test('a partial scan warns', () => {
    const r = { ...loadFixture('clean'), partial: true };
    const log = toSarif(r);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications?.[0]?.level).toBe('warning');
    expect(validateSarif(log).valid).toBe(true);
  });
});

describe('options', () => {
  test('the knowledge base’s help is plugged in; missing parts fall back to the catalog', () => {
    const log = toSarif(loadFixture('auth-missing'), {
      help: (meta) =>
        meta.id === 'auth.missing' ? { markdown: '# KB page\n\nUse `Depends(verify_key)`.', uri: 'https://kb.example/auth.missing' } : undefined,
      informationUri: 'https://gatecrash.example',
      category: 'gatecrash/staging/',
    });
    const r = rule(log, 'auth.missing');
    expect(r.help?.markdown).toContain('KB page');
    expect(r.help?.text).toContain(RULES['auth.missing'].remediation);
    expect(r.helpUri).toBe('https://kb.example/auth.missing');
    expect(rule(log, 'cors.permissive').helpUri).toBe('https://gatecrash.example#cors.permissive');
    expect(run(log).tool.driver.informationUri).toBe('https://gatecrash.example');
    expect(run(log).automationDetails).toEqual({ id: 'gatecrash/staging/' });
    expect(validateSarif(log).valid).toBe(true);
  });
  test('pure: the report is not touched', () => {
    const r = deepFreeze(loadFixture('many-rules'));
    expect(() => toSarif(r)).not.toThrow();
  });
});

describe('GitHub code scanning accepts the artifact URIs', () => {
  test('no artifact URI has a scheme, and a colon never opens one', () => {
    for (const input of [...FIXTURES.map(loadFixture), FIXTURES.map(loadFixture)]) {
      const log = toSarif(input);
      const findings = [input].flat().reduce((n, r) => n + r.findings.length, 0);
      expect(artifactUris(log)).toHaveLength(findings);
      expect(uploadBlockers(log)).toEqual([]);
    }
  });
  test('the checker is not a no-op: the URL form, a bare host:port and a foreign scheme are caught; file: is not', () => {
    const log = (uri: string) => ({
      runs: [{ results: [{ locations: [{ physicalLocation: { artifactLocation: { uri } } }] }], originalUriBaseIds: { X: { uri: 'https://x/' } } }],
    });
    expect(uploadBlockers(log('http://127.0.0.1:8000/generate')).map((b) => b.uri)).toEqual(['http://127.0.0.1:8000/generate', 'https://x/']);
    expect(uploadBlockers(log('localhost:8000/generate')).map((b) => b.uri)).toContain('localhost:8000/generate');
    expect(uploadBlockers(log('127.0.0.1:8000/generate')).map((b) => b.uri)).toContain('127.0.0.1:8000/generate');
    expect(uploadBlockers(log('file:///src/app.py')).map((b) => b.uri)).toEqual(['https://x/']);
  });
  test('endpoints are written scheme/host:port/path: IPv6 brackets encoded, default ports dropped, the path kept as encoded', () => {
    expect(endpointArtifactUri('http://127.0.0.1:8000/generate')).toBe('http/127.0.0.1:8000/generate');
    expect(endpointArtifactUri('https://llm.example.com/v1/chat/completions')).toBe('https/llm.example.com/v1/chat/completions');
    expect(endpointArtifactUri('http://[::1]:11434/api/generate')).toBe('http/%5B::1%5D:11434/api/generate');
    expect(endpointArtifactUri('http://h:80/v2/models/a%2Fb/infer')).toBe('http/h/v2/models/a%2Fb/infer');
  });
  test('with a source location the result is attached to the file; the endpoint stays as a related location', () => {
    const report = loadFixture('auth-missing');
    const log = toSarif(report, { source: () => ({ file: 'app/main py.py', line: 42 }) });
    const res = run(log).results[0]!;
    expect(res.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'app/main%20py.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 42 } });
    expect(res.relatedLocations?.[0]?.physicalLocation?.artifactLocation.uri).toBe(endpointArtifactUri(report.findings[0]!.endpoint.url));
    expect(res.webRequest?.target).toBe(report.findings[0]!.evidence.request.url);
    expect(uploadBlockers(log)).toEqual([]);
    expect(validateSarif(log).errors ?? []).toEqual([]);
  });
});
