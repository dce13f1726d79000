// Fleet discovery as a library: parse a scope, take a shard of it, sweep it, read each server's auth state.

export { LocalResourceError } from '../http/port-probe.js';
export { type AuthState, authStateOf, isLlmServer } from './auth-state.js';
export { compareServices } from './order.js';
export {
  MAX_PORTS,
  MAX_SCOPE_ADDRESSES,
  MAX_SCOPE_NAMES,
  parsePorts,
  parseScope,
  type Scope,
  ScopeError,
  type ScopeHost,
  scopeHosts,
  shardSize,
} from './scope.js';
export { inShard, MAX_SHARDS, parseShard, type Shard, ShardError } from './shard.js';
export { DEFAULT_FLEET_PORTS, FLEET_DEFAULTS, FLEET_LIMITS, hostsAtOnce, type SweepOptions, sweep } from './sweep.js';
export * from './types.js';
