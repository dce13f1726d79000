// The vocabulary of a fleet sweep: each HTTP(S) service found, and the counts of what was probed.
import type { ProductId } from '../types.js';
import type { AuthState } from './auth-state.js';

/** One listening HTTP(S) service, as the cheap phase saw it without credentials. Every string may come from the target. */
export interface FleetService {
  /** The fields whose text the server wrote (its version, its model ids: cleaned and bounded), data never instructions. */
  untrusted?: ('version' | 'models')[];
  /** The address probed, canonical. */
  address: string;
  port: number;
  /** The host name it was reached by, when the scope named it; null for an address. */
  host: string | null;
  scheme: 'http' | 'https';
  /** The service's root, what `--scan` and `gatecrash scan` take. */
  url: string;
  product: ProductId | 'unknown';
  productName: string | null;
  version: string | null;
  /** 0..1, the fingerprint's confidence. */
  confidence: number;
  auth: AuthState;
  /** A language-model server (see isLlmServer); only these are scanned by `--scan`. */
  llm: boolean;
  /** Models the server names without credentials, at most MAX_MODELS_LISTED. */
  models: string[];
  /** What kept the fingerprint from finishing, when something did (a TLS certificate refused, the deadline). */
  note?: string;
}

export const MAX_MODELS_LISTED = 8;

/** What the sweep did, as counts. Deterministic for a given network: timings and connection reuse are left out. */
export interface SweepStats {
  /** Hosts of the scope (of the shard) visited. */
  hosts: number;
  /** Addresses the guard refused (metadata, link-local, private without --allow-private, off the allow-list). */
  refused: number;
  /** Names that did not resolve. */
  unresolved: number;
  /** Port probes sent. */
  probes: number;
  open: number;
  closed: number;
  /** No answer within the connect timeout. */
  filtered: number;
  unreachable: number;
  /** Open ports that answered neither HTTP nor HTTPS. */
  notHttp: number;
  services: number;
  llm: number;
}

/** A host of the scope that could not be swept: a name that does not resolve, or one the guard refused. */
export interface SweepError {
  target: string;
  message: string;
}

export interface SweepResult {
  /** Sorted by address (IPv4 first, numeric), then port, then host name. */
  services: FleetService[];
  stats: SweepStats;
  /** Sorted by target. */
  errors: SweepError[];
  /** True when the sweep was cancelled before it visited every host. */
  partial: boolean;
  /** The guard's sentence for the first host it refused or could not resolve, if any (for a scope wholly refused). */
  refusal?: string;
}

export interface SweepProgress {
  /** Hosts finished, of `total` in this run. */
  done: number;
  total: number;
  probes: number;
  services: number;
  llm: number;
}
