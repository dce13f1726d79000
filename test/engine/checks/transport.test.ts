// transport.cleartext: the loopback decision as a pure function (tests run on loopback, so the non-loopback inputs are
// exercised here), the end-to-end "not reported on loopback" path, and the reported path on a real loopback surface.
import { describe, expect, it } from 'vitest';
import { buildFinding } from '../../../src/engine/findings.js';
import { ScanClient } from '../../../src/engine/http/client.js';
import { resolveScanOptions } from '../../../src/engine/options.js';
import type { CheckContext } from '../../../src/engine/rules/define.js';
import transportCleartext, { isLoopbackTarget } from '../../../src/engine/rules/transport-cleartext/check.js';
import { discoverSurface } from '../../../src/engine/surface/discover.js';
import { createTarget } from '../../../src/engine/target.js';
import { startCorsServer } from '../../targets/cors-server.js';
import { type RunningTarget, startTarget } from '../../targets/harness.js';
import { startLlamaCpp } from '../../targets/llamacpp.js';
import { TEST_KEY } from '../../targets/mistral-model.js';
import { findingsOf, scanEmulator } from './exposure-scan.js';

describe('isLoopbackTarget', () => {
  it.each([['127.0.0.1'], ['127.8.9.10'], ['[::1]'], ['::1'], ['localhost'], ['LOCALHOST.'], ['api.localhost'], ['[::ffff:127.0.0.1]']])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackTarget(host)).toBe(true);
    },
  );

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

  // Tests only ever talk to loopback (a private or public address, even one of this machine's own interfaces, is never a
  // target here). The check sends nothing of its own, so its "reported" path is exercised on a real discovery surface of a
  // loopback server, with the pinned address the check judges by set to a documentation address (RFC 5737) never contacted.
  async function runCheckAs(address: string, start: () => Promise<RunningTarget>) {
    const server = await start();
    try {
      const target = { ...createTarget(`${server.url}/v1/chat/completions`), address };
      const client = new ScanClient({
        target,
        pinned: { address: '127.0.0.1', family: 4 },
        budget: 40,
        concurrency: 4,
        readCapBytes: 65536,
        signal: new AbortController().signal,
      });
      const surface = await discoverSurface(target, (p) => client.send(p));
      await client.close();
      const marks: string[] = [];
      const ctx: CheckContext = {
        target,
        surface,
        options: resolveScanOptions(),
        signal: new AbortController().signal,
        send: () => {
          throw new Error('transport.cleartext must not send');
        },
        finding: (fi) => buildFinding(fi, surface, 2048),
        mark: (_r, status, reason) => marks.push(`${status}: ${reason}`),
        settled: [],
      };
      return { findings: await transportCleartext.run(ctx), marks };
    } finally {
      await server.close();
    }
  }

  it('is reported when the pinned address is not this machine and an inference route answered over http://', async () => {
    const { findings } = await runCheckAs('203.0.113.7', () => startCorsServer({ cors: 'none' }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'transport.cleartext', severity: 'medium', confidence: 'confirmed', cwe: ['CWE-319'] });
    expect(findings[0]!.description).toContain('203.0.113.7');
  });

  it('is not reported for a plain-HTTP listener that only redirects to https', async () => {
    const redirector = () =>
      startTarget(
        (req, res) => {
          res.writeHead(301, { location: `https://inference.example${req.url}`, 'content-length': 0 });
          res.end();
        },
        { serverHeader: 'nginx' },
      );
    const { findings, marks } = await runCheckAs('203.0.113.7', redirector);
    expect(findings).toHaveLength(0);
    expect(marks.join()).toMatch(/inconclusive/);
  });
});
