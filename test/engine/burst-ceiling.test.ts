// What the consent question promises ("a burst of up to N wrong API keys") holds against real bursts: a keyed server,
// and the worst server for the count, one that refuses random keys but answers every crafted value otherwise (so none
// of them counts toward the refusals the burst runs until).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burstCeiling, scan } from '../../src/engine/scan.js';
import type { Depth, Exchange } from '../../src/engine/types.js';
import { type RunningTarget, sendJson, startTarget } from '../targets/harness.js';
import { KEYED, startOpenAICompatible } from '../targets/openai-compatible.js';

/** A wrapper whose key check refuses long (random) keys and no key at all, and answers 400 to a short crafted value. */
function startTreacherous(): Promise<RunningTarget> {
  return startTarget((req, res, raw) => {
    if (req.path !== '/generate') return sendJson(res, 404, { detail: 'Not Found' });
    const values = ['authorization', 'x-api-key'].map((h) => raw.headers[h]).filter((v): v is string => typeof v === 'string');
    if (values.length === 0 || values.some((v) => v.replace(/^Bearer /, '').length >= 16)) return sendJson(res, 401, { detail: 'Unauthorized' });
    return sendJson(res, 400, { detail: 'Bad key format' });
  });
}

async function burstOf(url: string, depth: Depth): Promise<number> {
  const exchanges: Exchange[] = [];
  await scan({ url }, { depth, budget: 2000, timeoutMs: 60_000 }, { onExchange: (e) => exchanges.push(e) });
  return exchanges.filter((e) => e.probe.purpose.startsWith('wrong credential ')).length;
}

describe('the wrong-key burst stays under the ceiling the person is told', () => {
  let keyed: RunningTarget;
  let treacherous: RunningTarget;
  beforeAll(async () => {
    [keyed, treacherous] = await Promise.all([startOpenAICompatible(KEYED), startTreacherous()]);
  });
  afterAll(async () => {
    await Promise.all([keyed?.close(), treacherous?.close()]);
  });

  it('none at quick depth', () => {
    expect(burstCeiling('quick')).toBe(0);
  });

  for (const depth of ['standard', 'deep'] as const) {
    it(`${depth}: a keyed server, and the worst case`, async () => {
      const ceiling = burstCeiling(depth);
      const [usual, worst] = await Promise.all([burstOf(`${keyed.url}/v1/chat/completions`, depth), burstOf(`${treacherous.url}/generate`, depth)]);
      expect(usual).toBeGreaterThan(0);
      expect(usual).toBeLessThanOrEqual(ceiling);
      expect(worst).toBeGreaterThan(usual);
      expect(worst).toBeLessThanOrEqual(ceiling);
      console.log(`${depth}: keyed server ${usual}, worst case ${worst}, ceiling ${ceiling}`);
    });
  }
});
