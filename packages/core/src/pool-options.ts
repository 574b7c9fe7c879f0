/**
 * The pool's options with their defaults applied and checked.
 *
 * | option                     | default  | note                                              |
 * |----------------------------|----------|---------------------------------------------------|
 * | `connectionsPerOrigin`     | 6        | what browsers use per host                        |
 * | `maxConnections`           | Infinity |                                                   |
 * | `maxRequestsPerConnection` | Infinity | the server's `Keep-Alive: max` also limits        |
 * | `idleTimeoutMs`            | 4000     | bounded by the server's `Keep-Alive: timeout`     |
 * | `keepAliveSafetyMarginMs`  | 1000     | taken off the server's hint (keep-alive.ts)       |
 * | `pipelining`               | 1        | requests in flight per connection; 1 = off        |
 * | `maxAttempts`              | 3        | the first attempt included                        |
 * | `retryBackoffMs`           | 0, then 100 ms doubling to 1 s | retry.ts `defaultRetryBackoff` |
 * | `http10`                   | false    |                                                   |
 * | `connectTimeoutMs`         | Infinity |                                                   |
 * | `headersTimeoutMs`         | Infinity |                                                   |
 */
import { UsageError } from "./errors.ts";
import type { Latin1Decoder } from "./latin1.ts";
import type { PoolOptions } from "./pool-events.ts";
import { defaultRetryBackoff } from "./retry.ts";
import type { Origin } from "./socket-actions.ts";

/** {@link PoolOptions} with every default filled in. */
export interface ResolvedPoolOptions {
  readonly connectionsPerOrigin: number;
  readonly maxConnections: number;
  readonly maxRequestsPerConnection: number;
  readonly idleTimeoutMs: number;
  readonly keepAliveSafetyMarginMs: number;
  readonly pipelining: number;
  readonly maxAttempts: number;
  readonly retryBackoffMs: (retry: number) => number;
  readonly http10: boolean;
  readonly proxy: Origin | undefined;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly decodeLatin1: Latin1Decoder | undefined;
}

const INF = Number.POSITIVE_INFINITY;

/** The defaults of every numeric option (table above). */
export const DEFAULT_POOL_OPTIONS = Object.freeze({
  connectionsPerOrigin: 6,
  maxConnections: INF,
  maxRequestsPerConnection: INF,
  idleTimeoutMs: 4000,
  keepAliveSafetyMarginMs: 1000,
  pipelining: 1,
  maxAttempts: 3,
  connectTimeoutMs: INF,
  headersTimeoutMs: INF,
});

/** Applies the defaults (table above); throws a {@link UsageError} for an impossible value. */
export function resolvePoolOptions(o: PoolOptions): ResolvedPoolOptions {
  const D = DEFAULT_POOL_OPTIONS;
  return {
    connectionsPerOrigin: count(
      "connectionsPerOrigin",
      o.connectionsPerOrigin,
      D.connectionsPerOrigin,
    ),
    maxConnections: count("maxConnections", o.maxConnections, D.maxConnections),
    maxRequestsPerConnection: count(
      "maxRequestsPerConnection",
      o.maxRequestsPerConnection,
      D.maxRequestsPerConnection,
    ),
    idleTimeoutMs: time("idleTimeoutMs", o.idleTimeoutMs, D.idleTimeoutMs),
    keepAliveSafetyMarginMs: time(
      "keepAliveSafetyMarginMs",
      o.keepAliveSafetyMarginMs,
      D.keepAliveSafetyMarginMs,
    ),
    pipelining: count("pipelining", o.pipelining, D.pipelining),
    maxAttempts: count("maxAttempts", o.maxAttempts, D.maxAttempts),
    retryBackoffMs: o.retryBackoffMs ?? defaultRetryBackoff,
    http10: o.http10 === true,
    proxy: o.proxy,
    connectTimeoutMs: time("connectTimeoutMs", o.connectTimeoutMs, D.connectTimeoutMs),
    headersTimeoutMs: time("headersTimeoutMs", o.headersTimeoutMs, D.headersTimeoutMs),
    decodeLatin1: o.decodeLatin1,
  };
}

/** A whole number ≥ 1, or Infinity. */
function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === INF || (Number.isInteger(value) && value >= 1)) return value;
  throw new UsageError("INVALID_STATE", `${name} must be a whole number ≥ 1, got ${value}`);
}

/** A duration ≥ 0 in milliseconds, or Infinity. */
function time(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value === INF || (Number.isFinite(value) && value >= 0)) return value;
  throw new UsageError("INVALID_STATE", `${name} must be ≥ 0 ms, got ${value}`);
}
