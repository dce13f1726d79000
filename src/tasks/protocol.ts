// The server side of the MCP Tasks extension (io.modelcontextprotocol/tasks, protocol revision 2026-07-28): a
// task-capable tool answers `tools/call` with a task handle when the request declares the extension, and the client
// polls `tasks/get`, answers `tasks/update` (never needed here: consent is settled before a task starts) and may send
// `tasks/cancel`. The SDK (@modelcontextprotocol/server 2.x) routes these names to handlers registered with explicit
// schemas but ships no task runtime, and @modelcontextprotocol/ext-tasks is requester-side: this file is the server's.
import { type McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';
import { acceptsTasks, TASKS_EXTENSION } from '../client-capabilities.js';
import { cancelTask } from './runner.js';
import { type TaskRecord, tasks } from './store.js';

/** -32021 Missing Required Client Capability: task methods are for clients that declared the extension. */
const MISSING_CLIENT_CAPABILITY = -32021;

const TaskIdParams = z.object({ taskId: z.string().min(1).max(200) });
const UpdateParams = TaskIdParams.extend({ inputResponses: z.record(z.string(), z.unknown()) });

/** A task as `tools/call` returns it on creation (CreateTaskResult). */
export function createTaskResult(record: TaskRecord) {
  return { resultType: 'task' as const, ...taskFields(record) };
}

function taskFields(r: TaskRecord) {
  return {
    taskId: r.taskId,
    status: r.status,
    ...(r.statusMessage ? { statusMessage: r.statusMessage } : {}),
    createdAt: r.createdAt,
    lastUpdatedAt: r.lastUpdatedAt,
    ttlMs: r.ttlMs,
    pollIntervalMs: r.pollIntervalMs,
  };
}

/** The task as `tasks/get` answers: a completed task inlines its tool result, a failed one its JSON-RPC error. */
export function detailedTask(r: TaskRecord) {
  if (r.status === 'completed' && r.result) return { ...taskFields(r), result: { resultType: 'complete', ...r.result } };
  if (r.status === 'failed' && r.error) return { ...taskFields(r), error: r.error };
  return taskFields(r);
}

function requireExtension(ctx: { mcpReq: { envelope?: unknown } }): void {
  if (acceptsTasks({ envelope: ctx.mcpReq.envelope as Record<string, unknown> | undefined })) return;
  throw new ProtocolError(MISSING_CLIENT_CAPABILITY, 'Missing required client capability', { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
}

function found(taskId: string): TaskRecord {
  const record = tasks.load(taskId);
  if (!record) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Failed to retrieve task: Task not found (tasks are kept 24 hours, the newest 50).');
  return record;
}

/** Registers tasks/get, tasks/update and tasks/cancel. The server's capabilities must name the extension (server.ts). */
export function registerTaskMethods(server: McpServer): void {
  server.server.setRequestHandler('tasks/get', { params: TaskIdParams }, (params, ctx) => {
    requireExtension(ctx);
    return detailedTask(found(params.taskId));
  });
  server.server.setRequestHandler('tasks/update', { params: UpdateParams }, (params, ctx) => {
    requireExtension(ctx);
    found(params.taskId);
    // No task of Gatecrash ever asks for input while it runs: every response answers a key that is not outstanding.
    return {};
  });
  server.server.setRequestHandler('tasks/cancel', { params: TaskIdParams }, (params, ctx) => {
    requireExtension(ctx);
    found(params.taskId);
    cancelTask(params.taskId);
    return {};
  });
}
