// Logs go to stderr, always: stdout is the MCP channel (stdio) and the JSON/SARIF channel (CLI).
import pino from 'pino';

export const log = pino(
  { name: 'gatecrash', level: process.env.GATECRASH_LOG_LEVEL ?? 'warn', redact: { paths: ['headers.*', 'credentials.*', 'token'], censor: '[REDACTED]' } },
  pino.destination(2),
);
