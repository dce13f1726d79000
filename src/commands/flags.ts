// The command line's flags: one table of every flag (what it takes, in words), which command takes which, and a parser
// that answers a mistake in the user's own terms: the flag as typed, what is allowed, one sentence, "did you mean" for a
// misspelling, and the command a flag belongs to when it was given to another one.
import { UsageError } from './usage-error.js';

export const COMMANDS = ['scan', 'discover', 'merge', 'demo', 'verify', 'fix', 'scans', 'checks', 'mcp', 'serve'] as const;
export type Command = (typeof COMMANDS)[number];

interface FlagSpec {
  kind: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** What the value is, for "--output needs a value (a file name)". */
  takes?: string;
  /** A credential: never echoed in any message. */
  secret?: boolean;
}

const FLAGS = {
  format: { kind: 'string', takes: 'a format name' },
  output: { kind: 'string', short: 'o', takes: 'a file name' },
  html: { kind: 'string', takes: 'a file name for the HTML report' },
  header: { kind: 'string', short: 'H', multiple: true, takes: "'Name: value'", secret: true },
  bearer: { kind: 'string', takes: 'a token', secret: true },
  depth: { kind: 'string', takes: 'quick, standard or deep' },
  budget: { kind: 'string', takes: 'a number of requests' },
  timeout: { kind: 'string', takes: 'a duration such as 60s' },
  'allow-private': { kind: 'boolean' },
  allow: { kind: 'string', takes: 'hosts, addresses or CIDR ranges, comma-separated' },
  hint: { kind: 'string', takes: 'a product name' },
  report: { kind: 'string', takes: 'a JSON report file' },
  'scan-id': { kind: 'string', takes: 'a scan id from the local scan store (gatecrash scans lists them)' },
  'no-store': { kind: 'boolean' },
  'fail-on': { kind: 'string', takes: 'a severity' },
  targets: { kind: 'string', takes: 'a file name' },
  parallel: { kind: 'string', takes: 'a number of scans' },
  shard: { kind: 'string', takes: 'K/N' },
  request: { kind: 'string', takes: "'METHOD /path [body]'" },
  insecure: { kind: 'boolean' },
  ca: { kind: 'string', takes: 'a PEM file' },
  source: { kind: 'string', takes: 'FILE[:LINE]' },
  framework: { kind: 'string', takes: 'a framework name' },
  url: { kind: 'string', takes: 'the endpoint URL' },
  host: { kind: 'string', takes: 'an address to listen on' },
  port: { kind: 'string', takes: 'a port number' },
  token: { kind: 'string', takes: 'a token', secret: true },
  'legacy-sse': { kind: 'boolean' },
  'allow-remote': { kind: 'boolean' },
  ports: { kind: 'string', takes: 'ports such as 8000,11434 or 8000-8010' },
  rate: { kind: 'string', takes: 'connections a second' },
  'per-host': { kind: 'string', takes: 'a number of connections' },
  'connect-timeout': { kind: 'string', takes: 'a duration such as 2s' },
  scan: { kind: 'boolean' },
  help: { kind: 'boolean', short: 'h' },
} as const satisfies Record<string, FlagSpec>;

export type FlagName = keyof typeof FLAGS;

const SSRF: FlagName[] = ['allow-private', 'allow'];
const TLS: FlagName[] = ['insecure', 'ca'];
const CREDENTIALS: FlagName[] = ['header', 'bearer'];
const LIMITS: FlagName[] = ['depth', 'budget', 'timeout'];

/** Which flags each command takes; anything else is refused with the command it belongs to. */
export const COMMAND_FLAGS: Record<Command, readonly FlagName[]> = {
  scan: [
    'format',
    'output',
    'html',
    ...CREDENTIALS,
    ...LIMITS,
    ...SSRF,
    ...TLS,
    'hint',
    'fail-on',
    'request',
    'targets',
    'parallel',
    'shard',
    'source',
    'no-store',
    'help',
  ],
  discover: [
    'format',
    'output',
    ...CREDENTIALS,
    ...LIMITS,
    ...SSRF,
    ...TLS,
    'fail-on',
    'targets',
    'parallel',
    'shard',
    'ports',
    'rate',
    'per-host',
    'connect-timeout',
    'scan',
    'no-store',
    'help',
  ],
  merge: ['format', 'output', 'fail-on', 'source', 'help'],
  demo: ['format', 'output', 'html', 'depth', 'budget', 'timeout', 'fail-on', 'source', 'no-store', 'help'],
  verify: ['report', 'scan-id', 'format', 'output', ...CREDENTIALS, 'budget', 'timeout', ...SSRF, ...TLS, 'no-store', 'help'],
  fix: ['report', 'scan-id', 'framework', 'url', 'format', 'output', 'help'],
  scans: ['format', 'help'],
  checks: ['format', 'help'],
  mcp: [...SSRF, 'budget', 'timeout', ...TLS, 'no-store', 'help'],
  serve: ['host', 'port', 'token', 'legacy-sse', 'allow-remote', ...SSRF, 'budget', 'timeout', ...TLS, 'no-store', 'help'],
};

export interface ParsedArgs {
  values: Partial<Record<FlagName, string | string[] | boolean>>;
  positionals: string[];
  /** Each flag as the user spelt it (`-o`, `--output`), for messages. */
  spelt: Partial<Record<FlagName, string>>;
}

/** Levenshtein distance, small strings only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of `names` to `typed`, when it is close enough to be a misspelling. */
export function closest(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = distance(typed.toLowerCase(), name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.min(3, Math.floor(best.name.length / 3))) ? best.name : undefined;
}

function unknownFlag(command: Command, typed: string, name: string): UsageError {
  const own = COMMAND_FLAGS[command];
  if (name in FLAGS) {
    const owners = COMMANDS.filter((c) => (COMMAND_FLAGS[c] as readonly string[]).includes(name));
    return new UsageError(
      `${typed} is not a flag of 'gatecrash ${command}' (it belongs to ` +
        `${owners.map((c) => `'${c}'`).join(', ')}); run gatecrash ${command} --help for its flags.`,
    );
  }
  const near = closest(name, own);
  return new UsageError(
    `${typed} is not a flag of 'gatecrash ${command}'${near ? `: did you mean --${near}?` : `; run gatecrash ${command} --help for its flags.`}`,
  );
}

const SHORT = new Map<string, FlagName>(Object.entries(FLAGS).flatMap(([name, spec]) => ('short' in spec ? [[spec.short, name as FlagName]] : [])));

/**
 * Parses a command's arguments. A string flag takes the next argument whatever it looks like (`--budget -5` is the value
 * -5, judged by the option that reads it), unless that argument is itself a flag of this command (a forgotten value).
 */
export function parseFlags(command: Command, args: readonly string[]): ParsedArgs {
  const own = COMMAND_FLAGS[command] as readonly string[];
  const out: ParsedArgs = { values: {}, positionals: [], spelt: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    let typed: string;
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      typed = eq === -1 ? arg : arg.slice(0, eq);
      name = typed.slice(2);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      typed = arg;
      const long = SHORT.get(arg.slice(1));
      if (!long) throw new UsageError(`${arg} is not a flag of 'gatecrash ${command}'; run gatecrash ${command} --help for its flags.`);
      name = long;
    } else {
      out.positionals.push(arg);
      continue;
    }
    if (!own.includes(name)) throw unknownFlag(command, typed, name);
    const flag = name as FlagName;
    const spec: FlagSpec = FLAGS[flag];
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`${typed} is a switch and takes no value; write ${typed} alone.`);
      out.values[flag] = true;
    } else {
      let value = inline;
      if (value === undefined) {
        const next = args[i + 1];
        const nextIsFlag = next?.startsWith('-') && (own.includes(next.replace(/^--?/, '').split('=')[0]!) || SHORT.has(next.slice(1)));
        if (next === undefined || nextIsFlag) throw new UsageError(`${typed} needs a value (${spec.takes}).`);
        value = next;
        i++;
      }
      // A flag given again overrides the earlier value (a script's default, then the user's own), as in most CLIs.
      if (spec.multiple) out.values[flag] = [...((out.values[flag] as string[] | undefined) ?? []), value];
      else out.values[flag] = value;
    }
    out.spelt[flag] = typed;
  }
  return out;
}

/** The flag as the user typed it, else its long spelling. */
export function spelling(parsed: Pick<ParsedArgs, 'spelt'>, flag: FlagName): string {
  return parsed.spelt[flag] ?? `--${flag}`;
}

export function isCommand(value: string): value is Command {
  return (COMMANDS as readonly string[]).includes(value);
}
