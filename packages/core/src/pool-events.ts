/**
 * What the client pool is given and what it reports: requests, options, and
 * the events an adapter turns into responses, errors and logs.
 *
 * Events are few and each names its request (`id`) or its connection
 * (`connection`, the adapter's socket id):
 *
 * | event                | when                                                                  |
 * |----------------------|-----------------------------------------------------------------------|
 * | `informational`      | a 1xx interim response arrived (RFC 9110 §15.2)                        |
 * | `response`           | the final response head arrived; says on which connection, whether     |
 * |                      | that connection was reused, and the attempts so far                    |
 * | `data`               | a piece of the response body (de-chunked)                             |
 * | `end`                | the response is complete (trailers for a chunked body)                 |
 * | `switched`           | 101 or 2xx to CONNECT: the socket now belongs to the caller            |
 * | `error`              | the request failed for good ({@link RequestError}, with its attempts)  |
 * | `request-queued`     | no connection is free and the caps allow no new one: the request waits |
 * | `request-retried`    | an attempt failed and the retry rules (retry.ts) send it again; for a |
 * |                      | buffered request, what came of the failed attempt is void             |
 * | `connection-opened`  | a connection is established (for a tunnel: TLS through it is up)      |
 * | `connection-reused`  | a request goes on a connection that carried one before                 |
 * | `connection-closed`  | the pool let go of a connection, and why                               |
 *
 * Every request ends with exactly one of `end`, `switched` or `error`;
 * nothing about it follows.
 */
import type { Fields } from "./fields.ts";
import type { CloseReason } from "./keep-alive.ts";
import type { Latin1Decoder } from "./latin1.ts";
import type { HttpVersion, ResponseHead } from "./message.ts";
import type { OutgoingFields } from "./outgoing-fields.ts";
import type { AttemptRecord, RequestError, RetryReason } from "./request-errors.ts";
import type { Origin, SocketId } from "./socket-actions.ts";

/**
 * A request body: bytes known in advance (replayable, so retryable), none
 * (`null`), or a stream the caller feeds with `writeBody`/`endBody`
 * (`length` when known: Content-Length; otherwise chunked, HTTP/1.1 only).
 */
export type PoolBody = Uint8Array | null | { readonly stream: true; readonly length?: number };

/** One request for {@link ClientPool.request}. */
export interface PoolRequest {
  /** The origin server (RFC 9110 §4.3.2). */
  readonly origin: Origin;
  /** A token, case-sensitive (RFC 9110 §9.1). */
  readonly method: string;
  /**
   * The request-target in origin-form (`/path?query`, RFC 9112 §3.2.1), `*`
   * for a server-wide OPTIONS, or the authority-form for CONNECT. The pool
   * turns it into absolute-form for a proxy.
   */
  readonly target: string;
  /** Header fields; `Host` is added from the origin when absent. */
  readonly fields?: OutgoingFields;
  /** Default `null` (no body). */
  readonly body?: PoolBody;
  /** Default "1.1", or "1.0" with the pool's `http10` option. */
  readonly version?: HttpVersion;
  /**
   * The caller holds the response until it is complete, and shows the
   * application nothing before (a buffered `request()`). Then a response cut
   * short was never seen, and an idempotent or keyed request is sent again
   * (retry.ts row 8, `truncated-body`): the events of the cut attempt
   * (`response`, `data`) are followed by `request-retried`, and the caller
   * drops what it held. Default false: the caller streams, the head reaches
   * the application at once, and a cut body is a typed `TRUNCATED_BODY`.
   */
  readonly buffered?: boolean;
}

/** Options of a {@link ClientPool}. Times in milliseconds. */
export interface PoolOptions {
  /**
   * Connections per route: per origin, per proxy for `http:` through a
   * proxy, per origin through the proxy for a tunnel (route.ts). Default 6,
   * as browsers do.
   */
  readonly connectionsPerOrigin?: number;
  /** Connections in all. Default Infinity. */
  readonly maxConnections?: number;
  /** Requests per connection; the last one says `Connection: close`. Default Infinity. */
  readonly maxRequestsPerConnection?: number;
  /** How long an idle connection is kept. Default 4000. */
  readonly idleTimeoutMs?: number;
  /**
   * Subtracted from the server's `Keep-Alive: timeout` hint, so we stop
   * reusing a connection before the server closes it. Default 1000.
   */
  readonly keepAliveSafetyMarginMs?: number;
  /** Requests in flight per connection; 1 (the default) turns pipelining off. */
  readonly pipelining?: number;
  /** Attempts per request, the first included. Default 3. */
  readonly maxAttempts?: number;
  /** Wait before retry number `retry` (1 for the first). Default: 0, then 100 ms doubling to 1 s. */
  readonly retryBackoffMs?: (retry: number) => number;
  /** Send requests as HTTP/1.0 (asking for keep-alive, RFC 9112 §9.3). Default false. */
  readonly http10?: boolean;
  /**
   * Send every request through this HTTP proxy: `http:` requests in
   * absolute-form (RFC 9112 §3.2.2), `https:` ones through a CONNECT tunnel
   * per origin (RFC 9110 §9.3.6; tunnel.ts).
   */
  readonly proxy?: Origin;
  /**
   * Give up connecting after this long (`TIMEOUT`, phase `connect`): the
   * TCP connect, and for a tunnel the CONNECT exchange and the TLS
   * handshake. Default Infinity.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Give up waiting for the response head this long after the request was
   * written (`TIMEOUT`, phase `headers`). Default Infinity.
   */
  readonly headersTimeoutMs?: number;
  /**
   * The runtime's native latin1 decoder, for the response parsers (see
   * `ParserOptions.decodeLatin1`). Default: the portable one.
   */
  readonly decodeLatin1?: Latin1Decoder;
}

/**
 * Why connecting failed, as the adapter tells {@link ClientPool.connectFailed}:
 * `tls` for a TLS handshake that failed as TLS (an untrusted certificate, a
 * name that does not match, an alert), `transport` for anything else
 * (refused, DNS, reset, closed).
 */
export type ConnectFailureKind = "transport" | "tls";

/** Why the pool let go of a connection. */
export type ConnectionCloseReason =
  | CloseReason
  /** The adapter reported that connecting failed. */
  | "connect-failed"
  /** The adapter reported a failed TLS handshake (`connectFailed(…, "tls")`). */
  | "tls-failed"
  /** The proxy answered CONNECT with a non-2xx status (RFC 9110 §9.3.6). */
  | "tunnel-refused"
  /** Connecting took longer than `connectTimeoutMs`. */
  | "connect-timeout"
  /** An idle connection was closed to make room under a cap. */
  | "evicted";

/** What the pool reports. See the table in this module's header. */
export type PoolEvent =
  | { readonly type: "informational"; readonly id: number; readonly head: ResponseHead }
  | {
      readonly type: "response";
      readonly id: number;
      readonly head: ResponseHead;
      readonly connection: SocketId;
      /** The connection carried a request before this one. */
      readonly reused: boolean;
      readonly attempts: AttemptRecord;
    }
  | { readonly type: "data"; readonly id: number; readonly data: Uint8Array }
  | { readonly type: "end"; readonly id: number; readonly trailers: Fields | null }
  | {
      readonly type: "switched";
      readonly id: number;
      /** The socket, no longer the pool's: the caller owns and closes it. */
      readonly connection: SocketId;
      /** Bytes of the new protocol already received. */
      readonly rest: Uint8Array;
    }
  | { readonly type: "error"; readonly id: number; readonly error: RequestError }
  | { readonly type: "request-queued"; readonly id: number }
  | {
      readonly type: "request-retried";
      readonly id: number;
      readonly reason: RetryReason;
      /** The number of the attempt about to be made (2 for the first retry). */
      readonly attempt: number;
      readonly delayMs: number;
    }
  | {
      readonly type: "connection-opened";
      readonly connection: SocketId;
      /** Where the socket goes: the origin, or the proxy. */
      readonly origin: Origin;
      /** Through a proxy's CONNECT tunnel: the origin at its far end. */
      readonly tunnel?: Origin;
    }
  | { readonly type: "connection-reused"; readonly connection: SocketId; readonly id: number }
  | {
      readonly type: "connection-closed";
      readonly connection: SocketId;
      readonly reason: ConnectionCloseReason;
    };

/** A snapshot of the pool's size, for tests and metrics. */
export interface PoolStats {
  /** Connections held, connecting ones included. */
  readonly connections: number;
  readonly connecting: number;
  readonly idle: number;
  /** Requests waiting for a connection (backoff included). */
  readonly queued: number;
  /** Requests written and awaiting the end of their response. */
  readonly inFlight: number;
}
