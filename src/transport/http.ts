// gatecrash serve: MCP over Streamable HTTP at /mcp (both protocol eras, per-request server instances), plus the
// deprecated HTTP+SSE endpoint behind --legacy-sse. Every request passes, in order: Host check (DNS rebinding),
// Origin check (a web page in the user's browser), bearer token, body cap — before any MCP code runs.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, hostname as osHostname } from 'node:os';
import { hostHeaderValidation, localhostHostValidation, localhostOriginValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, isLegacyRequest, localhostAllowedHostnames } from '@modelcontextprotocol/server';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.js';
import { ConsentLedger } from '../consent/ledger.js';
import { rememberedApprovals } from '../consent/remembered.js';
import type { Resolver } from '../engine/http/guard.js';
import { log } from '../log.js';
import { createServer } from '../server.js';
import type { ToolSettings } from '../tools/define.js';
import { declaredTooLarge, jsonRpcError, MAX_BODY_BYTES, tooLarge } from './body.js';
import { createLegacySessions } from './legacy-sessions.js';
import { createLegacySse, type LegacySse } from './legacy-sse.js';
import { generateToken, MIN_TOKEN_LENGTH, requireBearer } from './token.js';

export const MCP_PATH = '/mcp';

export class ServeError extends Error {
  override readonly name = 'ServeError';
}

export interface ServeHttpOptions {
  /** Also serve the deprecated HTTP+SSE transport at GET /sse + POST /messages. */
  legacySse?: boolean;
  /** Permit a non-loopback bind address (still token-protected; a warning is printed). */
  allowRemote?: boolean;
  /** Where the listening line, the generated token and warnings go (default: stderr). */
  print?: (line: string) => void;
  /** The operator's scan settings (default: from the config, without TLS settings). */
  settings?: ToolSettings;
  /** DNS resolver for every scan (tests stub it). */
  resolver?: Resolver;
}

export interface RunningHttpServer {
  /** http://HOST:PORT/mcp */
  url: string;
  /** The token callers must send as `Authorization: Bearer …` (the configured one, or the generated one). */
  token: string;
  close(): Promise<void>;
}

const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
const unbracket = (h: string) => h.replace(/^\[|\]$/g, '');
const isUnspecified = (h: string) => ipaddr.isValid(unbracket(h)) && ipaddr.parse(unbracket(h)).range() === 'unspecified';

/** localhost, 127.0.0.0/8, ::1 (and IPv4-mapped loopback). */
export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host).toLowerCase();
  if (h === 'localhost') return true;
  if (!ipaddr.isValid(h)) return false;
  let a = ipaddr.parse(h);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === 'loopback';
}

/** Host names a client may put in Host/Origin when we bind `host` on purpose beyond loopback. */
function remoteHostnames(host: string): string[] {
  const names = new Set<string>(localhostAllowedHostnames());
  const h = unbracket(host);
  if (isUnspecified(h)) {
    // 0.0.0.0 / ::: every interface address and the machine's name.
    for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) names.add(bracket(i.address.split('%')[0]!));
    names.add(osHostname().toLowerCase());
  } else {
    names.add(bracket(h.toLowerCase()));
  }
  return [...names];
}

export async function serveHttp(config: Config, options: ServeHttpOptions = {}): Promise<RunningHttpServer> {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const remote = !isLoopbackHost(config.host);
  if (remote && !options.allowRemote) {
    throw new ServeError(
      `Refusing to serve MCP on ${config.host}, which is not a loopback address: anyone who reaches the port could drive scans from this machine. ` +
        'Use --host 127.0.0.1 (default), or pass --allow-remote if you mean it (keep the token secret and put TLS in front).',
    );
  }
  if (config.token !== undefined && config.token.length < MIN_TOKEN_LENGTH) {
    throw new ServeError(`--token / GATECRASH_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters; omit it to have a strong one generated.`);
  }
  const token = config.token ?? generateToken();

  const settings = options.settings ?? { allowPrivate: config.allowPrivate, allow: config.allow, budget: config.budget, timeoutMs: config.timeoutMs };
  // A 2025-era session gets a server instance, and so its own consent ledger (approvals last for the session).
  const factory = () => createServer({ settings, ...(options.resolver ? { resolver: options.resolver } : {}) });
  // 2026-era requests have no session: each gets a fresh instance, and all share the approvals of this process.
  const modernConsent = new ConsentLedger(rememberedApprovals());
  const modernFactory = () => createServer({ settings, consent: modernConsent, ...(options.resolver ? { resolver: options.resolver } : {}) });
  const onerror = (e: Error) => log.debug({ err: e.message }, 'mcp http');
  // Both protocol eras at /mcp: 2026-07-28 requests go to the per-request handler; 2025-era traffic to sessions
  // (see legacy-sessions.ts: cancellation must reach the instance running the call). Routed with the SDK's own predicate.
  const modern = createMcpHandler(modernFactory, { legacy: 'reject', maxRequestBodySize: MAX_BODY_BYTES, onerror });
  const sessions = createLegacySessions(factory, MAX_BODY_BYTES, onerror);
  const bodyLimit = { maxRequestBodySize: MAX_BODY_BYTES };
  const mcp = toNodeHandler(
    { fetch: async (request, opts) => ((await isLegacyRequest(request, undefined, bodyLimit)) ? sessions.fetch(request) : modern.fetch(request, opts)) },
    { ...bodyLimit, onerror },
  );
  const legacy: LegacySse | undefined = options.legacySse ? await createLegacySse(factory) : undefined;

  const allowed = remote ? remoteHostnames(config.host) : undefined;
  const checks = [
    allowed ? hostHeaderValidation(allowed) : localhostHostValidation(),
    allowed ? originValidation(allowed) : localhostOriginValidation(),
    requireBearer(token),
  ];

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const check of checks) if (!check(req, res)) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === MCP_PATH) {
      if (declaredTooLarge(req)) return tooLarge(res);
      return mcp(req, res);
    }
    if (legacy && (await legacy.handle(req, res, path))) return;
    jsonRpcError(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}${legacy ? ' (HTTP+SSE: GET /sse)' : ''}.`);
  }

  const server = createHttpServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      // A sentence, never a stack trace, for whoever is on the other end.
      log.error({ err: (e as Error).message }, 'mcp http request failed');
      if (!res.headersSent) jsonRpcError(res, 500, 'Internal error.');
      else res.destroy();
    });
  });
  // Slow senders hold sockets: bound header and body receipt (responses, e.g. a long scan's SSE stream, are not affected).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 256;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'EADDRINUSE' ? new ServeError(`Port ${config.port} on ${config.host} is in use; pick another with --port.`) : e),
    );
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // A wildcard bind (0.0.0.0, ::) is reachable locally as 127.0.0.1; any other host is shown as given.
  const url = `http://${isUnspecified(config.host) ? '127.0.0.1' : bracket(config.host)}:${port}${MCP_PATH}`;

  if (remote)
    print(
      `gatecrash: WARNING: serving MCP on ${config.host}, beyond loopback. Anyone who can reach port ` +
        `${port} and holds the token can make this machine send requests; put TLS in front.`,
    );
  if (config.token === undefined) print(`gatecrash: generated bearer token (shown once; set GATECRASH_TOKEN to choose your own): ${token}`);
  print(`gatecrash: MCP over Streamable HTTP listening on ${url}${legacy ? ` (legacy HTTP+SSE: ${url.replace(/\/mcp$/, '/sse')})` : ''}`);

  return {
    url,
    token,
    async close() {
      await legacy?.close();
      await sessions.close();
      await modern.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
