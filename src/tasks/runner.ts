// A tool call run as a task: the call returns a handle at once and the work goes on in the background, with its
// progress as the task's status message and its result kept for `tasks/get`. Cancellation (`tasks/cancel`) aborts the
// work as a cancelled request would; what the tool had finished is in its result (a batch keeps its finished scans).
import { randomUUID } from 'node:crypto';
import { log } from '../log.js';
import type { ToolArgs, ToolContext, ToolDefinition, ToolResult } from '../tools/define.js';
import { type TaskRecord, tasks } from './store.js';

/** How long a task and its result are kept after creation. */
export const TASK_TTL_MS = 24 * 60 * 60_000;
/** How often a client should poll; scans take seconds to minutes. */
export const POLL_INTERVAL_MS = 1_000;
/** Status messages are rewritten at most this often (a batch reports every target). */
const STATUS_INTERVAL_MS = 250;

/** The work of tasks still running in this process, by task id: what `tasks/cancel` aborts. */
const running = new Map<string, AbortController>();

const nowIso = () => new Date().toISOString();

function update(record: TaskRecord, change: Partial<TaskRecord>): TaskRecord {
  const next = { ...record, ...change, lastUpdatedAt: nowIso() };
  tasks.save(next);
  return next;
}

/** The first line of a result's text: what a task's final status message says. */
function headline(result: ToolResult<unknown>): string | undefined {
  const first = result.content.find((c) => c.type === 'text');
  return first && 'text' in first ? first.text.split('\n')[0]!.slice(0, 500) : undefined;
}

/** Starts the tool's handler as a task and returns the task as created (status `working`). */
export function startTask(tool: ToolDefinition, args: ToolArgs, ctx: Omit<ToolContext, 'signal' | 'progress'>): TaskRecord {
  const created = nowIso();
  let record: TaskRecord = {
    taskId: randomUUID(),
    tool: tool.name,
    status: 'working',
    statusMessage: `${tool.name} started.`,
    createdAt: created,
    lastUpdatedAt: created,
    ttlMs: TASK_TTL_MS,
    pollIntervalMs: POLL_INTERVAL_MS,
  };
  tasks.save(record);
  const controller = new AbortController();
  running.set(record.taskId, controller);
  let lastStatus = 0;
  const progress: ToolContext['progress'] = (_done, _total, message) => {
    const now = Date.now();
    if (now - lastStatus < STATUS_INTERVAL_MS || record.status !== 'working') return;
    lastStatus = now;
    record = update(record, { statusMessage: message });
  };
  void (async () => {
    try {
      const result = await tool.handler(args, { ...ctx, signal: controller.signal, progress });
      const message = headline(result);
      record = update(
        record,
        controller.signal.aborted
          ? { status: 'cancelled', ...(message ? { statusMessage: message } : {}), result }
          : { status: 'completed', ...(message ? { statusMessage: message } : {}), result },
      );
    } catch (e) {
      log.error({ tool: tool.name, err: (e as Error).message }, 'task failed');
      record = controller.signal.aborted
        ? update(record, { status: 'cancelled', statusMessage: 'Cancelled.' })
        : update(record, {
            status: 'failed',
            statusMessage: `${tool.name} failed unexpectedly: ${(e as Error).message}`,
            error: { code: -32603, message: `${tool.name} failed unexpectedly: ${(e as Error).message}` },
          });
    } finally {
      running.delete(record.taskId);
    }
  })();
  return record;
}

/** Asks a running task to stop; false when it is not running in this process (finished, or unknown). */
export function cancelTask(taskId: string): boolean {
  const controller = running.get(taskId);
  if (!controller) return false;
  controller.abort(new Error('the task was cancelled'));
  return true;
}
