// The SSRF guard: metadata always refused, private only when allowed, every resolved answer checked, URL tricks normalized.
import { describe, expect, it } from 'vitest';
import { classifyAddress, GuardError, type Resolver, resolveAndPin } from '../../src/engine/http/guard.js';

const policy = { allowPrivate: false, allow: [] as string[] };
const resolverFor =
  (answers: Record<string, string[]>): Resolver =>
  async (host) => {
    const a = answers[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['8.8.8.8', 'public'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fe80::1', 'metadata'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['0.0.0.0', 'forbidden'],
    ['::', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address).cls).toBe(cls);
  });
});

describe('resolveAndPin', () => {
  it('refuses cloud metadata in every spelling the URL parser accepts', async () => {
    for (const url of [
      'http://169.254.169.254/',
      'http://2852039166/',
      'http://0xa9fea9fe/',
      'http://0251.0376.0251.0376/',
      'http://[::ffff:169.254.169.254]/',
      'http://good@169.254.169.254/',
    ]) {
      await expect(resolveAndPin(new URL(url), { allowPrivate: true, allow: [] }), url).rejects.toBeInstanceOf(GuardError);
    }
  });

  it('refuses private addresses by default and allows them with allowPrivate', async () => {
    await expect(resolveAndPin(new URL('http://10.0.0.5:8000/'), policy)).rejects.toThrow(/--allow-private/);
    await expect(resolveAndPin(new URL('http://10.0.0.5:8000/'), { allowPrivate: true, allow: [] })).resolves.toEqual({ address: '10.0.0.5', family: 4 });
  });

  it('allows loopback and pins the first answer', async () => {
    await expect(resolveAndPin(new URL('http://127.0.0.1:1/'), policy)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    const r = resolverFor({ 'llm.example': ['93.184.216.34', '93.184.216.35'] });
    await expect(resolveAndPin(new URL('http://llm.example/'), policy, r)).resolves.toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('refuses a name any of whose answers is forbidden (mixed answers are a rebinding trick)', async () => {
    const r = resolverFor({ 'evil.example': ['93.184.216.34', '169.254.169.254'] });
    await expect(resolveAndPin(new URL('http://evil.example/'), policy, r)).rejects.toThrow(/metadata/);
  });

  it('says a host does not resolve, and refuses non-http schemes and userinfo', async () => {
    await expect(resolveAndPin(new URL('http://nope.invalid/'), policy, resolverFor({}))).rejects.toThrow(/does not resolve/);
    await expect(resolveAndPin(new URL('file:///etc/passwd'), policy)).rejects.toThrow(/Only http/);
    await expect(resolveAndPin(new URL('http://user:pw@127.0.0.1/'), policy)).rejects.toThrow(/credentials/);
  });

  it('honours the allow-list', async () => {
    const r = resolverFor({ 'llm.example': ['93.184.216.34'] });
    await expect(resolveAndPin(new URL('http://llm.example/'), { allowPrivate: false, allow: ['other.example'] }, r)).rejects.toThrow(/allow-list/);
    await expect(resolveAndPin(new URL('http://llm.example/'), { allowPrivate: false, allow: ['llm.example.'] }, r)).resolves.toBeDefined();
    await expect(resolveAndPin(new URL('http://10.0.0.9/'), { allowPrivate: false, allow: ['10.0.0.0/24'] })).resolves.toBeDefined();
  });
});
