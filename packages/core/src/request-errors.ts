/**
 * Typed errors for requests sent through the client pool.
 *
 * A {@link ProtocolError} says which rule of RFC 9112 a peer broke; a
 * {@link RequestError} says what became of one request: the connection it
 * travelled on closed or reset, its response was cut short, it timed out, it
 * was cancelled, or its retries ran out. Every request that does not end
 * with a complete response ends with exactly one of these, carrying the
 * record of its attempts.
 */
import type { ProtocolError } from "./errors.ts";
import type { SocketId } from "./socket-actions.ts";

/**
 * Discriminant of a {@link RequestError}.
 *
 * | code                 | meaning                                                                 |
 * |----------------------|-------------------------------------------------------------------------|
 * | `CONNECT_FAILED`     | the connection could not be opened (refused, DNS, reset …)               |
 * | `TLS_FAILED`         | the TLS handshake failed: untrusted certificate, wrong name, alert …     |
 * | `PROXY_CONNECT_FAILED` | the proxy answered CONNECT with a non-2xx status (`status`), RFC 9110 §9.3.6 |
 * | `CONNECTION_CLOSED`  | the server closed before any of the response reached the caller          |
 * | `CONNECTION_RESET`   | the connection was reset before any of the response reached the caller   |
 * | `TRUNCATED_BODY`     | the connection ended inside the body (RFC 9112 §8): `expected`/`received` |
 * | `PROTOCOL_ERROR`     | the server's bytes broke HTTP/1.1; `cause` is the {@link ProtocolError}    |
 * | `RETRIES_EXHAUSTED`  | retried, and the last attempt failed too; `cause` is the last failure     |
 * | `CANCELLED`          | the caller cancelled the request, or the pool was closed                  |
 * | `TIMEOUT`            | connecting, or waiting for the response head, took too long (`phase`)     |
 */
export type RequestErrorCode =
  | "CONNECT_FAILED"
  | "TLS_FAILED"
  | "PROXY_CONNECT_FAILED"
  | "CONNECTION_CLOSED"
  | "CONNECTION_RESET"
  | "TRUNCATED_BODY"
  | "PROTOCOL_ERROR"
  | "RETRIES_EXHAUSTED"
  | "CANCELLED"
  | "TIMEOUT";

/** Why a request was sent again (see retry.ts for the table). */
export type RetryReason =
  /** Nothing of the request was written (connect failure, RFC 9112 §9.3.1). */
  | "nothing-written"
  /** Pipelined behind a `Connection: close` response: never processed (RFC 9112 §9.6). */
  | "not-processed"
  /** A reused connection closed or reset before any response byte: the stale-connection race. */
  | "stale-connection"
  /**
   * The connection ended inside a response the caller had not seen yet (a
   * buffered request), and the request is idempotent or keyed (RFC 9112 §8,
   * §9.3.2; RFC 9110 §9.2.2).
   */
  | "truncated-body"
  /** The method is idempotent (RFC 9110 §9.2.2). */
  | "idempotent-method"
  /** The request carries an `Idempotency-Key` field. */
  | "idempotency-key";

/**
 * What happened to one request across its attempts. An attempt is one try
 * to send it: a connection opened for it that failed, or a write of it on a
 * connection.
 */
export interface AttemptRecord {
  /** Attempts made, the first one included (at most `maxAttempts` plus the `not-processed` retries). */
  readonly count: number;
  /** The connection of each attempt, in order (the same id may repeat when the attempt was pipelined). */
  readonly connections: readonly SocketId[];
  /** Why each retry happened, in order (one entry fewer than `count` at most). */
  readonly retries: readonly RetryReason[];
}

/** Details of a {@link RequestError}. */
export interface RequestErrorDetails {
  /** The failure underneath (a {@link ProtocolError} for `PROTOCOL_ERROR`, the last failure for `RETRIES_EXHAUSTED`). */
  readonly cause?: ProtocolError | RequestError;
  /** `TRUNCATED_BODY`: the body octets the framing announced (undefined for chunked or close-delimited bodies). */
  readonly expected?: number;
  /** `TRUNCATED_BODY`: the body octets received before the connection ended. */
  readonly received?: number;
  /** `TIMEOUT`: which wait ran out. */
  readonly phase?: "connect" | "headers";
  /** `PROXY_CONNECT_FAILED`: the status of the proxy's answer to CONNECT. */
  readonly status?: number;
  /** The attempts made for the request. */
  readonly attempts?: AttemptRecord;
}

const NO_ATTEMPTS: AttemptRecord = Object.freeze({
  count: 0,
  connections: Object.freeze([]),
  retries: Object.freeze([]),
});

/** A request sent through the pool failed. See {@link RequestErrorCode}. */
export class RequestError extends Error {
  override readonly name = "RequestError";
  /** What went wrong. */
  readonly code: RequestErrorCode;
  /** The underlying failure, when there is one. */
  override readonly cause: ProtocolError | RequestError | undefined;
  /** `TRUNCATED_BODY`: body octets announced by Content-Length, when known. */
  readonly expected: number | undefined;
  /** `TRUNCATED_BODY`: body octets received. */
  readonly received: number | undefined;
  /** `TIMEOUT`: connecting or waiting for the response head. */
  readonly phase: "connect" | "headers" | undefined;
  /** `PROXY_CONNECT_FAILED`: the status the proxy answered CONNECT with (e.g. 407). */
  readonly status: number | undefined;
  /** The attempts made before the request failed. */
  readonly attempts: AttemptRecord;

  constructor(code: RequestErrorCode, message: string, details: RequestErrorDetails = {}) {
    super(message);
    this.code = code;
    this.cause = details.cause;
    this.expected = details.expected;
    this.received = details.received;
    this.phase = details.phase;
    this.status = details.status;
    this.attempts = details.attempts ?? NO_ATTEMPTS;
  }
}
