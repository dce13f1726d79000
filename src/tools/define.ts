// One MCP tool = one file exporting defineTool({...}). server.ts registers them all; tools are adapters, never probers.
import type * as z from 'zod/v4';
import type { Reach } from '../consent/reach.js';
import type { Resolver } from '../engine/http/guard.js';

/** MCP tool hints. destructiveHint and idempotentHint mean something only when readOnlyHint is false, so read-only tools omit them. */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

export type ToolProgress = (progress: number, total: number | undefined, message: string) => void;

/** Operator settings, fixed when the server starts. A model calling a tool can never lift them (SSRF guard). */
export interface ToolSettings {
  allowPrivate: boolean;
  allow: string[];
  /** Defaults for scans the model does not size itself. */
  budget: number;
  timeoutMs: number;
  /** TLS toward https targets (`--insecure`, `--ca`): the operator's decision, never a tool argument a model could set. */
  tls?: { insecure?: boolean; ca?: string };
}

/** The scan options only the operator sets: where scans may go and how TLS is trusted. */
export function operatorOptions(settings: ToolSettings): { allowPrivate: boolean; allow: string[]; tls?: { insecure?: boolean; ca?: string } } {
  return { allowPrivate: settings.allowPrivate, allow: settings.allow, ...(settings.tls ? { tls: settings.tls } : {}) };
}

export interface ToolContext {
  signal: AbortSignal;
  settings: ToolSettings;
  /** Sends an MCP progress notification when the client asked for them; a no-op otherwise. */
  progress: ToolProgress;
  /** Resolves host names for every scan and sweep of the call (the server holds localhost to loopback; tests stub it). */
  resolver?: Resolver;
}

export interface ToolContent {
  type: 'text';
  text: string;
}

export interface ResourceLinkContent {
  type: 'resource_link';
  uri: string;
  name: string;
  mimeType?: string;
  description?: string;
}

export interface ToolResult<O> {
  content: (ToolContent | ResourceLinkContent)[];
  structuredContent?: O;
  isError?: boolean;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /**
   * Where the call sends requests and what it sends there, from its arguments alone: the person approves hosts the
   * operator did not (src/consent/) before the handler runs. Absent for tools that send nothing. Throws a TargetError,
   * GuardError or ScopeError for arguments that name no valid target.
   */
  reach?(args: z.infer<I>, settings: ToolSettings): Promise<Reach>;
  /** Long work: run as an MCP task when the client supports the Tasks extension (src/tasks/), blocking otherwise. */
  task?: boolean;
  /** The MCP Apps view a host shows the result in (`_meta.ui.resourceUri`); hosts without MCP Apps show the text. */
  ui?: { resourceUri: string };
  handler(args: z.infer<I>, ctx: ToolContext): Promise<ToolResult<z.infer<O>>>;
}

/** A tool's arguments as the SDK hands them over: already validated against the tool's own zod input. */
export type ToolArgs = Parameters<ToolDefinition['handler']>[0];

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return def;
}

/** A user-caused failure as a tool result: a sentence that says what to do, never a stack trace. */
export function toolError(message: string): ToolResult<never> {
  return { content: [{ type: 'text', text: message }], isError: true };
}
