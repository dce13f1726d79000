// What the client on the other end of a tool call can do. A 2026-07-28 request states its client's capabilities in
// its own `_meta` envelope; a 2025-era connection stated them once, at initialize.
import { CLIENT_CAPABILITIES_META_KEY, type ClientCapabilities, type McpServer } from '@modelcontextprotocol/server';

/** The Tasks extension (io.modelcontextprotocol/tasks), 2026-07-28 revision. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export interface CallerView {
  /** The request's `_meta` envelope (2026-07-28 era); absent on 2025-era requests. */
  envelope?: Record<string, unknown>;
}

export function clientCapabilities(req: CallerView, server: McpServer): ClientCapabilities | undefined {
  if (req.envelope) return req.envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  // Deprecated for 2026-era requests only, which carry their own envelope (above).
  return server.server.getClientCapabilities();
}

/** The client can show the person a form: `elicitation: {}` (form by default) or `elicitation: { form: {} }`. */
export function canAskForm(caps: ClientCapabilities | undefined): boolean {
  const e = caps?.elicitation as Record<string, unknown> | undefined;
  return e !== undefined && e !== null && (Object.keys(e).length === 0 || e.form !== undefined);
}

/** The request declared the Tasks extension: it may be answered with a task handle. Only 2026-era envelopes carry it. */
export function acceptsTasks(req: CallerView): boolean {
  const caps = req.envelope?.[CLIENT_CAPABILITIES_META_KEY] as { extensions?: Record<string, unknown> } | undefined;
  const ext = caps?.extensions?.[TASKS_EXTENSION];
  return ext !== null && typeof ext === 'object';
}
