// `gatecrash mcp` answers the opening handshake from the build's manifest, then hands the connection to the SDK. The
// answers must be the server's own (the same bytes as with the manifest off), nothing may be answered twice, and
// whatever the manifest does not cover (another protocol version, another opening) is the SDK's from the first byte.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './mcp-client.js';

interface Session {
  /** Every message the server wrote, in order. */
  messages: Record<string, unknown>[];
  /** Sends messages and waits until the server has answered the request with `id`. */
  exchange(sent: Record<string, unknown>[], id: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

function session(env: Record<string, string> = {}): Session {
  const child = spawn(process.execPath, [CLI, 'mcp'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, GATECRASH_LOG_LEVEL: 'silent', GATECRASH_NO_STORE: '1', ...env },
  });
  const messages: Record<string, unknown>[] = [];
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const m = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      messages.push(m);
      if (typeof m.id === 'number') waiting.get(m.id)?.(m);
    }
  });
  return {
    messages,
    exchange(sent, id) {
      const answer = new Promise<Record<string, unknown>>((resolve) => waiting.set(id, resolve));
      for (const m of sent) child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

const initialize = (protocolVersion: string) => ({
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'fast-start-test', version: '0' } },
});

async function handshake(env: Record<string, string>, protocolVersion = '2025-06-18') {
  const s = session(env);
  const init = await s.exchange([initialize(protocolVersion)], 1);
  const tools = await s.exchange([{ method: 'notifications/initialized' }, { id: 2, method: 'tools/list' }], 2);
  const checks = await s.exchange([{ id: 3, method: 'tools/call', params: { name: 'list_checks', arguments: {} } }], 3);
  const resources = await s.exchange([{ id: 4, method: 'resources/list' }], 4);
  await s.close();
  return { init, tools, checks, resources, messages: s.messages };
}

describe('the MCP handshake from the manifest', () => {
  it('answers as the server itself does, once, and the server takes over after it', async () => {
    const [fast, slow] = await Promise.all([handshake({}), handshake({ GATECRASH_MCP_FAST_START: '0' })]);
    expect(fast.init).toEqual(slow.init);
    expect(fast.tools).toEqual(slow.tools);
    expect(fast.checks).toEqual(slow.checks);
    expect(fast.resources).toEqual(slow.resources);
    // Every request answered exactly once: the SDK's answers to the replayed handshake never reach the client.
    const ids = fast.messages.map((m) => m.id).filter((id) => id !== undefined);
    expect(ids).toEqual([1, 2, 3, 4]);
  }, 30_000);

  it('leaves to the SDK an opening the manifest does not cover', async () => {
    for (const version of ['2099-01-01', 'not-a-version']) {
      const [fast, slow] = await Promise.all([handshake({}, version), handshake({ GATECRASH_MCP_FAST_START: '0' }, version)]);
      expect(fast.init, version).toEqual(slow.init);
      expect(fast.tools, version).toEqual(slow.tools);
    }
    const s = session();
    const pong = await s.exchange([{ id: 7, method: 'ping' }], 7);
    expect(pong).toMatchObject({ id: 7 });
    await s.close();
  }, 30_000);
});
