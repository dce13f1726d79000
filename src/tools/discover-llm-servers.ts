// discover_llm_servers: fleet discovery (`gatecrash discover`) over MCP: port probes over a scope, then the cheap phase
// on every HTTP service found, never a model run, never a credential. Long work: an MCP task where the client supports
// them, blocking with progress otherwise. The result is the inventory (InventorySchema) with its text face.
import * as z from 'zod/v4';
import { subjectsOfScope } from '../consent/subjects.js';
import { DEFAULT_FLEET_PORTS, FLEET_DEFAULTS } from '../engine/fleet/defaults.js';
import { parseScope, type Scope, ScopeError } from '../engine/fleet/scope.js';
import { LocalResourceError } from '../engine/http/port-probe.js';
import { GATECRASH_VERSION } from '../engine/release.js';
import { UNTRUSTED_NOTICE } from '../engine/untrusted.js';
import { buildInventory, InventorySchema, toInventoryPretty } from '../report/inventory.js';
import { defineTool, operatorOptions, toolError } from './define.js';

/** A /16: over MCP a sweep is the model's idea, so it stays one a person can weigh (the CLI takes up to a /8). */
export const MAX_MCP_SCOPE = 65_536;
const MAX_MCP_RATE = 2_000;

const input = z.object({
  scope: z
    .array(z.string().min(1).max(100))
    .min(1)
    .max(64)
    .describe(`CIDRs (10.0.0.0/24), ranges (10.0.0.5-10.0.0.20), addresses, names; at most ${MAX_MCP_SCOPE.toLocaleString('en-US')} hosts`),
  ports: z
    .array(z.number().int().min(1).max(65535))
    .min(1)
    .max(64)
    .optional()
    .describe(`Default: ${DEFAULT_FLEET_PORTS.join(', ')}`),
  rate: z.number().int().min(1).max(MAX_MCP_RATE).optional().describe(`New connections a second (default ${FLEET_DEFAULTS.rate})`),
});

function scopeOf(args: z.infer<typeof input>): Scope {
  const scope = parseScope(args.scope);
  if (scope.size > MAX_MCP_SCOPE)
    throw new ScopeError(
      `The scope holds ${scope.size.toLocaleString('en-US')} hosts; over MCP a sweep takes at most ` +
        `${MAX_MCP_SCOPE.toLocaleString('en-US')} (a /16). Run gatecrash discover for a larger one.`,
    );
  return scope;
}

const portsOf = (args: z.infer<typeof input>) => [...new Set(args.ports ?? DEFAULT_FLEET_PORTS)].sort((a, b) => a - b);

function duration(seconds: number): string {
  return seconds < 90 ? `${Math.max(1, Math.round(seconds))} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

function sweepActions(scope: Scope, ports: number[], rate: number): string[] {
  const probes = scope.size * ports.length;
  return [
    `Port probes: ${scope.size.toLocaleString('en-US')} host${scope.size === 1 ? '' : 's'} × ` +
      `${ports.length} port${ports.length === 1 ? '' : 's'} (${ports.join(', ')}) = at most ` +
      `${probes.toLocaleString('en-US')} TCP connections, ${rate} new connections a second at most ` +
      `(${duration(probes / rate)} or more), 2 at once per host.`,
    'On every port that answers HTTP: the cheap phase of a scan (about 14 GETs and a prompt-less request ' +
      'per candidate route). No model is run and no credential is sent.',
  ];
}

export default defineTool({
  name: 'discover_llm_servers',
  title: 'Discover the LLM servers of a network',
  description:
    'Fleet discovery: probes inference-server ports over addresses, ranges and names and fingerprints each HTTP service with cheap GETs ' +
    '(no model run, no credential). Returns the inventory (URL, product, version, auth state open/keyed/unknown, models); scan the open ' +
    "ones with scan_targets. Runs as an MCP task where supported. Private ranges need the operator's --allow-private.",
  input,
  output: InventorySchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  task: true,
  async reach(args) {
    const scope = scopeOf(args);
    return {
      subjects: subjectsOfScope(scope).map((subject) => ({ subject, origins: [] })),
      actions: sweepActions(scope, portsOf(args), args.rate ?? FLEET_DEFAULTS.rate),
    };
  },
  async handler(args, ctx) {
    const scope = scopeOf(args);
    const ports = portsOf(args);
    try {
      // The sweep loads the engine: on the first call, not when the server starts.
      const { sweep } = await import('../engine/fleet/sweep.js');
      const result = await sweep(scope, {
        ports,
        policy: operatorOptions(ctx.settings),
        rate: args.rate ?? FLEET_DEFAULTS.rate,
        signal: ctx.signal,
        resolver: ctx.resolver,
        ...(ctx.settings.tls ? { tls: ctx.settings.tls } : {}),
        onProgress: (p) =>
          ctx.progress(p.done, p.total, `${p.done} of ${p.total} hosts swept, ${p.probes} port probes: ${p.services} HTTP services, ${p.llm} LLM servers.`),
      });
      if (result.stats.hosts > 0 && result.stats.refused + result.stats.unresolved === result.stats.hosts) {
        return toolError(`No host of the scope could be swept. ${result.refusal ?? ''}`.trim());
      }
      const inventory = buildInventory(GATECRASH_VERSION, {
        scope: scope.items,
        ports,
        partial: result.partial,
        stats: result.stats,
        services: result.services,
        errors: result.errors,
      });
      const next = result.services.some((s) => s.llm) ? '\nNext: scan_targets with the URLs of the LLM servers (the open ones first).' : '';
      return { content: [{ type: 'text', text: `${UNTRUSTED_NOTICE}\n${toInventoryPretty(inventory).trimEnd()}${next}` }], structuredContent: inventory };
    } catch (e) {
      if (e instanceof LocalResourceError) return toolError(e.message);
      throw e;
    }
  },
});
