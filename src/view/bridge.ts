// The view's side of the MCP Apps protocol (JSON-RPC 2.0 over postMessage with the host), written for what the view
// needs: it asks (ui/initialize, tools/call, resources/read), it tells (initialized, size-changed), and it listens to a
// fixed list of host notifications. The protocol types are the extension's own (@modelcontextprotocol/ext-apps, types
// only); its App class is not bundled because it brings the MCP SDK and zod (some 240 KB) for these few messages.
//
// Only messages from the parent window are read, only JSON-RPC 2.0 shapes are accepted, answers are matched to the ids
// this view sent, and no message from the host is ever turned into a request: the view asks only when its own code or
// the user does.
import type { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/ext-apps';

export const PROTOCOL_VERSION: typeof LATEST_PROTOCOL_VERSION = '2026-01-26';

/** How long a request may wait for the host's answer before the view says so (a scan runs up to 10 minutes). */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
}

type Handler = (params: Record<string, unknown>) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface Bridge {
  request<T>(method: string, params: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  notify(method: string, params: Record<string, unknown>): void;
  /** One handler per host notification; the view listens to a fixed list. */
  on(method: string, handler: Handler): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Host requests the view answers: teardown (nothing to save) and ping. Everything else is 'method not found'. */
const ANSWERED_REQUESTS = new Set(['ui/resource-teardown', 'ping']);

export function connectHost(win: Window = window): Bridge {
  const host = win.parent;
  const pending = new Map<number, Pending>();
  const handlers = new Map<string, Handler>();
  let nextId = 1;

  const post = (message: Record<string, unknown>) => host.postMessage({ jsonrpc: '2.0', ...message }, '*');

  win.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== host || host === win) return;
    const msg: unknown = event.data;
    if (!isRecord(msg) || msg.jsonrpc !== '2.0') return;
    const { id, method } = msg;
    if (typeof method === 'string') {
      const params = isRecord(msg.params) ? msg.params : {};
      if (id === undefined) {
        handlers.get(method)?.(params);
      } else if (typeof id === 'string' || typeof id === 'number') {
        if (ANSWERED_REQUESTS.has(method)) post({ id, result: {} });
        else post({ id, error: { code: -32601, message: `The Gatecrash view does not handle ${method.slice(0, 80)}.` } });
      }
      return;
    }
    if (typeof id !== 'number') return;
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    clearTimeout(waiting.timer);
    if (isRecord(msg.error)) waiting.reject(new BridgeError(typeof msg.error.message === 'string' ? msg.error.message : 'The host refused the request.'));
    else waiting.resolve(msg.result);
  });

  return {
    request<T>(method: string, params: Record<string, unknown>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
      if (host === win) return Promise.reject(new BridgeError('There is no host to ask: the view is not inside an assistant.'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new BridgeError(`The host did not answer ${method} in time.`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        post({ id, method, params });
      });
    },
    notify(method, params) {
      if (host !== win) post({ method, params });
    },
    on(method, handler) {
      handlers.set(method, handler);
    },
  };
}
