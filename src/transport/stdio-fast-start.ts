// `gatecrash mcp` answers the opening handshake (initialize, then tools/list) from a manifest written at build time, and
// loads the MCP SDK and the server only then: the SDK and zod alone take longer to load than a client should wait for
// tools/list. The manifest is the real server's own answers (scripts/build-mcp-manifest.mjs records them, a test checks
// they still match). Everything after the handshake, and any opening the manifest does not cover, is the SDK's: it is
// handed every byte read so far and reads the rest itself; its answers to the requests already answered are dropped.
import { readFileSync } from 'node:fs';
import { PassThrough, type Readable, Writable } from 'node:stream';

export interface StdioManifest {
  /** The protocol versions the server echoes back in its initialize result. */
  versions: string[];
  /** The initialize result, without its protocolVersion. */
  initialize: Record<string, unknown>;
  /** The tools/list result. */
  tools: unknown;
}

/** The manifest written beside the build, or null when it is missing or unreadable (the SDK then answers everything). */
export function readManifest(url: URL): StdioManifest | null {
  try {
    const m = JSON.parse(readFileSync(url, 'utf8')) as Partial<StdioManifest>;
    return Array.isArray(m.versions) && m.initialize && typeof m.initialize === 'object' && m.tools ? (m as StdioManifest) : null;
  } catch {
    return null;
  }
}

type Id = string | number;

interface Message {
  jsonrpc?: unknown;
  id?: Id;
  method?: unknown;
  params?: { protocolVersion?: unknown; cursor?: unknown; _meta?: unknown };
}

/** The connection while the manifest answers: what the server needs to take it over. */
export interface McpHandshake {
  /**
   * Hands the connection to the server: `handOver(input, output)` gets the streams its stdio transport must use. `input`
   * replays every byte read so far and goes on with stdin; `output` writes to stdout, minus the answers to requests the
   * manifest already answered.
   */
  attach(handOver: (input: Readable, output: Writable) => void): void;
  /** Stops reading stdin (a command that failed before the server took over). */
  abandon(): void;
}

let open: McpHandshake | null = null;

/** The handshake `openMcpHandshake` started in this process, if any (the stdio server takes it over). */
export function takeMcpHandshake(): McpHandshake | null {
  const h = open;
  open = null;
  return h;
}

/** Starts answering the opening handshake from the manifest at `manifestUrl`; null (nothing read) when there is none. */
export function openMcpHandshake(manifestUrl: URL, stdin: Readable = process.stdin, stdout: NodeJS.WritableStream = process.stdout): McpHandshake | null {
  const manifest = readManifest(manifestUrl);
  if (!manifest) return null;
  const input = new PassThrough();
  const answered = new Set<Id>();
  let pending = '';
  let initialized = false;
  let handOver: ((input: Readable, output: Writable) => void) | null = null;
  let handedOver = false;

  const reply = (id: Id, result: unknown) => {
    answered.add(id);
    stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);
  };

  /** True when the manifest covered the line: answered it, or it is a notification the server may read later. */
  const covered = (line: string): boolean => {
    let m: Message;
    try {
      m = JSON.parse(line) as Message;
    } catch {
      return false;
    }
    if (m.jsonrpc !== '2.0' || m.params?._meta !== undefined) return false;
    if (
      m.method === 'initialize' &&
      !initialized &&
      m.id !== undefined &&
      typeof m.params?.protocolVersion === 'string' &&
      manifest.versions.includes(m.params.protocolVersion)
    ) {
      initialized = true;
      reply(m.id, { protocolVersion: m.params.protocolVersion, ...manifest.initialize });
      return true;
    }
    if (m.method === 'notifications/initialized' && m.id === undefined && initialized) return true;
    if (m.method === 'tools/list' && initialized && m.id !== undefined && m.params?.cursor === undefined) {
      reply(m.id, manifest.tools);
      return true;
    }
    return false;
  };

  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const kept = chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => {
          if (!line.trim() || answered.size === 0) return true;
          try {
            const m = JSON.parse(line) as Message;
            if (m.method === undefined && m.id !== undefined && answered.delete(m.id)) return false;
          } catch {
            // not a whole message: pass it on as written
          }
          return true;
        })
        .join('\n');
      if (kept === '' || kept === '\n') return done();
      if (stdout.write(kept)) done();
      else stdout.once('drain', () => done());
    },
  });

  /** From now on every byte is the server's: it reads what was buffered, then the rest of stdin. */
  const takeOver = () => {
    if (handedOver || !handOver) return;
    handedOver = true;
    handOver(input, output);
  };
  /** A message the manifest cannot answer: nothing more is answered here; the server answers it once it is there. */
  let stopped = false;

  const onData = (chunk: Buffer) => {
    input.write(chunk);
    if (stopped) return;
    pending += chunk.toString('utf8');
    for (let nl = pending.indexOf('\n'); nl !== -1 && !stopped; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      if (line.trim() && !covered(line)) stopped = true;
    }
  };
  const onEnd = () => input.end();
  stdin.on('data', onData);
  stdin.on('end', onEnd);

  open = {
    attach(fn) {
      handOver = fn;
      stopped = true;
      takeOver();
    },
    abandon() {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
      input.end();
    },
  };
  return open;
}
