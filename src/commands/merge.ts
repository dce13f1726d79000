// gatecrash merge FILE…: the JSON outputs of several runs (the shards of one, typically) as one report in any format.
import { readFileSync, statSync } from 'node:fs';
import * as z from 'zod/v4';
import type { ScanReport } from '../engine/types.js';
import { ruleHelp } from '../knowledge/index.js';
import { type BatchFormat, type BatchReport, batchExitCode, parseBatchReport, renderBatch } from '../report/batch.js';
import { batchGateLine } from '../report/gate.js';
import { type Inventory, type InventoryFormat, InventoryFormatError, parseInventory, renderInventory } from '../report/inventory.js';
import { parseScanReport } from '../report/json.js';
import { MergeError, mergeBatches, mergeInventories } from '../report/merge.js';
import { type CommandContext, chooseFormat, emit, say } from './context.js';
import { reportFaces } from './faces.js';
import { UsageError } from './usage-error.js';

/** A shard of a big sweep with --scan can be large; beyond this a file is not a Gatecrash report. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

type Input = { kind: 'inventory'; inventory: Inventory } | { kind: 'scans'; batch: BatchReport | ScanReport };

function readInput(path: string): Input {
  let value: unknown;
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new UsageError(`${path} is larger than 512 MiB; it is not a Gatecrash report.`);
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `Cannot read ${path}: it does not exist.`
        : code
          ? `Cannot read ${path} (${code}).`
          : `${path} is not JSON: merge takes the JSON output of scan, scan --targets or discover.`,
    );
  }
  const shape = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  try {
    if ('services' in shape) return { kind: 'inventory', inventory: parseInventory(value) };
    if ('reports' in shape) return { kind: 'scans', batch: parseBatchReport(value) };
    return { kind: 'scans', batch: parseScanReport(value) };
  } catch (e) {
    if (!(e instanceof z.ZodError)) throw e;
    const what = 'services' in shape ? 'inventory' : 'reports' in shape ? 'batch report' : 'scan report';
    const where = e.issues[0]?.path.join('.') || 'the top level';
    throw new UsageError(`${path} is not a valid Gatecrash ${what} (first problem at ${where}).`);
  }
}

export async function runMerge(ctx: CommandContext): Promise<number> {
  const { positionals, config } = ctx;
  if (positionals.length === 0)
    throw new UsageError('merge needs the JSON files to join, e.g. gatecrash merge shard-*.json --format sarif --output fleet.sarif');
  const inputs = positionals.map(readInput);
  const inventories = inputs.flatMap((i) => (i.kind === 'inventory' ? [i.inventory] : []));
  try {
    if (inventories.length === inputs.length) {
      const merged = mergeInventories(inventories);
      const format = chooseFormat<InventoryFormat>(ctx.args, ['json', 'csv', 'markdown', 'pretty', 'sarif'], config.output);
      emit(renderInventory(merged, format, { sarif: { help: ruleHelp } }), config.output);
      return merged.scans ? batchExitCode(merged.scans, config.failOn) : 0;
    }
    if (inventories.length > 0) throw new UsageError('merge takes inventories (discover) or scan results (scan, scan --targets), not both at once.');
    const joined = mergeBatches(inputs.map((i) => (i as Extract<Input, { kind: 'scans' }>).batch));
    const format = chooseFormat<BatchFormat>(ctx.args, ['json', 'sarif', 'markdown', 'html', 'pretty'], config.output);
    const faces = reportFaces(ctx, format);
    const merged = { ...joined, reports: joined.reports.map(faces.withFixes) };
    const options = faces.render(format === 'pretty' && !config.output && Boolean(process.stdout.isTTY));
    emit(renderBatch(merged, format, options), config.output);
    say(batchGateLine(merged, config.failOn, config.output));
    return batchExitCode(merged, config.failOn);
  } catch (e) {
    if (e instanceof MergeError || e instanceof InventoryFormatError) throw new UsageError(e.message);
    throw e;
  }
}
