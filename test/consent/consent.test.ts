// The pieces of consent on their own: what a call reaches (no lookup), the ticket that binds an answer to its question,
// the ledger and its remembered approvals on disk, the gate's decisions, and localhost held to loopback.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConsentRequest, consentGate } from '../../src/consent/gate.js';
import { ConsentLedger, MemoryApprovals } from '../../src/consent/ledger.js';
import { type Reach, reachOfUrls } from '../../src/consent/reach.js';
import { approvalsFile, FileApprovals, MAX_REMEMBER_MS } from '../../src/consent/remembered.js';
import { localhostStaysLocal } from '../../src/consent/resolver.js';
import { covers, distinct, isLoopback, refusalWithoutLookup, type Subject, subjectLabel, subjectOfUrl, subjectsOfScope } from '../../src/consent/subjects.js';
import { callDigest, mintTicket, redeemTicket, TICKET_TTL_MS } from '../../src/consent/ticket.js';
import { parseScope } from '../../src/engine/fleet/scope.js';
import { GuardError } from '../../src/engine/http/guard.js';

const policy = { allowPrivate: false, allow: [] as string[] };
const name = (n: string): Subject => ({ kind: 'name', name: n });
const range = (text: string): Subject => subjectsOfScope(parseScope([text]))[0]!;

describe('what a call reaches, from its arguments alone', () => {
  it('reads the host as the URL parser spells it: IDN as punycode, IPv4 in any spelling as dotted decimal, IPv6 canonical', () => {
    expect(subjectLabel(subjectOfUrl('https://LLM.Exämple.com./v1').subject)).toBe('llm.xn--exmple-cua.com');
    expect(subjectLabel(subjectOfUrl('http://0x7f.1:8000/').subject)).toBe('127.0.0.1');
    expect(subjectLabel(subjectOfUrl('http://2852039166/').subject)).toBe('169.254.169.254');
    expect(subjectLabel(subjectOfUrl('http://[::ffff:a9fe:a9fe]/').subject)).toBe('169.254.169.254');
    expect(subjectOfUrl('llm.example.com:8443/generate').origin).toBe('http://llm.example.com:8443');
    expect(() => subjectOfUrl('http://user:pw@llm.example.com/')).toThrow(/credentials/);
    expect(() => subjectOfUrl('file:///etc/passwd')).toThrow(/Only http/);
  });

  it('knows loopback in every form, and nothing else', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://127.200.1.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost/',
      'http://api.localhost./',
    ]) {
      expect(isLoopback(subjectOfUrl(url).subject), url).toBe(true);
    }
    for (const url of ['http://128.0.0.1/', 'http://localhost.example.com/', 'http://[::2]/', 'http://10.0.0.1/'])
      expect(isLoopback(subjectOfUrl(url).subject), url).toBe(false);
    expect(isLoopback(range('127.0.0.0/8'))).toBe(true);
    expect(isLoopback(range('128.0.0.0/24'))).toBe(false);
  });

  it('an approved range covers the addresses and ranges inside it; a name covers only itself', () => {
    expect(covers(range('8.8.4.0/24'), range('8.8.4.7'))).toBe(true);
    expect(covers(range('8.8.4.0/24'), range('8.8.4.128/25'))).toBe(true);
    expect(covers(range('8.8.4.0/25'), range('8.8.4.0/24'))).toBe(false);
    expect(covers(range('8.8.4.0/24'), name('gpu.example.com'))).toBe(false);
    expect(covers(name('gpu.example.com'), name('gpu.example.com'))).toBe(true);
    expect(covers(name('example.com'), name('gpu.example.com'))).toBe(false);
    expect(distinct([range('8.8.4.7'), range('8.8.4.0/24'), name('a.example'), name('a.example')]).map(subjectLabel)).toEqual(['8.8.4.0/24', 'a.example']);
  });

  it("gives the guard's sentence for what it refuses without a lookup, and nothing for a name", () => {
    expect(refusalWithoutLookup(range('169.254.169.254'), policy)).toMatch(/metadata/);
    expect(refusalWithoutLookup(range('100.100.100.200'), policy)).toMatch(/metadata/);
    expect(refusalWithoutLookup(range('10.0.0.0/16'), policy)).toMatch(/private-network/);
    expect(refusalWithoutLookup(range('10.0.0.0/16'), { allowPrivate: true, allow: [] })).toBeNull();
    expect(refusalWithoutLookup(range('8.8.4.7'), policy)).toBeNull();
    expect(refusalWithoutLookup(name('metadata.google.internal'), policy)).toBeNull();
  });

  it('groups the origins of one host', () => {
    const reach = reachOfUrls(['https://a.example/x', 'https://a.example:8443/y', 'http://A.example/z', 'https://b.example/'], []);
    expect(reach.subjects.map((s) => [subjectLabel(s.subject), s.origins])).toEqual([
      ['a.example', ['https://a.example', 'https://a.example:8443', 'http://a.example']],
      ['b.example', ['https://b.example']],
    ]);
  });
});

describe('the ticket binds an answer to its question', () => {
  const digest = callDigest('scan_endpoint', { url: 'https://a.example/', depth: 'standard' });

  it('digests arguments whatever their key order, and tells different calls apart', () => {
    expect(callDigest('scan_endpoint', { depth: 'standard', url: 'https://a.example/' })).toBe(digest);
    expect(callDigest('scan_endpoint', { url: 'https://b.example/', depth: 'standard' })).not.toBe(digest);
    expect(callDigest('fingerprint_endpoint', { url: 'https://a.example/', depth: 'standard' })).not.toBe(digest);
  });

  it('is redeemed once, for its own call, before it expires; anything else is no ticket', () => {
    const now = 1_000_000;
    const t = mintTicket(digest, now);
    expect(redeemTicket(t.state, callDigest('scan_endpoint', { url: 'https://b.example/' }), now)).toBeNull();
    expect(redeemTicket(t.state, digest, now)).toBe(t.key);
    expect(redeemTicket(t.state, digest, now)).toBeNull();
    const late = mintTicket(digest, now);
    expect(redeemTicket(late.state, digest, now + TICKET_TTL_MS)).toBeNull();
    const [payload] = mintTicket(digest, now).state.split('.');
    expect(redeemTicket(`${payload}.${'A'.repeat(43)}`, digest, now)).toBeNull();
    for (const junk of [undefined, '', 'e30', 'e30.forged', '..', 'x'.repeat(5000)]) expect(redeemTicket(junk, digest, now)).toBeNull();
  });
});

describe('the ledger', () => {
  it('holds the session and, when asked, remembers until the time chosen', () => {
    const remembered = new MemoryApprovals();
    const a = new ConsentLedger(remembered);
    const b = new ConsentLedger(remembered);
    a.approve([name('a.example')], 0, 0);
    a.approve([range('8.8.4.0/24')], 1000, 0);
    expect(a.covers(name('a.example'), 5)).toBe(true);
    expect(b.covers(name('a.example'), 5)).toBe(false);
    expect(b.covers(range('8.8.4.9'), 999)).toBe(true);
    expect(b.covers(range('8.8.4.9'), 1000)).toBe(false);
  });

  describe('remembered approvals on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatecrash-approvals-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('lives in the XDG cache (absolute paths only), or nowhere with GATECRASH_NO_STORE', () => {
      expect(approvalsFile({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/gatecrash/approvals.json');
      expect(approvalsFile({ XDG_CACHE_HOME: 'relative', HOME: '/home/u' })).toMatch(/\.cache\/gatecrash\/approvals\.json$/);
      expect(approvalsFile({ GATECRASH_NO_STORE: '1' })).toBeNull();
    });

    it('survives a new process, private to the user, expired entries dropped, forged far-future ones ignored', () => {
      const path = join(dir, 'gatecrash', 'approvals.json');
      const now = Date.now();
      new FileApprovals(path).remember([name('a.example'), range('8.8.4.0/24')], now + 60_000, now);
      new FileApprovals(path).remember([name('old.example')], now + 10, now);
      const fresh = new FileApprovals(path);
      expect(fresh.current(now + 20).map(subjectLabel)).toEqual(['a.example', '8.8.4.0/24']);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'gatecrash')).mode & 0o777).toBe(0o700);
      expect(readFileSync(path, 'utf8')).not.toMatch(/key|token|Bearer/i);
      writeFileSync(
        path,
        JSON.stringify({ version: 1, approvals: [{ subject: { kind: 'name', name: 'forever.example' }, until: now + 10 * MAX_REMEMBER_MS }] }),
      );
      expect(fresh.current(now)).toEqual([]);
      writeFileSync(path, 'not json');
      expect(fresh.current(now)).toEqual([]);
    });
  });
});

describe('the gate', () => {
  const reach = (urls: string[]): Reach => reachOfUrls(urls, ['Sends things.']);
  const request = (over: Partial<ConsentRequest>): ConsentRequest => ({
    tool: 'scan_endpoint',
    args: { url: 'https://a.example/' },
    reach: reach(['https://a.example/']),
    ledger: new ConsentLedger(new MemoryApprovals()),
    policy,
    canAsk: true,
    ...over,
  });

  it('lets loopback and an operator allow-list through without a question', () => {
    expect(consentGate(request({ reach: reach(['http://127.0.0.1:8000/', 'http://localhost/']) })).kind).toBe('proceed');
    expect(consentGate(request({ policy: { allowPrivate: false, allow: ['other.example'] } })).kind).toBe('proceed');
  });

  it('asks with a form and a sealed state; an accept on the retry approves, a decline refuses', () => {
    const ledger = new ConsentLedger(new MemoryApprovals());
    const asked = consentGate(request({ ledger }));
    expect(asked.kind).toBe('ask');
    if (asked.kind !== 'ask') return;
    const [key, question] = Object.entries(asked.result.inputRequests!)[0]!;
    expect(question).toMatchObject({ method: 'elicitation/create', params: { mode: 'form' } });
    expect(JSON.stringify(question)).toContain('a.example (https://a.example)');
    const retry = { requestState: asked.result.requestState!, inputResponses: { [key]: { action: 'accept', content: { remember: 'session' } } } };
    expect(consentGate(request({ ledger, ...retry })).kind).toBe('proceed');
    expect(ledger.covers(name('a.example'))).toBe(true);
    expect(consentGate(request({ ledger })).kind).toBe('proceed');

    const again = consentGate(request({}));
    if (again.kind !== 'ask') throw new Error('not asked');
    const k = Object.keys(again.result.inputRequests!)[0]!;
    const declined = consentGate(request({ requestState: again.result.requestState!, inputResponses: { [k]: { action: 'decline' } } }));
    expect(declined).toMatchObject({ kind: 'refuse', message: expect.stringMatching(/^The user declined/) });

    // A client that cannot show the form may answer "cancel" at once: no approval, and the way to approve is said.
    const third = consentGate(request({}));
    if (third.kind !== 'ask') throw new Error('not asked');
    const k3 = Object.keys(third.result.inputRequests!)[0]!;
    const cancelled = consentGate(request({ requestState: third.result.requestState!, inputResponses: { [k3]: { action: 'cancel' } } }));
    expect(cancelled).toMatchObject({
      kind: 'refuse',
      message: expect.stringMatching(/^The question was dismissed, so Gatecrash sent nothing to a\.example\. To approve, start .* --allow a\.example/),
    });
  });

  it('an answer for another call, or with no ticket, is no answer: the question is asked again', () => {
    const first = consentGate(request({}));
    if (first.kind !== 'ask') throw new Error('not asked');
    const k = Object.keys(first.result.inputRequests!)[0]!;
    const other = consentGate(
      request({ args: { url: 'https://a.example/', budget: 2000 }, requestState: first.result.requestState!, inputResponses: { [k]: { action: 'accept' } } }),
    );
    expect(other.kind).toBe('ask');
    expect(consentGate(request({ inputResponses: { [k]: { action: 'accept' } } })).kind).toBe('ask');
  });

  it('a client that cannot ask gets the setting to use; a refused literal is refused before anything else', () => {
    const no = consentGate(request({ canAsk: false, reach: reach(['https://a.example/', 'https://8.8.4.7/']) }));
    expect(no).toMatchObject({ kind: 'refuse', message: expect.stringContaining('--allow a.example,8.8.4.7 (or GATECRASH_ALLOW=') });
    expect(consentGate(request({ reach: reach(['https://a.example/', 'http://169.254.169.254/']) }))).toMatchObject({
      kind: 'refuse',
      message: expect.stringMatching(/metadata/),
    });
  });

  it('asks once for every host of a call, listing each with its origins', () => {
    const asked = consentGate(request({ reach: reach(['https://a.example/', 'https://a.example:8443/', 'https://b.example/', 'http://127.0.0.1/']) }));
    expect(asked.kind === 'ask' && asked.result.resultType).toBe('input_required');
    const message = asked.kind === 'ask' ? JSON.stringify(Object.values(asked.result.inputRequests!)) : '';
    expect(message).toContain('a.example (https://a.example, https://a.example:8443)');
    expect(message).toContain('b.example (https://b.example)');
    expect(message).not.toContain('127.0.0.1');
  });
});

describe('localhost is this machine', () => {
  it('keeps only loopback answers for localhost names, and refuses one that has none', async () => {
    const resolver = localhostStaysLocal(async (host) =>
      host === 'mixed.localhost'
        ? [
            { address: '203.0.113.1', family: 4 },
            { address: '::1', family: 6 },
          ]
        : [{ address: '203.0.113.1', family: 4 }],
    );
    expect(await resolver('mixed.localhost')).toEqual([{ address: '::1', family: 6 }]);
    await expect(resolver('localhost')).rejects.toBeInstanceOf(GuardError);
    expect(await resolver('llm.example.com')).toEqual([{ address: '203.0.113.1', family: 4 }]);
  });
});
