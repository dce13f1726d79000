// Where tasks live between polls: one record per task, the final result with it. Process-wide, so that any server
// instance of the process answers `tasks/get` (2026-era HTTP builds one per request) and a client that reconnects finds
// its task again. Bounded like the scan history: the newest MAX_TASKS, each kept at most its ttlMs after creation.
import type { ToolResult } from '../tools/define.js';

export type TaskStatus = 'working' | 'completed' | 'failed' | 'cancelled';

export interface TaskRecord {
  taskId: string;
  /** The tool the task runs. */
  tool: string;
  status: TaskStatus;
  statusMessage?: string;
  createdAt: string;
  lastUpdatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  /** The tool's result, once completed (an isError result too: that is a completed call). */
  result?: ToolResult<unknown>;
  /** A JSON-RPC error, when the call failed at the protocol level. */
  error?: { code: number; message: string };
}

export interface TaskStore {
  save(record: TaskRecord): void;
  load(taskId: string, now?: number): TaskRecord | undefined;
}

export const MAX_TASKS = 50;

export class MemoryTaskStore implements TaskStore {
  private readonly records = new Map<string, TaskRecord>();

  save(record: TaskRecord): void {
    this.records.delete(record.taskId);
    this.records.set(record.taskId, record);
    while (this.records.size > MAX_TASKS) this.records.delete(this.records.keys().next().value as string);
  }

  load(taskId: string, now = Date.now()): TaskRecord | undefined {
    const record = this.records.get(taskId);
    if (record && Date.parse(record.createdAt) + record.ttlMs <= now) {
      this.records.delete(taskId);
      return undefined;
    }
    return record;
  }
}

/** The process's tasks. */
export const tasks: TaskStore = new MemoryTaskStore();
