// Hostile callers: every tool's input fuzzed with fast-check through a real client/server pair (in memory), and the
// HTTP front door fed garbage. The property: always a result or an isError with a sentence — never a thrown protocol
// error, a stack trace, the handler's "failed unexpectedly" safety net, or an echoed credential — and the server
// keeps serving.
//
// Safety: fuzzed URLs must never reach a non-loopback address. Generated hosts are loopback (with a port we own),
// names under the reserved .invalid TLD, or literal addresses the guard refuses; every string is confined again before
// sending (confine()), and the server runs with an operator allow-list of loopback only, so the guard is a second wall.
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config.js';
import { classifyAddress } from '../../src/engine/http/guard.js';
import { PRODUCT_IDS } from '../../src/engine/types.js';
import { createServer } from '../../src/server.js';
import { type RunningHttpServer, serveHttp } from '../../src/transport/http.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';

const SECRET = 'sk-fuzz-SECRET-4f1c9e';
const LOOPBACK_ONLY = ['127.0.0.0/8', '::1'];
const RUNS = Number(process.env.GATECRASH_FUZZ_RUNS ?? 60);

let live: RunningTarget;
let closedPort: number;

/** A port that was just free on loopback: connecting to it is refused at once. */
async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** True when a connection to this host could leave loopback: a public address, or a name outside .invalid / localhost. */
function unsafeHost(hostname: string): boolean {
  const h = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (h === '' || h === 'localhost' || h.endsWith('.invalid')) return false;
  const { cls, range } = classifyAddress(h);
  if (range === 'unparseable') return true; // a name that would be resolved
  return cls === 'public';
}

/**
 * Applies the engine's own reading of a URL (createTarget prefixes http:// to a bare host) and, when the host could
 * leave loopback, moves it under .invalid; a loopback host without a port gets our closed port (nothing else of this
 * machine is touched).
 */
function confine(raw: string): string {
  const trimmed = raw.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    return raw; // the engine refuses it before any lookup
  }
  if (unsafeHost(url.hostname)) {
    url.hostname = 'fuzz.invalid';
    return url.toString();
  }
  if (url.port === '' && classifyAddress(url.hostname.replace(/^\[|\]$/g, '')).cls === 'loopback') {
    url.port = String(closedPort);
    return url.toString();
  }
  return raw;
}

/**
 * Every string that could name a host is confined: under a URL-ish key always (the engine reads a bare word as a
 * host), elsewhere when it looks like a URL or an address; header values are left hostile.
 */
function confineDeep(v: unknown, key = ''): unknown {
  if (/^headers$/i.test(key)) return v; // header values are sent to the (confined) target, never connected to
  if (typeof v === 'string') return /url|uri|target|host|endpoint/i.test(key) || /[:./@\\]/.test(v) ? confine(v) : v;
  if (Array.isArray(v)) return v.map((x) => confineDeep(x, key));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, confineDeep(x, k)]));
  return v;
}

const hugeString = fc.oneof(fc.constant('x'.repeat(70_000)), fc.string({ minLength: 2049, maxLength: 5000 }), fc.constant('\u{1F4A9}'.repeat(3000)));
const weirdString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '\0', '\r\n', '\u202e', '%00', '../..', '{{7*7}}', '<script>'),
  hugeString,
);

const pathArb = fc.oneof(
  fc.constantFrom('/generate', '/', '', '/v1/chat/completions', '/%00', '/../../etc/passwd', '/generate?x=1#frag'),
  weirdString.map((s) => `/${s}`),
);

const urlArb = fc.oneof(
  // The live emulator under loopback spellings, with hostile paths and queries: full scans run.
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          'http://127.0.0.1',
          'http://localhost',
          'http://127.1',
          'http://2130706433',
          'http://0x7f000001',
          'HTTP://127.0.0.1.',
          'http://LOCALHOST',
        ),
        fc.oneof(fc.constant('/generate'), pathArb),
        fc.oneof(
          fc.constant(''),
          weirdString.map((q) => `?${q}`),
        ),
      )
      .map(([origin, path, query]) => `${origin}:${live.port}${path}${query}`),
  },
  // Structured: every part weird on its own, hosts from the safe set.
  {
    weight: 3,
    arbitrary: fc
      .record({
        scheme: fc.constantFrom('http://', 'https://', 'HTTP://', 'ftp://', 'file://', 'javascript:', 'gopher://', '//', ''),
        userinfo: fc.constantFrom('', '', '', 'user:pass@', 'good@', '%40@'),
        host: fc.constantFrom(
          '127.0.0.1',
          'localhost',
          '[::1]',
          '127.1',
          '2130706433',
          '0x7f000001',
          '0177.0.0.1',
          '127.0.0.1.',
          'LOCALHOST',
          'a.invalid',
          'scanner-target.invalid',
          'ünïcödé.invalid',
          'xn--n3h.invalid',
          'exa mple.invalid',
          '',
          '169.254.169.254',
          '[::ffff:169.254.169.254]',
          '[fd00:ec2::254]',
          '10.0.0.1',
          '192.168.1.1',
          '0.0.0.0',
          '[::]',
          '224.0.0.1',
          '255.255.255.255',
        ),
        port: fc.constantFrom('LIVE', 'CLOSED', 'CLOSED', ':0', ':65536', ':99999', ':-1', ':abc', ':'),
        path: pathArb,
      })
      .map(({ scheme, userinfo, host, port, path }) => {
        const p = port === 'LIVE' ? `:${live.port}` : port === 'CLOSED' ? `:${closedPort}` : port;
        return `${scheme}${userinfo}${host}${p}${path}`;
      }),
  },
  // Anything at all (confined afterwards).
  { weight: 1, arbitrary: weirdString },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', 'ht!tp://nope', 'http://', 'http://[::1', 'http://127.0.0.1:notaport/') },
);

const headerName = fc.oneof(fc.constantFrom('Authorization', 'X-API-Key', 'Host', 'Content-Length', 'Transfer-Encoding', 'Connection', 'Cookie'), weirdString);
const headerValue = fc.oneof(
  fc.constant(SECRET),
  fc.constant(`Bearer ${SECRET}`),
  fc.constantFrom(`${SECRET}\r\nX-Injected: 1`, `${SECRET}\0`, ''),
  fc.string({ maxLength: 50 }).map((s) => `${s}${SECRET}`),
  hugeString,
);
const headersArb = fc.oneof(fc.dictionary(headerName, headerValue, { maxKeys: 4 }), fc.anything(), fc.constant(null));

const junk = fc.oneof(fc.anything(), fc.constantFrom(null, true, -1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1.5, '', '42', [], {}));
const numberArb = fc.oneof(
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double(),
  fc.constantFrom(0, 1, 999, 1000, 1001, 2000, 2001, 600000, 600001, -0, 1e21),
  junk,
);

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
}

/** A value of the declared type and within declared bounds, but with hostile content. */
function validFor(name: string, s: JsonSchema): fc.Arbitrary<unknown> {
  if (/url/i.test(name)) return urlArb.map((u) => u.slice(0, s.maxLength ?? 2048));
  if (/headers/i.test(name))
    return fc.dictionary(
      fc.oneof(
        headerName,
        headerName.map((n) => n.slice(0, 256)),
      ),
      headerValue.map((v) => v.slice(0, 8192)),
      { maxKeys: 4 },
    );
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'integer' || s.type === 'number') {
    const min = s.minimum ?? -1e9;
    const max = s.maximum ?? 1e9;
    return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
  }
  if (s.type === 'string') return s.maxLength ? weirdString.map((x) => x.slice(0, s.maxLength)) : weirdString;
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'object') return fc.dictionary(weirdString, weirdString, { maxKeys: 4 });
  if (s.type === 'array') return fc.array(weirdString, { maxLength: 4 });
  return junk;
}

/** The wrong type, out of range, or over length. */
function invalidFor(name: string, s: JsonSchema): fc.Arbitrary<unknown> {
  const wrong: fc.Arbitrary<unknown>[] = [junk];
  if (/headers/i.test(name))
    wrong.push(headersArb, fc.constant({ 'X-Key': 42 }), fc.constant({ [`X-${'a'.repeat(300)}`]: 'v' }), fc.constant({ A: 'v'.repeat(9000) }));
  if (s.type === 'integer' || s.type === 'number') {
    wrong.push(numberArb);
    if (s.minimum !== undefined) wrong.push(fc.constant(s.minimum - 1), fc.constant(-1e21));
    if (s.maximum !== undefined) wrong.push(fc.constant(s.maximum + 1), fc.constant(1e21), fc.constant(s.maximum + 0.5));
  }
  if (s.type === 'string' || /url/i.test(name)) wrong.push(hugeString, fc.constant(''));
  if (s.enum) wrong.push(weirdString, fc.constantFrom(...s.enum.map((e) => String(e).toUpperCase()), 'deep ', 'DEEP'));
  return fc.oneof(...wrong);
}

/**
 * Arguments for one tool, driven by its published inputSchema (so tools added later are fuzzed too): mostly every
 * field well-typed with hostile content (the handler runs), sometimes one field wrong (the schema answers), sometimes
 * unknown keys or not an object at all.
 */
function argsFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const props = Object.entries(schema.properties ?? {});
  const valid = fc.record(Object.fromEntries(props.map(([name, s]) => [name, validFor(name, s)])), { requiredKeys: schema.required ?? [] });
  const oneWrong = props.length
    ? fc.tuple(valid, fc.constantFrom(...props)).chain(([v, [name, s]]) => invalidFor(name, s).map((bad) => ({ ...v, [name]: bad })))
    : valid;
  const extra = fc.tuple(valid, fc.dictionary(fc.string(), junk, { maxKeys: 3 })).map(([v, x]) => ({ ...x, ...v }));
  return fc.oneof({ weight: 8, arbitrary: valid }, { weight: 3, arbitrary: oneWrong }, { weight: 1, arbitrary: extra }, { weight: 1, arbitrary: junk });
}

const STACK = /\n\s+at .+(\(|\s)\S+:\d+:\d+\)?|node:internal|file:\/\/\/|\/node_modules\//;

describe('fuzzed tool inputs (fast-check, in-memory client/server pair)', () => {
  let client: Client;

  beforeAll(async () => {
    [live, closedPort] = await Promise.all([startFastapiWrapper({}), freePort()]);
    // Operator settings a model cannot lift: loopback only, small default budget and deadline.
    const server = createServer({ settings: { allowPrivate: false, allow: LOOPBACK_ONLY, budget: 40, timeoutMs: 5000 } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    client = new Client({ name: 'fuzz', version: '0.0.0' });
    await client.connect(clientSide);
  });
  afterAll(async () => {
    await client?.close();
    await live?.close();
  });

  it('the confinement itself keeps every generated URL on loopback, under .invalid, or refused by the guard', () => {
    fc.assert(
      fc.property(urlArb, (raw) => {
        const confined = confine(raw);
        let url: URL;
        try {
          url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(confined.trim()) ? confined.trim() : `http://${confined.trim()}`);
        } catch {
          return;
        }
        expect(unsafeHost(url.hostname), confined).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('every tool answers every input with a result or an isError sentence, and the server survives', async () => {
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThanOrEqual(3);
    const failures: string[] = [];
    for (const tool of tools) {
      await fc
        .assert(
          fc.asyncProperty(argsFor(tool.inputSchema as JsonSchema), async (rawArgs) => {
            const args = confineDeep(rawArgs);
            const isObject = typeof args === 'object' && args !== null && !Array.isArray(args);
            let result: Awaited<ReturnType<Client['callTool']>>;
            try {
              result = await client.callTool({ name: tool.name, arguments: args as Record<string, unknown> }, { timeout: 60_000 });
            } catch (e) {
              // `arguments` that is not an object breaks the tools/call envelope itself: JSON-RPC invalid params is the
              // spec's answer there, as long as it is a sentence and not a trace. Any other throw is a failure.
              const err = e as { code?: number; message: string };
              if (!isObject && err.code === -32602 && !STACK.test(err.message)) return;
              throw new Error(`${tool.name} threw a protocol error for ${JSON.stringify(args)?.slice(0, 300)}: ${err.code} ${err.message}`);
            }
            const text = JSON.stringify(result);
            expect(Array.isArray(result.content), tool.name).toBe(true);
            expect(text, `${tool.name}: stack trace on the wire`).not.toMatch(STACK);
            expect(text, `${tool.name}: the handler crashed into the safety net`).not.toMatch(/failed unexpectedly/);
            expect(text, `${tool.name}: a credential was echoed`).not.toContain(SECRET);
            if (result.isError) {
              const first = (result.content as { type: string; text?: string }[])[0];
              expect(first?.type).toBe('text');
              expect((first?.text ?? '').length).toBeGreaterThan(10);
            } else if (tool.outputSchema) {
              expect(result.structuredContent, tool.name).toBeDefined();
            }
          }),
          { numRuns: RUNS, endOnFailure: true, interruptAfterTimeLimit: 60_000 },
        )
        .catch((e: Error) =>
          failures.push(`${e.message.slice(0, 1500)}\n  cause: ${String((e.cause as Error | undefined)?.message ?? e.cause).slice(0, 1500)}`),
        );
    }
    expect(failures).toEqual([]);
    // Still serving, and still scanning correctly.
    await client.ping();
    const ok = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${live.url}/generate`, depth: 'quick' } });
    expect(ok.isError).toBeFalsy();
  }, 300_000);

  it('hint and depth accept exactly their enums', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string().filter((s) => !(PRODUCT_IDS as readonly string[]).includes(s)),
        async (hint) => {
          const r = await client.callTool({ name: 'scan_endpoint', arguments: { url: `${live.url}/generate`, hint } });
          expect(r.isError).toBe(true);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('fuzzed HTTP callers (gatecrash serve in-process)', () => {
  let srv: RunningHttpServer;
  beforeAll(async () => {
    srv = await serveHttp(ConfigSchema.parse({ port: 0, token: 'fuzz-token-0123456789abcdef', allow: LOOPBACK_ONLY, timeoutMs: 5000 }), {
      print: () => undefined,
    });
  });
  afterAll(async () => {
    await srv?.close();
  });

  const bodyArb = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 2000 }),
    fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
    fc
      .record(
        {
          jsonrpc: fc.oneof(fc.constant('2.0'), junk),
          id: fc.oneof(fc.integer(), fc.string(), junk),
          method: fc.oneof(
            fc.constantFrom('initialize', 'tools/list', 'tools/call', 'ping', 'notifications/cancelled', 'server/discover', 'resources/read'),
            weirdString,
          ),
          params: junk,
        },
        { requiredKeys: [] },
      )
      .map((m) => JSON.stringify(m)),
    fc
      .array(fc.record({ jsonrpc: fc.constant('2.0'), id: fc.integer(), method: fc.constantFrom('ping', 'tools/list') }), { maxLength: 5 })
      .map((a) => JSON.stringify(a)),
  );
  const headersArb2 = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', ''),
      accept: fc.constantFrom('application/json, text/event-stream', 'text/event-stream', '*/*', ''),
      'mcp-protocol-version': fc.constantFrom('2025-06-18', '2026-07-28', '1999-01-01', 'garbage'),
      'mcp-session-id': fc.constantFrom('nope', '00000000-0000-0000-0000-000000000000'),
    },
    { requiredKeys: ['content-type', 'accept'] },
  );

  it('answers garbage with an HTTP status and a body without stack traces, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('POST', 'GET', 'DELETE', 'PUT', 'OPTIONS'), bodyArb, headersArb2, async (method, body, headers) => {
        const init: RequestInit = {
          method,
          headers: { ...Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== '')), authorization: `Bearer ${srv.token}` },
        };
        if (method === 'POST' || method === 'PUT') init.body = body;
        const res = await fetch(srv.url, { ...init, signal: AbortSignal.timeout(15_000) });
        // SSE answers (a valid request) are not read: a GET stream would stay open.
        const stream = res.headers.get('content-type')?.includes('text/event-stream') ?? false;
        const text = stream ? '' : await res.text();
        if (stream) await res.body?.cancel();
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
        expect(text).not.toMatch(STACK);
      }),
      { numRuns: RUNS * 4 },
    );
    const ok = await fetch(srv.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'f', version: '0' } },
      }),
    });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  }, 120_000);
});
