// The inventory's faces (JSON, CSV, Markdown, terminal) with hostile strings from a target, and merge's rules for
// shards of a sweep and of a batch.
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/batch.js';
import type { FleetService, SweepStats } from '../../src/engine/fleet/types.js';
import type { ScanReport } from '../../src/engine/types.js';
import { type BatchReport, BatchShardSchema } from '../../src/report/batch.js';
import {
  buildInventory,
  csvField,
  type Inventory,
  InventoryFormatError,
  InventorySchema,
  inventoryJsonSchema,
  parseInventory,
  renderInventory,
  toInventoryCsv,
} from '../../src/report/inventory.js';
import { MergeError, mergeBatches, mergeInventories } from '../../src/report/merge.js';
import { compileReportJsonSchema } from './helpers.js';
import { liveMarkup } from './markdown-live.js';

const stats = (over: Partial<SweepStats> = {}): SweepStats => ({
  hosts: 4,
  refused: 0,
  unresolved: 0,
  probes: 8,
  open: 1,
  closed: 7,
  filtered: 0,
  unreachable: 0,
  notHttp: 0,
  services: 1,
  llm: 1,
  ...over,
});

const service = (address: string, port: number, over: Partial<FleetService> = {}): FleetService => ({
  address,
  port,
  host: null,
  scheme: 'http',
  url: `http://${address}:${port}/`,
  product: 'ollama',
  productName: 'Ollama',
  version: '0.17.4',
  confidence: 0.99,
  auth: 'open',
  llm: true,
  models: ['mistral:latest'],
  ...over,
});

const inventory = (services: FleetService[], over: Partial<Inventory> = {}): Inventory =>
  buildInventory('0.1.0', {
    scope: ['10.0.0.0/30'],
    ports: [8000, 11434],
    partial: false,
    stats: stats({ services: services.length, llm: services.filter((s) => s.llm).length }),
    services,
    errors: [],
    ...over,
  });

describe('inventory faces', () => {
  const hostile = service('10.0.0.2', 11434, {
    version: '=HYPERLINK("http://evil.test","click")',
    models: ['<script>alert(1)</script>', 'a|b', '\x1b[2J@everyone', '+cmd'],
    note: 'line\nbreak, "quoted"',
  });
  const inv = inventory([hostile, service('10.0.0.1', 8000, { product: 'vllm', productName: 'vLLM', auth: 'keyed', models: [] })]);

  it('JSON is the schema, in a stable key order, and valid against the published JSON Schema', () => {
    const text = renderInventory(inv, 'json');
    expect(parseInventory(text)).toEqual(InventorySchema.parse(inv));
    expect(renderInventory(parseInventory(text), 'json')).toBe(text);
    const validate = compileReportJsonSchema(inventoryJsonSchema());
    expect(validate(JSON.parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('CSV quotes per RFC 4180 and defuses spreadsheet formulas the target chose', () => {
    const csv = toInventoryCsv(inv);
    const [header, first] = csv.split('\r\n');
    expect(header).toBe('address,port,host,scheme,url,product,product_name,version,confidence,auth,llm,models,note');
    expect(first).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    expect(first).toContain('\\x1b[2J@everyone');
    expect(first).toContain('"line\\x0abreak, ""quoted"""');
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csv).not.toMatch(/\x1b/);
  });

  it('Markdown and the terminal show the target strings as text, never as markup or escapes', () => {
    const md = renderInventory(inv, 'markdown');
    // Model ids are the server's words: quoted, in code spans, where nothing is markup (read by a real renderer).
    const live = liveMarkup(md);
    expect(live.html).toEqual([]);
    expect(live.mentions).toEqual([]);
    expect(live.code).toContain('⟦<script>alert(1)</script>⟧');
    expect(md).toContain('`⟦a\\|b⟧`');
    expect(md).not.toMatch(/\x1b/);
    expect(md).toMatch(/\| Ollama \| 1 \| 0 \| 0 \| 1 \|/);
    const pretty = renderInventory(inv, 'pretty');
    expect(pretty).not.toMatch(/\x1b/);
    // The server's words are quoted there: escape sequences removed whole, the first model id and a count of the rest.
    expect(pretty).toContain('⟦<script>alert(1)</script>⟧ +3');
    expect(pretty).not.toContain('[2J');
  });

  it('refuses SARIF for an inventory without scans', () => {
    expect(() => renderInventory(inv, 'sarif')).toThrow(InventoryFormatError);
  });
});

describe('merge of inventories', () => {
  const a = service('10.0.0.1', 8000);
  const b = service('10.0.0.2', 8000);
  const c = service('10.0.0.3', 11434);
  const whole = inventory([a, b, c], { stats: stats({ services: 3, llm: 3 }) });

  it('puts the shards of one sweep back into the single run: services in order, counts summed, shard marks gone', () => {
    const shards = [
      inventory([b], { shard: { index: 1, count: 3 }, stats: stats({ hosts: 2, probes: 4, open: 1, closed: 3, services: 1, llm: 1 }) }),
      inventory([c, a], { shard: { index: 2, count: 3 }, stats: stats({ hosts: 1, probes: 2, open: 0, closed: 2, services: 2, llm: 2 }) }),
      inventory([], { shard: { index: 3, count: 3 }, stats: stats({ hosts: 1, probes: 2, open: 0, closed: 2, services: 0, llm: 0 }) }),
    ];
    const merged = mergeInventories(shards.reverse());
    expect(merged.shard).toBeUndefined();
    expect(merged.services.map((s) => s.address)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(merged.stats).toEqual(stats({ hosts: 4, probes: 8, open: 1, closed: 7, services: 3, llm: 3 }));
    expect(renderInventory(merged, 'json')).toBe(renderInventory({ ...whole, stats: merged.stats }, 'json'));
  });

  it('refuses a missing or repeated shard, shards of different sweeps, and shards mixed with whole runs', () => {
    const s = (index: number, count = 3, over: Partial<Inventory> = {}) => inventory([], { shard: { index, count }, ...over });
    expect(() => mergeInventories([s(1), s(3)])).toThrow(/Shard 2\/3 is missing/);
    expect(() => mergeInventories([s(1), s(2), s(2), s(3)])).toThrow(/Shard 2\/3 is given more than once/);
    expect(() => mergeInventories([s(1, 2), s(2, 3)])).toThrow(/different numbers of shards/);
    expect(() => mergeInventories([s(1, 2), s(2, 2, { ports: [1] })])).toThrow(/different scopes or ports/);
    expect(() => mergeInventories([s(1, 2), whole])).toThrow(MergeError);
  });

  it('joins separate sweeps: scopes listed, ports united, duplicates of one service kept once', () => {
    const other = inventory([c, service('192.168.1.1', 1234)], { scope: ['192.168.1.0/24'], ports: [1234] });
    const merged = mergeInventories([whole, other]);
    expect(merged.scope).toEqual(['10.0.0.0/30', '192.168.1.0/24']);
    expect(merged.ports).toEqual([1234, 8000, 11434]);
    expect(merged.services.map((x) => `${x.address}:${x.port}`)).toEqual(['10.0.0.1:8000', '10.0.0.2:8000', '10.0.0.3:11434', '192.168.1.1:1234']);
  });
});

describe('merge of batches', () => {
  const report = (url: string) =>
    ({ schemaVersion: 1, scanId: url, target: { url, origin: url }, errors: [], findings: [], grade: 'A', score: 100 }) as unknown as ScanReport;
  const targets = Array.from({ length: 7 }, (_, i) => ({ url: `http://t${i}.test/` }));
  const scanFn = async (input: { url: string }) =>
    input.url.includes('t3') || input.url.includes('t4') ? { ...report(input.url), errors: [{ phase: 'reach', message: 'down' }] } : report(input.url);

  it('runBatch takes the shard by place in the list and records the places; merge rebuilds the file order', async () => {
    const single = await runBatch(targets, { scanFn });
    const shards = await Promise.all([1, 2, 3].map((index) => runBatch(targets, { scanFn, shard: { index, count: 3 } })));
    expect(shards.map((s) => s.reports.length + s.errors.length)).toEqual([3, 2, 2]);
    expect(shards[0]!.shard).toMatchObject({ index: 1, count: 3, targets: 7, positions: { reports: [0, 6], errors: [3] } });
    for (const s of shards) BatchShardSchema.parse(s.shard);
    const merged = mergeBatches([shards[2]!, shards[0]!, shards[1]!]);
    expect(merged).toEqual(single);
  });

  it('refuses shards of different lists or an incomplete set, and concatenates whole runs in the order given', async () => {
    const one = await runBatch(targets, { scanFn, shard: { index: 1, count: 2 } });
    const two = await runBatch(targets.slice(1), { scanFn, shard: { index: 2, count: 2 } });
    expect(() => mergeBatches([one, two])).toThrow(/different targets files/);
    expect(() => mergeBatches([one])).toThrow(/Shard 2\/2 is missing/);
    const whole: BatchReport = await runBatch(targets.slice(0, 2), { scanFn });
    expect(() => mergeBatches([one, whole])).toThrow(MergeError);
    const joined = mergeBatches([whole, report('http://x.test/')]);
    expect(joined.reports.map((r) => r.target.url)).toEqual(['http://t0.test/', 'http://t1.test/', 'http://x.test/']);
  });
});
