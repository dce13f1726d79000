// transport.cleartext: the loopback decision as a pure function (tests run on loopback, so the non-loopback inputs are
// exercised here), the end-to-end "not reported on loopback" path, and, where this machine has a non-loopback interface,
// the end-to-end finding against a server bound to it.
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isLoopbackTarget } from '../../../src/engine/checks/transport-cleartext.js';
import { classifyAddress } from '../../../src/engine/http/guard.js';
import { startCorsServer } from '../../targets/cors-server.js';
import { startTarget } from '../../targets/harness.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { findingsOf, scanEmulator } from './exposure-scan.js';

describe('isLoopbackTarget', () => {
  it.each([
    ['127.0.0.1'],
    ['127.8.9.10'],
    ['[::1]'],
    ['::1'],
    ['localhost'],
    ['LOCALHOST.'],
    ['api.localhost'],
    ['[::ffff:127.0.0.1]'],
  ])('%s is loopback', (host) => {
    expect(isLoopbackTarget(host)).toBe(true);
  });

  it.each([
    ['10.0.0.12'],
    ['192.168.1.20'],
    ['172.16.5.4'],
    ['8.8.8.8'],
    ['[fd00::2]'],
    ['[2001:db8::1]'],
    ['inference.example.com'],
    ['localhost.example.com'],
    ['127.0.0.1.nip.io'],
    ['0.0.0.0'],
  ])('%s is not loopback', (host) => {
    expect(isLoopbackTarget(host)).toBe(false);
  });

  it('judges by the pinned address when the scan knows it', () => {
    // A name that resolves to loopback never leaves the machine; `localhost` mapped elsewhere does.
    expect(isLoopbackTarget('inference.internal', '127.0.0.1')).toBe(true);
    expect(isLoopbackTarget('inference.internal', '::1')).toBe(true);
    expect(isLoopbackTarget('localhost', '10.1.2.3')).toBe(false);
    expect(isLoopbackTarget('inference.internal', '203.0.113.7')).toBe(false);
  });
});

describe('transport.cleartext end to end', () => {
  it('is not reported for a plain-HTTP server on 127.0.0.1, open or keyed', async () => {
    for (const start of [() => startLlamaCpp({}), () => startLlamaCpp({ apiKey: TEST_KEY })]) {
      const out = await scanEmulator(start);
      expect(findingsOf(out.report, 'transport.cleartext')).toHaveLength(0);
      expect(out.report.rules.find((r) => r.rule === 'transport.cleartext')?.status).toBe('pass');
    }
  });

  it('is not reported for a name that resolves to loopback (the pinned address decides)', async () => {
    const out = await scanEmulator(() => startLlamaCpp({}), {
      url: (t) => `http://inference.internal:${t.port}/`,
      hooks: { resolver: async () => [{ address: '127.0.0.1', family: 4 }] },
    });
    expect(out.report.requests.sent).toBeGreaterThan(0);
    expect(findingsOf(out.report, 'transport.cleartext')).toHaveLength(0);
  });

  // A non-loopback address of this machine that the guard lets a scan reach (with --allow-private when private).
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((a): a is NonNullable<typeof a> => !!a && !a.internal && !a.address.startsWith('fe80'))
    .map((a) => ({ address: a.address, family: a.family === 'IPv6' ? 6 : 4, cls: classifyAddress(a.address).cls }))
    .find((a) => a.cls === 'private' || a.cls === 'public');

  it.skipIf(!external)(`is reported for a plain-HTTP inference server on a non-loopback address (${external?.address ?? 'none here'})`, async () => {
    const host = external!.address;
    const literal = external!.family === 6 ? `[${host}]` : host;
    const out = await scanEmulator(() => startCorsServer({ cors: 'none', host }), {
      url: (t) => `http://${literal}:${t.port}/v1/chat/completions`,
      options: { allowPrivate: true },
    });
    const found = findingsOf(out.report, 'transport.cleartext');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'medium', confidence: 'confirmed', cwe: ['CWE-319'] });
    expect(found[0]!.evidence.request.url.startsWith(`http://${literal}:`)).toBe(true);
  });

  it.skipIf(!external)('is not reported for a plain-HTTP listener that only redirects to https', async () => {
    const host = external!.address;
    const literal = external!.family === 6 ? `[${host}]` : host;
    const redirector = () =>
      startTarget((req, res) => {
        res.writeHead(301, { location: `https://${literal}${req.url}`, 'content-length': 0 });
        res.end();
      }, { host, serverHeader: 'nginx' });
    const out = await scanEmulator(redirector, { url: (t) => `http://${literal}:${t.port}/v1/chat/completions`, options: { allowPrivate: true } });
    expect(out.report.requests.sent).toBeGreaterThan(0);
    expect(findingsOf(out.report, 'transport.cleartext')).toHaveLength(0);
  });
});
