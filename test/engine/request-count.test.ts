// Request economy on a single-route target (at most 60 requests against a single-route target at standard depth;
// at most 40 for the open case). One inference route, scanned without and with the user's key, through each
// way a wrapper guards it. The ceiling holds for the scan with every check, so it is the sum of the catalog's probe sets
// after sharing and deduplication; the table printed at the end is the closing note's request count per case.
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import { MAX_SHAPE_ATTEMPTS } from '../../src/engine/surface/inference.js';
import { FIXED as EXPRESS_FIXED, startExpressWrapper } from '../targets/express-wrapper.js';
import { type FastapiWrapperOptions, KEYED, OPEN, startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { startLlamaCpp } from '../targets/llamacpp.js';
import { TEST_KEY } from '../targets/mistral-model.js';
import { startTabbyapi, OPEN as TABBY_OPEN } from '../targets/tabbyapi.js';
import { startTgi } from '../targets/tgi.js';
import { startUnknownShapeWrapper } from '../targets/unknown-shape-wrapper.js';

const SINGLE_ROUTE_CEILING = 60;
const OPEN_CEILING = 40;
/**
 * A wrapper no document or validator describes, given as a bare address: the usual wrapper paths are asked prompt-less
 * (12; a second time with the user's key when every path refuses without it, to learn which exist), then the found
 * route's request shapes are tried (at most six one-token requests per way of asking).
 */
const UNKNOWN_SHAPE_CEILING = 80;

const fastapi = (options: FastapiWrapperOptions) => () => startFastapiWrapper(options);
const bearerDecorator: FastapiWrapperOptions = { auth: { mode: 'bearer-decorator', key: TEST_KEY } };
const middleware: FastapiWrapperOptions = { auth: { mode: 'middleware', header: 'X-API-Key', key: TEST_KEY } };

interface Case {
  name: string;
  start: () => Promise<RunningTarget>;
  path: string;
  headers?: Record<string, string>;
  ceiling: number;
}

const CASES: Case[] = [
  { name: 'FastAPI wrapper, no auth', start: fastapi(OPEN), path: '/generate', ceiling: OPEN_CEILING },
  { name: 'FastAPI wrapper, Depends(X-API-Key), no key given', start: fastapi(KEYED), path: '/generate', ceiling: SINGLE_ROUTE_CEILING },
  {
    name: 'FastAPI wrapper, Depends(X-API-Key), with the key',
    start: fastapi(KEYED),
    path: '/generate',
    headers: { 'X-API-Key': TEST_KEY },
    ceiling: SINGLE_ROUTE_CEILING,
  },
  { name: 'FastAPI wrapper, middleware, no key given', start: fastapi(middleware), path: '/generate', ceiling: SINGLE_ROUTE_CEILING },
  {
    name: 'FastAPI wrapper, middleware, with the key',
    start: fastapi(middleware),
    path: '/generate',
    headers: { 'X-API-Key': TEST_KEY },
    ceiling: SINGLE_ROUTE_CEILING,
  },
  {
    name: 'FastAPI wrapper, Bearer check in the endpoint, with the key',
    start: fastapi(bearerDecorator),
    path: '/generate',
    headers: { Authorization: `Bearer ${TEST_KEY}` },
    ceiling: SINGLE_ROUTE_CEILING,
  },
  {
    name: 'Express wrapper, route-level Bearer guard, no key given',
    start: () => startExpressWrapper(EXPRESS_FIXED),
    path: '/v1/generate',
    ceiling: SINGLE_ROUTE_CEILING,
  },
  {
    name: 'Express wrapper, route-level Bearer guard, with the key',
    start: () => startExpressWrapper(EXPRESS_FIXED),
    path: '/v1/generate',
    headers: { Authorization: `Bearer ${TEST_KEY}` },
    ceiling: SINGLE_ROUTE_CEILING,
  },
  { name: 'Unknown shape (form body, terse 400s), address only, open', start: () => startUnknownShapeWrapper(), path: '/', ceiling: UNKNOWN_SHAPE_CEILING },
  {
    name: 'Unknown shape, address only, X-API-Key on every path, no key given',
    start: () => startUnknownShapeWrapper({ key: TEST_KEY }),
    path: '/',
    ceiling: UNKNOWN_SHAPE_CEILING,
  },
  {
    name: 'Unknown shape, address only, X-API-Key on every path, with the key',
    start: () => startUnknownShapeWrapper({ key: TEST_KEY }),
    path: '/',
    headers: { 'X-API-Key': TEST_KEY },
    ceiling: UNKNOWN_SHAPE_CEILING,
  },
];

const table: string[] = [];
afterAll(() => {
  console.log(
    `\n| single-route target | requests sent | deduplicated | inference | ceiling | auth.missing | ` +
      `verdict |\n|---|---|---|---|---|---|---|\n${table.join('\n')}`,
  );
});

describe('requests per standard-depth scan of a single-route target', () => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const target = await c.start();
      try {
        const report = await scan({ url: target.url + c.path, ...(c.headers ? { headers: c.headers } : {}) }, { depth: 'standard' });
        const { sent, deduplicated, inference } = report.requests;
        const missing = report.rules.find((r) => r.rule === 'auth.missing')!.status;
        table.push(`| ${c.name} | ${sent} | ${deduplicated} | ${inference} | ≤ ${c.ceiling} | ${missing} | ${report.verdict.status} |`);
        // The emulator's own record agrees with the client's count: nothing was sent uncounted.
        expect(target.requests.length).toBe(sent);
        expect(report.errors).toEqual([]);
        expect(sent).toBeLessThanOrEqual(c.ceiling);
        // Every inference route gets at most a handful of request shapes per way of asking (surface/inference.ts).
        for (const r of report.surface.routes) expect(r.attempts?.length ?? 0, `${r.method} ${r.path}`).toBeLessThanOrEqual(MAX_SHAPE_ATTEMPTS);
      } finally {
        await target.close();
      }
    },
    60_000,
  );
});

describe('the cheap phase asks for product paths only when a product may be there', () => {
  const secondRound = [
    '/version',
    '/info',
    '/health/readiness',
    '/api/version',
    '/api/tags',
    '/props',
    '/get_model_info',
    '/api/extra/version',
    '/v2',
    '/v2/models/stats',
  ];
  const asked = (t: RunningTarget) => secondRound.filter((p) => t.requests.some((r) => r.method === 'GET' && r.url === p));

  it('skips the second round when /, /openapi.json and /v1/models are all 404 (no known product is served there)', async () => {
    const target = await startExpressWrapper(EXPRESS_FIXED);
    try {
      await scan({ url: `${target.url}/v1/generate` });
      expect(asked(target)).toEqual([]);
      // Nor are the dumps and docs of the products ruled out by it asked for.
      for (const p of ['/slots', '/get_server_info', '/spend/logs', '/redoc', '/api-doc/openapi.json'])
        expect(
          target.requests.some((r) => r.url === p),
          p,
        ).toBe(false);
    } finally {
      await target.close();
    }
  });

  it('skips it when every first-round path gets the same refusal (the key is checked before routing)', async () => {
    const target = await startFastapiWrapper(middleware);
    try {
      await scan({ url: `${target.url}/generate` });
      expect(asked(target)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('asks only the paths the named server serves when the first round names it beyond doubt (keyed llama.cpp: its 401 body)', async () => {
    const target = await startLlamaCpp({ apiKey: TEST_KEY });
    try {
      const report = await scan({ url: target.url });
      expect(report.fingerprint.product).toBe('llamacpp');
      // Its own /props, and the Ollama-style model list llama-server serves too.
      expect(asked(target)).toEqual(['/api/tags', '/props']);
    } finally {
      await target.close();
    }
  });

  it("still asks other products' paths that the named server serves too (open TabbyAPI: llama.cpp's /props)", async () => {
    const target = await startTabbyapi(TABBY_OPEN);
    try {
      const report = await scan({ url: target.url });
      expect(report.fingerprint.product).toBe('tabbyapi');
      // llama.cpp's /props and KoboldCpp's version route, which TabbyAPI serves as well; no other product's.
      expect(asked(target)).toEqual(['/props', '/api/extra/version']);
      // What it discloses there (the model's path and settings) is part of the inventory finding.
      expect(report.findings.find((f) => f.rule === 'exposure.model-inventory')?.severity).toBe('medium');
    } finally {
      await target.close();
    }
  });

  it('asks every product path when the first round only leans to a product (TGI before its /info answered)', async () => {
    const target = await startTgi();
    try {
      const report = await scan({ url: target.url });
      expect(report.fingerprint.product).toBe('tgi');
      expect(asked(target)).toEqual(secondRound);
    } finally {
      await target.close();
    }
  });

  it('sends it when a first-round path answered (an OpenAPI document here)', async () => {
    const target = await startFastapiWrapper(KEYED);
    try {
      await scan({ url: `${target.url}/generate` });
      expect(asked(target)).toEqual(secondRound);
    } finally {
      await target.close();
    }
  });
});
