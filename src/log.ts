// Logs go to stderr, always: stdout is the MCP channel (stdio) and the JSON/SARIF channel (CLI).
// pino is loaded by the first log line, not at start: `gatecrash mcp` answers tools/list before anything is logged.
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

type Level = 'error' | 'warn' | 'info' | 'debug';
type LogFn = (fields: Record<string, unknown>, message: string) => void;

const require = createRequire(import.meta.url);
let logger: Logger | undefined;

function pinoLogger(): Logger {
  if (!logger) {
    const pino = require('pino') as typeof import('pino');
    logger = pino.pino(
      { name: 'gatecrash', level: process.env.GATECRASH_LOG_LEVEL ?? 'warn', redact: { paths: ['headers.*', 'credentials.*', 'token'], censor: '[REDACTED]' } },
      pino.destination(2),
    );
  }
  return logger;
}

const at =
  (level: Level): LogFn =>
  (fields, message) =>
    pinoLogger()[level](fields, message);

export const log: Record<Level, LogFn> = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
