/**
 * The per-connection policy of a server: how many requests a connection
 * carries, how long it may sit idle or take to send a head, how far
 * pipelined requests are read ahead, how much input is buffered, and how it
 * closes. Shared by {@link ServerSession} (one connection) and
 * {@link ServerPolicy} (all of them).
 */
import type { ConnectionOptions } from "./connection-events.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_GRACEFUL_CLOSE, type GracefulCloseOptions } from "./graceful-close.ts";
import type { Latin1Decoder } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import { ParserPool } from "./parser-pool.ts";

/** Options of a {@link ServerSession}. All optional; the defaults are in {@link DEFAULT_SERVER_SESSION}. */
export interface ServerSessionOptions {
  /**
   * Requests one connection answers; the last response says
   * `Connection: close` (RFC 9112 §9.6). Default Infinity.
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * How long a connection may sit idle — nothing owed, nothing being read,
   * everything written — before we close it gracefully, without a response
   * (RFC 9112 §9.5). Also covers a fresh connection that sends nothing.
   * Default 5000 ms, Node's `keepAliveTimeout`: long enough for a browser's
   * next request on the same page, short enough that idle sockets do not pile
   * up. Clients that read `Keep-Alive: timeout=` (see
   * {@link advertiseKeepAlive}) stop reusing the connection before then.
   */
  readonly keepAliveTimeoutMs?: number;
  /**
   * Send `Keep-Alive: timeout=N` (N = the idle timeout in whole seconds, plus
   * `max=` when {@link maxRequestsPerConnection} is finite) on persistent
   * responses, a hint from RFC 2068 §19.7.1.1 that lets clients stop reusing
   * the connection before we close it. Not sent when the idle timeout is
   * infinite. Default false.
   */
  readonly advertiseKeepAlive?: boolean;
  /**
   * The time from the first octet of a request head to its end. On expiry
   * we answer 408 Request Timeout (RFC 9110 §15.5.9) if nothing is owed
   * before it, then close; otherwise we finish the responses owed and close.
   * It bounds a slow-header ("slowloris") peer: a connection can be held
   * this long at most by trickling a head, however slowly. Default
   * 30 000 ms: a legitimate client sends a head in one round trip, so this is
   * generous even for poor links, and half of Node's and nginx's 60 s
   * (`headersTimeout`, `client_header_timeout`), inside Apache
   * mod_reqtimeout's 20–40 s.
   */
  readonly headersTimeoutMs?: number;
  /**
   * The longest silence allowed while a request body is being read (and we
   * are not the ones pausing). On expiry the connection is dropped
   * (gracefully; the exchange is lost — the application sees a `close`
   * event). Default Infinity (off): body pacing is the application's call.
   */
  readonly bodyTimeoutMs?: number;
  /**
   * Requests read ahead of the response being written (RFC 9112 §9.3.2);
   * reading pauses while this many await their responses. Default 16.
   */
  readonly maxPipelinedRequests?: number;
  /**
   * Input held without being parsed or taken by the application; beyond it
   * reading pauses (`pause-read`) until it drains. A head being read is
   * exempt (the parser limits bound it). Default 65 536 octets: one socket
   * read on Node, and as much as the default header-section limit.
   */
  readonly maxBufferedBytes?: number;
  /** Parser limits for requests (see {@link DEFAULT_LIMITS}). */
  readonly limits?: Partial<ParserLimits>;
  /** Accept bare LF line endings (RFC 9112 §2.2). Default false. */
  readonly lenientLineEndings?: boolean;
  /**
   * The runtime's native latin1 decoder, for the parser (see
   * `ParserOptions.decodeLatin1`). Default: the portable one.
   */
  readonly decodeLatin1?: Latin1Decoder;
  /**
   * Who answers a request that broke the protocol. `auto` (the default):
   * the session writes a minimal response with the error's status
   * (400, 413, 414, 431, 501, 505) as soon as it is that request's turn,
   * then closes gracefully — the `error` event is then only informational.
   * `app`: the application answers it with `respond…` or
   * `respondToError(id)`.
   */
  readonly errorResponses?: "auto" | "app";
  /** Bounds of the lingering close (see {@link GracefulCloseOptions}). */
  readonly linger?: GracefulCloseOptions;
  /**
   * How long a keep-alive connection sits idle (nothing owed, read,
   * buffered or unflushed) before its session compacts: it lets go of its
   * per-request state and keeps a small record, rebuilt exactly when the
   * next input comes (see `ServerSession.compact`). Default 1000 ms: a
   * connection in steady use (requests less than a second apart) never
   * pays the rebuild, while the many idle connections a server holds cost
   * little. Infinity: never.
   */
  readonly compactIdleAfterMs?: number;
}

/** {@link ServerSessionOptions} with every default filled in. */
export interface ResolvedServerSessionOptions {
  readonly maxRequestsPerConnection: number;
  readonly keepAliveTimeoutMs: number;
  readonly advertiseKeepAlive: boolean;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly maxPipelinedRequests: number;
  readonly maxBufferedBytes: number;
  readonly limits: Partial<ParserLimits>;
  readonly lenientLineEndings: boolean;
  readonly decodeLatin1: Latin1Decoder | undefined;
  readonly errorResponses: "auto" | "app";
  readonly linger: Required<GracefulCloseOptions>;
  readonly compactIdleAfterMs: number;
}

/** The defaults (see each option of {@link ServerSessionOptions} for the reasons). */
export const DEFAULT_SERVER_SESSION: ResolvedServerSessionOptions = Object.freeze({
  maxRequestsPerConnection: Number.POSITIVE_INFINITY,
  keepAliveTimeoutMs: 5000,
  advertiseKeepAlive: false,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: Number.POSITIVE_INFINITY,
  maxPipelinedRequests: 16,
  maxBufferedBytes: 65_536,
  limits: Object.freeze({}),
  lenientLineEndings: false,
  decodeLatin1: undefined,
  errorResponses: "auto",
  linger: DEFAULT_GRACEFUL_CLOSE,
  compactIdleAfterMs: 1000,
});

/** Fills in the defaults; throws a {@link UsageError} for a negative or NaN number. */
export function resolveServerSessionOptions(
  options: ServerSessionOptions = {},
): ResolvedServerSessionOptions {
  const d = DEFAULT_SERVER_SESSION;
  return {
    maxRequestsPerConnection: atLeast(
      options.maxRequestsPerConnection,
      d.maxRequestsPerConnection,
      1,
      "maxRequestsPerConnection",
    ),
    keepAliveTimeoutMs: atLeast(
      options.keepAliveTimeoutMs,
      d.keepAliveTimeoutMs,
      0,
      "keepAliveTimeoutMs",
    ),
    advertiseKeepAlive: options.advertiseKeepAlive ?? d.advertiseKeepAlive,
    headersTimeoutMs: atLeast(options.headersTimeoutMs, d.headersTimeoutMs, 0, "headersTimeoutMs"),
    bodyTimeoutMs: atLeast(options.bodyTimeoutMs, d.bodyTimeoutMs, 0, "bodyTimeoutMs"),
    maxPipelinedRequests: atLeast(
      options.maxPipelinedRequests,
      d.maxPipelinedRequests,
      1,
      "maxPipelinedRequests",
    ),
    maxBufferedBytes: atLeast(options.maxBufferedBytes, d.maxBufferedBytes, 1, "maxBufferedBytes"),
    limits: options.limits ?? d.limits,
    lenientLineEndings: options.lenientLineEndings ?? d.lenientLineEndings,
    decodeLatin1: options.decodeLatin1 ?? d.decodeLatin1,
    errorResponses: options.errorResponses ?? d.errorResponses,
    linger: { ...d.linger, ...options.linger },
    compactIdleAfterMs: atLeast(
      options.compactIdleAfterMs,
      d.compactIdleAfterMs,
      0,
      "compactIdleAfterMs",
    ),
  };
}

/** Options resolved once per options object (a server passes the same one to every session). */
const RESOLVED = new WeakMap<ServerSessionOptions, ResolvedServerSessionOptions>();

/**
 * {@link resolveServerSessionOptions}, once per options object: sessions
 * made with the same object share the result (and its parser pool, see
 * {@link connectionOptions}).
 */
export function sharedResolvedOptions(
  options: ServerSessionOptions | undefined,
): ResolvedServerSessionOptions {
  if (options === undefined) return resolveServerSessionOptions(options);
  let r = RESOLVED.get(options);
  if (r === undefined) {
    r = resolveServerSessionOptions(options);
    RESOLVED.set(options, r);
  }
  return r;
}

/** Connection options per resolved options object: one parser pool for all its sessions. */
const CONNECTION_OPTIONS = new WeakMap<ResolvedServerSessionOptions, ServerConnectionOptions>();

type ServerConnectionOptions = Omit<ConnectionOptions, "role">;

/**
 * The options of the {@link ServerConnection} a session wraps. Sessions
 * made with the same resolved options share these, and with them one
 * {@link ParserPool}: an idle connection holds no parser.
 */
export function connectionOptions(o: ResolvedServerSessionOptions): ServerConnectionOptions {
  const known = CONNECTION_OPTIONS.get(o);
  if (known !== undefined) return known;
  const parserPool = new ParserPool({
    kind: "request",
    limits: o.limits,
    lenientLineEndings: o.lenientLineEndings,
    ...(o.decodeLatin1 !== undefined ? { decodeLatin1: o.decodeLatin1 } : {}),
  });
  const made: ServerConnectionOptions = {
    parserPool,
    maxPipelinedRequests: o.maxPipelinedRequests,
    maxRequests: o.maxRequestsPerConnection,
    // RFC 2068 §19.7.1.1: `timeout=` in whole seconds (`max=` is added by the connection).
    ...(o.advertiseKeepAlive && Number.isFinite(o.keepAliveTimeoutMs)
      ? { advertiseKeepAlive: { timeoutSeconds: Math.floor(o.keepAliveTimeoutMs / 1000) } }
      : {}),
  };
  CONNECTION_OPTIONS.set(o, made);
  return made;
}

function atLeast(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (Number.isNaN(value) || value < min) {
    throw new UsageError("INVALID_STATE", `${name} must be at least ${min}, got ${value}`);
  }
  return value;
}
