// From flags and GATECRASH_* variables to one Config. Every value is read by one parser that knows what is allowed, so
// a bad value is answered in one sentence naming the flag as typed (or the variable), what it takes and what it got.
// Flags win over the environment; credentials are never echoed.
import { type Config, ConfigSchema } from '../config.js';
import { parseHeaderLine, TargetError } from '../engine/target.js';
import { PRODUCT_IDS } from '../engine/types.js';
import { closest, type FlagName, type ParsedArgs, spelling } from './flags.js';
import { UsageError } from './usage-error.js';

/** What a parser says when a value is not allowed: the phrase after "takes". */
class Invalid extends Error {}

type Parser = (text: string) => unknown;

function oneOf(values: readonly string[]): Parser {
  return (text) => {
    const v = text.trim().toLowerCase();
    if (values.includes(v)) return v;
    const near = closest(v, values);
    throw new Invalid(`${values.slice(0, -1).join(', ')} or ${values.at(-1)}${near ? ` (did you mean ${near}?)` : ''}`);
  };
}

function wholeNumber(min: number, max: number, unit: string): Parser {
  return (text) => {
    const t = text.trim();
    if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) throw new Invalid(`a whole number of ${unit} from ${min} to ${max}`);
    return Number(t);
  };
}

/** `60`, `60s`, `1500ms`, `2m`: seconds by default. */
export function parseDurationMs(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

function duration(minMs: number, maxMs: number, range: string): Parser {
  return (text) => {
    const ms = parseDurationMs(text);
    if (ms === null || ms < minMs || ms > maxMs) throw new Invalid(`a duration from ${range}, such as 60, 60s, 1500ms or 2m`);
    return ms;
  };
}

const list: Parser = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const text: Parser = (t) => t;
const FORMATS = ['pretty', 'json', 'sarif', 'markdown', 'html'] as const;

interface OptionSpec {
  key: keyof Config;
  flag?: FlagName;
  env?: string;
  parse: Parser;
  /** The environment spelling differs (GATECRASH_TIMEOUT is in milliseconds). */
  parseEnv?: Parser;
  secret?: boolean;
}

const OPTIONS: OptionSpec[] = [
  { key: 'depth', flag: 'depth', env: 'GATECRASH_DEPTH', parse: oneOf(['quick', 'standard', 'deep']) },
  { key: 'budget', flag: 'budget', env: 'GATECRASH_BUDGET', parse: wholeNumber(1, 2000, 'requests') },
  {
    key: 'timeoutMs',
    flag: 'timeout',
    env: 'GATECRASH_TIMEOUT',
    parse: duration(1000, 600_000, '1s to 10m'),
    parseEnv: wholeNumber(1000, 600_000, 'milliseconds'),
  },
  { key: 'concurrency', env: 'GATECRASH_CONCURRENCY', parse: wholeNumber(1, 32, 'requests at once') },
  { key: 'allow', flag: 'allow', env: 'GATECRASH_ALLOW', parse: list },
  { key: 'failOn', flag: 'fail-on', env: 'GATECRASH_FAIL_ON', parse: oneOf(['critical', 'high', 'medium', 'low', 'none']) },
  { key: 'hint', flag: 'hint', parse: oneOf(PRODUCT_IDS) },
  { key: 'bearer', flag: 'bearer', env: 'GATECRASH_BEARER', parse: text, secret: true },
  { key: 'token', flag: 'token', env: 'GATECRASH_TOKEN', parse: text, secret: true },
  { key: 'request', flag: 'request', env: 'GATECRASH_REQUEST', parse: text },
  { key: 'ca', flag: 'ca', env: 'GATECRASH_CA', parse: text },
  { key: 'output', flag: 'output', parse: text },
  { key: 'html', flag: 'html', parse: text },
  { key: 'host', flag: 'host', env: 'GATECRASH_HOST', parse: text },
  { key: 'port', flag: 'port', env: 'GATECRASH_PORT', parse: wholeNumber(0, 65535, 'port') },
];

const truthy = (v: string) => /^(1|true|yes|on)$/i.test(v.trim());

/** The value as a message may show it: one line, short, never a credential. */
function shown(value: string, secret: boolean | undefined): string {
  if (secret) return '';
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return `; got '${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}'`;
}

function read(spec: OptionSpec, value: string, where: string, parser: Parser): unknown {
  try {
    return parser(value);
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    throw new UsageError(`${where} takes ${e.message}${shown(value, spec.secret)}.`);
  }
}

/**
 * The configuration of one command: defaults, then the GATECRASH_* environment, then the flags. `format` is left to each
 * command when it has formats of its own (discover's csv, checks' text), else checked here.
 */
export function configFrom(parsed: ParsedArgs, env: NodeJS.ProcessEnv = process.env, options: { ownFormats?: boolean } = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const spec of OPTIONS) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') raw[spec.key] = read(spec, fromEnv, spec.env!, spec.parseEnv ?? spec.parse);
    const fromFlag = spec.flag ? parsed.values[spec.flag] : undefined;
    if (typeof fromFlag === 'string') raw[spec.key] = read(spec, fromFlag, spelling(parsed, spec.flag!), spec.parse);
  }
  if (env.GATECRASH_ALLOW_PRIVATE !== undefined) raw.allowPrivate = truthy(env.GATECRASH_ALLOW_PRIVATE);
  if (env.GATECRASH_INSECURE !== undefined) raw.insecure = truthy(env.GATECRASH_INSECURE);
  if (env.GATECRASH_NO_STORE !== undefined) raw.store = !truthy(env.GATECRASH_NO_STORE);
  if (parsed.values['allow-private']) raw.allowPrivate = true;
  if (parsed.values.insecure) raw.insecure = true;
  if (parsed.values['no-store']) raw.store = false;
  if (!options.ownFormats && typeof parsed.values.format === 'string') {
    raw.format = read({ key: 'format', parse: oneOf(FORMATS) }, parsed.values.format, spelling(parsed, 'format'), oneOf(FORMATS));
  }
  const headers: Record<string, string> = {};
  for (const line of (parsed.values.header as string[] | undefined) ?? []) {
    try {
      const [k, v] = parseHeaderLine(line);
      headers[k] = v;
    } catch (e) {
      if (e instanceof TargetError) throw new UsageError(`${spelling(parsed, 'header')} ${headerAdvice(line, e)}`);
      throw e;
    }
  }
  raw.headers = headers;
  // Every value was judged above; this only fills the defaults (a failure here is a bug, not a usage error).
  return ConfigSchema.parse(raw);
}

/** What to say about a --header value that is not `Name: value`, without showing the value. */
function headerAdvice(line: string, e: TargetError): string {
  const eq = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=/.exec(line);
  if (eq && !line.includes(':'))
    return `takes 'Name: value' with a colon; write --header '${eq[1]!.slice(0, 60)}: …' instead of '=' (the value is not shown, as it may be a credential).`;
  if (!line.includes(':')) return "takes 'Name: value', e.g. --header 'X-API-Key: …'; the one given has no ':' (it is not shown, as it may be a credential).";
  return `takes 'Name: value': ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`;
}

/** A duration flag of a command's own (discover's --connect-timeout), with the same sentence as the others. */
export function durationFlag(parsed: ParsedArgs, flag: FlagName, minMs: number, maxMs: number, range: string): number | undefined {
  const value = parsed.values[flag];
  if (typeof value !== 'string') return undefined;
  return read({ key: 'timeoutMs', parse: text }, value, spelling(parsed, flag), duration(minMs, maxMs, range)) as number;
}

/** A whole-number flag of a command's own (--parallel, --rate, --per-host). */
export function numberFlag(parsed: ParsedArgs, flag: FlagName, env: string | undefined, min: number, max: number, unit: string): number | undefined {
  const spec: OptionSpec = { key: 'budget', parse: wholeNumber(min, max, unit) };
  const value = parsed.values[flag];
  if (typeof value === 'string') return read(spec, value, spelling(parsed, flag), spec.parse) as number;
  const fromEnv = env ? process.env[env] : undefined;
  if (fromEnv !== undefined && fromEnv !== '') return read(spec, fromEnv, env!, spec.parse) as number;
  return undefined;
}

/** A flag whose value is one of a list (a command's own formats, --framework). */
export function choiceFlag<T extends string>(parsed: ParsedArgs, flag: FlagName, allowed: readonly T[]): T | undefined {
  const value = parsed.values[flag];
  if (typeof value !== 'string') return undefined;
  return read({ key: 'format', parse: text }, value, spelling(parsed, flag), oneOf(allowed)) as T;
}
