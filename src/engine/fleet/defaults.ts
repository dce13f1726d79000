// A sweep's defaults and ceilings, in a module of their own: the CLI and the discover_llm_servers tool name them without
// loading the sweep (and with it the engine) before it runs.
import { ALL_PROFILES } from '../profiles/index.js';

/** The ports the profiles name as their servers' defaults (vLLM 8000, Ollama 11434, …), ascending. */
export const DEFAULT_FLEET_PORTS: readonly number[] = [...new Set(ALL_PROFILES.map((p) => p.defaultPort))].sort((a, b) => a - b);

export const FLEET_DEFAULTS = {
  /** New connections a second, all of them. */
  rate: 200,
  perHost: 2,
  connectTimeoutMs: 2_000,
  /** A fingerprint is at most 14 GETs and a prompt-less request per candidate route; a silent port costs this much. */
  fingerprintTimeoutMs: 15_000,
} as const;

export const FLEET_LIMITS = {
  maxRate: 20_000,
  maxPerHost: 16,
  /** Hosts worked on at once: enough to keep the pace when every probe waits out its connect timeout, bounded for file descriptors. */
  maxHostsAtOnce: 512,
  /**
   * Fingerprints at once, whatever the number of hosts: a fingerprint is a dozen requests and its exchanges are held until
   * it ends, where a probe is one handshake. More at once only makes them queue for the CPU (bench/fleet.mjs).
   */
  maxFingerprintsAtOnce: 32,
} as const;
