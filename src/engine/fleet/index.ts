// Fleet discovery as a library: parse a scope, take a shard of it, sweep it, read each server's auth state.
export {
  parseScope,
  parsePorts,
  scopeHosts,
  shardSize,
  ScopeError,
  MAX_SCOPE_ADDRESSES,
  MAX_SCOPE_NAMES,
  MAX_PORTS,
  type Scope,
  type ScopeHost,
} from './scope.js';
export { parseShard, inShard, ShardError, MAX_SHARDS, type Shard } from './shard.js';
export { sweep, hostsAtOnce, DEFAULT_FLEET_PORTS, FLEET_DEFAULTS, FLEET_LIMITS, type SweepOptions } from './sweep.js';
export { authStateOf, isLlmServer, type AuthState } from './auth-state.js';
export { compareServices } from './order.js';
export { LocalResourceError } from '../http/port-probe.js';
export * from './types.js';
