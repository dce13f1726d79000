// Long work the MCP way: scan_targets over 50 emulators as a task (the Tasks extension, 2026-07-28), driven by the
// extension's own requester (@modelcontextprotocol/ext-tasks) against the built CLI's `serve`: poll to completion,
// cancel half-way (the finished scans are kept), reconnect and fetch. A client without the extension gets the blocking
// call with progress. The emulators are on loopback, which is never asked about.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient, type RawClientDispatch, type TaskEnabledSession } from '@modelcontextprotocol/ext-tasks/client';
import { type TaskId, taskId as toTaskId } from '@modelcontextprotocol/ext-tasks/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BatchSummary, BatchSummarySchema } from '../../src/report/batch-summary.js';
import { InventorySchema } from '../../src/report/inventory.js';
import { startFastapiWrapper } from '../targets/fastapi-wrapper.js';
import type { RunningTarget } from '../targets/harness.js';
import { connectHttp, type ServeProcess, startServe } from './serve-process.js';

const PROTOCOL = '2026-07-28';
const TARGETS = 50;
/** A task's status while its batch runs: "23 of 50 targets done; last: …". */
const PROGRESS = /^\d+ of 50 targets done/;

/** The host's own request path for task wire shapes the SDK client will not carry (ext-tasks asks for one). */
function httpDispatch(url: string, token: string): RawClientDispatch {
  let id = 0;
  return async (request, options) => {
    const req = { jsonrpc: '2.0', id: `raw-${++id}`, ...(request as { method: string; params?: Record<string, unknown> }) };
    const name = req.method === 'tools/call' ? req.params?.name : req.method.startsWith('tasks/') ? req.params?.taskId : undefined;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': PROTOCOL,
        'mcp-method': req.method,
        ...(typeof name === 'string' ? { 'mcp-name': name } : {}),
      },
      body: JSON.stringify(req),
      ...(options?.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    const messages = (response.headers.get('content-type') ?? '').includes('text/event-stream')
      ? text
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>)
      : [JSON.parse(text) as Record<string, unknown>];
    const answer = messages.find((m) => m.id === req.id);
    if (!answer) throw new Error(`no answer to ${req.method} (HTTP ${response.status}): ${text.slice(0, 300)}`);
    return answer.error ? { kind: 'error', error: answer.error as { code: number; message: string } } : { kind: 'result', result: answer.result as never };
  };
}

interface TaskClient {
  client: Client;
  session: TaskEnabledSession;
  close(): Promise<void>;
}

async function connectTasks(serve: ServeProcess): Promise<TaskClient> {
  const client = await connectHttp(serve.url, serve.token, 'auto');
  const session = createTaskSessionFromClient(client, {
    endpointId: 'gatecrash-e2e',
    rawDispatch: httpDispatch(serve.url, serve.token),
    v2RequestFraming: { protocolVersion: PROTOCOL, clientInfo: { name: 'gatecrash-e2e-tasks', version: '0.0.0' }, clientCapabilities: {} },
  });
  return {
    client,
    session,
    async close() {
      await session.close();
      await client.close();
    },
  };
}

const summaryOf = (result: unknown): BatchSummary => BatchSummarySchema.parse((result as { structuredContent: unknown }).structuredContent);

describe('scan_targets and discover_llm_servers as MCP tasks', () => {
  let serve: ServeProcess;
  let targets: RunningTarget[];
  let cache: string;
  const urls = () => targets.map((t) => `${t.url}/generate`);
  /** The cancelled batch's resource, read again after a restart. */
  let cancelledBatch: string | undefined;

  beforeAll(async () => {
    cache = mkdtempSync(join(tmpdir(), 'gatecrash-tasks-'));
    [serve, targets] = await Promise.all([
      startServe([], { XDG_CACHE_HOME: cache, GATECRASH_MAX_SCANS: '8' }),
      Promise.all(Array.from({ length: TARGETS }, () => startFastapiWrapper({}))),
    ]);
  }, 60_000);
  afterAll(async () => {
    await serve?.stop();
    await Promise.all((targets ?? []).map((t) => t.close()));
    rmSync(cache, { recursive: true, force: true });
  });

  it('the server declares the Tasks extension and the task tools', async () => {
    const c = await connectTasks(serve);
    try {
      expect(c.client.getServerCapabilities()?.extensions).toHaveProperty(['io.modelcontextprotocol/tasks']);
      expect(c.session.capabilities).toMatchObject({ execution: true, cancellation: true });
    } finally {
      await c.close();
    }
  });

  it('a batch over 50 emulators runs as a task, polled to completion, with progress in its status; reconnect and fetch it', async () => {
    const c = await connectTasks(serve);
    const statuses: string[] = [];
    let reference: Parameters<TaskEnabledSession['resumeTask']>[0] | undefined;
    try {
      const execution = await c.session.callTool('scan_targets', { targets: urls(), parallel: 8 });
      expect(execution.kind).toBe('task');
      if (execution.kind !== 'task') return;
      // The client goes away while the task runs: it keeps the reference, as the spec says it should.
      const first = await c.session.task(execution.handle.taskId).snapshot();
      expect(first.status).toBe('working');
      // Progress is in the status while it runs: poll until a progress line shows (the batch takes a second or more).
      for (let i = 0; i < 250 && !statuses.some((m) => PROGRESS.test(m)); i++) {
        const view = await c.session.task(execution.handle.taskId).snapshot();
        if (view.statusMessage) statuses.push(view.statusMessage);
        if (view.status !== 'working') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await execution.handoff((r) => {
        reference = r;
      });
      // ext-tasks 0.2.2 still cancels a handed-off task when the session closes before the execution has noticed the
      // handoff: let it settle locally first.
      await execution.result().catch(() => undefined);
    } finally {
      await c.close();
    }
    const again = await connectTasks(serve);
    try {
      const resumed = await again.session.resumeTask(reference!);
      const { outcome } = await resumed.settle({ onEvent: (e) => void (e.type === 'task' && e.task.statusMessage && statuses.push(e.task.statusMessage)) });
      expect(outcome.status).toBe('completed');
      if (outcome.status !== 'completed') return;
      const summary = summaryOf(outcome.result);
      expect(summary).toMatchObject({ state: 'complete', targets: TARGETS, scanned: TARGETS, notScanned: 0 });
      expect(summary.results.every((r) => (r.grade === 'D' || r.grade === 'F') && r.worst !== undefined)).toBe(true);
      expect(
        statuses.some((m) => PROGRESS.test(m)),
        statuses.join('\n'),
      ).toBe(true);
      // The same result, fetched once more, and the batch as a resource, with every full report behind its scanId.
      const fetched = await again.session.task(reference!.taskId).result();
      expect(fetched.status === 'completed' && summaryOf(fetched.result).batchId).toBe(summary.batchId);
      const batch = await again.client.readResource({ uri: `gatecrash://batches/${summary.batchId}` });
      expect(BatchSummarySchema.parse(JSON.parse((batch.contents[0] as { text: string }).text)).scanned).toBe(TARGETS);
      const report = await again.client.readResource({ uri: `gatecrash://scans/${summary.results[0]!.scanId}` });
      expect((report.contents[0] as { text: string }).text).toContain('auth.missing');
    } finally {
      await again.close();
    }
  });

  it('cancelled half-way: the running scans stop, the finished ones are kept and can be read after a reconnect', async () => {
    const c = await connectTasks(serve);
    let taskId: TaskId | undefined;
    try {
      const execution = await c.session.callTool('scan_targets', { targets: urls(), parallel: 2 });
      if (execution.kind !== 'task') throw new Error('not a task');
      taskId = execution.handle.taskId;
      const task = c.session.task(taskId);
      for (;;) {
        const done = Number(/^(\d+) of 50/.exec((await task.snapshot()).statusMessage ?? '')?.[1] ?? 0);
        if (done >= 10) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await execution.cancel();
      let view = await task.snapshot();
      for (let i = 0; i < 100 && view.status === 'working'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        view = await task.snapshot();
      }
      expect(view.status).toBe('cancelled');
      expect(view.statusMessage).toMatch(
        /^Batch cancelled: \d+ of 50 targets scanned \(partial reports kept\), \d+ not scanned\. Results: gatecrash:\/\/batches\//,
      );
      // Nothing more reaches the targets once the task has stopped.
      const sent = targets.reduce((n, t) => n + t.requests.length, 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(targets.reduce((n, t) => n + t.requests.length, 0)).toBe(sent);
    } finally {
      await c.close();
    }
    const again = await connectTasks(serve);
    try {
      const view = await again.session.task(taskId!).snapshot();
      expect(view.status).toBe('cancelled');
      const uri = /gatecrash:\/\/batches\/[\w-]+/.exec(view.statusMessage ?? '')![0];
      cancelledBatch = uri;
      const partial = BatchSummarySchema.parse(JSON.parse(((await again.client.readResource({ uri })).contents[0] as { text: string }).text));
      expect(partial.state).toBe('cancelled');
      expect(partial.scanned).toBeGreaterThanOrEqual(10);
      expect(partial.scanned).toBeLessThan(TARGETS);
      expect(partial.scanned + partial.notScanned).toBe(TARGETS);
      expect(partial.errors.every((e) => /cancelled before this target started/.test(e.message))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('a batch outlives the server: after a restart its resource and its scans read from the local store', async () => {
    expect(cancelledBatch).toBeDefined();
    await serve.stop();
    serve = await startServe([], { XDG_CACHE_HOME: cache, GATECRASH_MAX_SCANS: '8' });
    const client = await connectHttp(serve.url, serve.token, 'auto');
    try {
      const read = async (uri: string) => ((await client.readResource({ uri })).contents[0] as { text: string }).text;
      const batch = BatchSummarySchema.parse(JSON.parse(await read(cancelledBatch!)));
      expect(batch.state).toBe('cancelled');
      expect(batch.scanned).toBeGreaterThanOrEqual(10);
      expect(await read(`gatecrash://scans/${batch.results.find((r) => r.scanId)!.scanId}`)).toContain('auth.missing');
    } finally {
      await client.close();
    }
  });

  it('an unknown task id is a JSON-RPC error, and task methods need the extension declared', async () => {
    const c = await connectTasks(serve);
    try {
      await expect(c.session.task(toTaskId('no-such-task')).snapshot()).rejects.toThrow(/Task not found/);
      const bare = httpDispatch(serve.url, serve.token);
      const answer = await bare({
        method: 'tasks/get',
        params: {
          taskId: 'no-such-task',
          _meta: {
            'io.modelcontextprotocol/protocolVersion': PROTOCOL,
            'io.modelcontextprotocol/clientInfo': { name: 'x', version: '0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      });
      expect(answer).toMatchObject({ kind: 'error', error: { code: -32021 } });
    } finally {
      await c.close();
    }
  });

  it('discover_llm_servers runs as a task too', async () => {
    const c = await connectTasks(serve);
    try {
      const ports = targets.slice(0, 3).map((t) => t.port);
      const execution = await c.session.callTool('discover_llm_servers', { scope: ['127.0.0.1'], ports });
      expect(execution.kind).toBe('task');
      const { outcome } = await execution.settle();
      expect(outcome.status).toBe('completed');
      if (outcome.status !== 'completed') return;
      const inventory = InventorySchema.parse((outcome.result as { structuredContent: unknown }).structuredContent);
      expect(inventory.services.map((s) => s.port).sort()).toEqual([...ports].sort());
      expect(inventory.services.every((s) => s.llm && s.auth === 'open')).toBe(true);
    } finally {
      await c.close();
    }
  });

  for (const era of ['legacy', 'auto'] as const) {
    it(`a client without the Tasks extension (${era === 'legacy' ? '2025' : '2026'} era) gets the blocking call, with progress`, async () => {
      const client = await connectHttp(serve.url, serve.token, era);
      try {
        const progress: string[] = [];
        const result = await client.callTool(
          { name: 'scan_targets', arguments: { targets: urls().slice(0, 6) } },
          { onprogress: (p) => void progress.push(p.message ?? '') },
        );
        expect(result.isError).toBeFalsy();
        const summary = summaryOf(result);
        expect(summary).toMatchObject({ state: 'complete', scanned: 6 });
        expect(JSON.stringify(result.content)).toContain(`gatecrash://batches/${summary.batchId}`);
        expect(progress.some((m) => /of 6 targets done/.test(m))).toBe(true);
      } finally {
        await client.close();
      }
    });
  }
});
