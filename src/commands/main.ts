// gatecrash scan | discover | merge | demo | verify | fix | scans | checks | mcp | serve — a command's module does the
// work (src/commands/); this file picks it, parses its flags and turns every mistake into one sentence on stderr.
// Exit codes: 0 nothing at or above --fail-on; 1 a finding at or above it; 2 usage error or unscannable target.
import '../zod-jitless.js';
import * as z from 'zod/v4';
import type { Config } from '../config.js';
import { GATECRASH_VERSION } from '../engine/release.js';
import { type CommandContext, scanOptionsOf } from './context.js';
import { COMMANDS, type Command, closest, isCommand, parseFlags } from './flags.js';
import { configFrom } from './options.js';
import { USAGE, usageOf } from './usage.js';
import { UsageError } from './usage-error.js';

// Each command loads its module, and that module what it needs, when it runs: `gatecrash mcp` must answer tools/list
// fast, before the engine, the renderers or the knowledge base are needed (the MCP tools load them on their first call).

/** Commands whose --format values are their own (csv, text), checked by the command. */
const OWN_FORMATS: readonly Command[] = ['discover', 'merge', 'verify', 'fix', 'scans', 'checks'];

async function run(command: Command, ctx: CommandContext): Promise<number> {
  switch (command) {
    case 'scan':
      return (await import('./scan.js')).runScan(ctx);
    case 'demo':
      return (await import('./scan.js')).runDemo(ctx);
    case 'discover':
      return (await import('./discover.js')).runDiscover(ctx);
    case 'merge':
      return (await import('./merge.js')).runMerge(ctx);
    case 'verify':
      return (await import('./verify.js')).runVerify(ctx);
    case 'fix':
      return (await import('./fix.js')).runFix(ctx);
    case 'scans':
      return (await import('./scans.js')).runScans(ctx);
    case 'checks':
      return (await import('./checks.js')).runChecks(ctx);
    case 'mcp':
      return (await import('./serve.js')).runMcp(ctx);
    case 'serve':
      return (await import('./serve.js')).runServe(ctx);
  }
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(USAGE);
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${GATECRASH_VERSION}\n`);
    return 0;
  }
  if (!isCommand(first)) {
    const near = closest(first.replace(/^-+/, ''), COMMANDS);
    throw new UsageError(`Unknown command '${first.slice(0, 40)}'${near ? `: did you mean gatecrash ${near}?` : '.'} Run gatecrash --help for the commands.`);
  }
  const args = parseFlags(first, rest);
  if (args.values.help) {
    process.stdout.write(usageOf(first));
    return 0;
  }
  const config: Config = configFrom(args, process.env, { ownFormats: OWN_FORMATS.includes(first) });
  return run(first, { command: first, args, positionals: args.positionals, config, scanOptions: () => scanOptionsOf(config) });
}

/** Runs the command line and sets the exit code; every mistake becomes one sentence on stderr. */
export function runCli(argv: string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // The engine's input errors by name: their modules load only with a scan.
      const known = e instanceof UsageError || e instanceof z.ZodError || ['TargetError', 'GuardError'].includes((e as Error).name);
      process.stderr.write(`gatecrash: ${known ? (e as Error).message : `unexpected error: ${(e as Error).message}`}\n`);
      process.exitCode = 2;
    },
  );
}
