/**
 * Turning a failed attempt into the facts the retry rules read
 * ({@link AttemptFailure}) and, when there is no retry, into the typed
 * {@link RequestError} the caller sees.
 *
 * | cause             | no response head delivered | response head delivered        |
 * |-------------------|----------------------------|--------------------------------|
 * | `connect-failed`  | `CONNECT_FAILED`           | —                              |
 * | `connect-timeout` | `TIMEOUT` (connect)        | —                              |
 * | `tls-failed`      | `TLS_FAILED`               | —                              |
 * | `tunnel-refused`  | `PROXY_CONNECT_FAILED` (`status`) | —                       |
 * | `closed`          | `CONNECTION_CLOSED`        | `TRUNCATED_BODY` (RFC 9112 §8) |
 * | `reset`           | `CONNECTION_RESET`         | `TRUNCATED_BODY`               |
 * | `aborted`         | `CONNECTION_CLOSED`        | `TRUNCATED_BODY`               |
 * | `unprocessed`     | `CONNECTION_CLOSED`        | —                              |
 * | `protocol-error`  | `PROTOCOL_ERROR`           | `PROTOCOL_ERROR`               |
 * | `headers-timeout` | `TIMEOUT` (headers)        | —                              |
 * | `cancelled`       | `CANCELLED`                | `CANCELLED`                    |
 *
 * A truncated body is never delivered as complete: RFC 9112 §8, "A message
 * that uses a valid Content-Length is incomplete if the size of the message
 * body received … is less than the value given by Content-Length", and a
 * chunked message is incomplete without its last chunk; a close-delimited
 * body (§6.3 item 8) is complete only on a clean close, so a reset cuts it.
 * For a buffered request (`PoolRequest.buffered`) the retry rules first try
 * again (retry.ts row 8); `TRUNCATED_BODY` comes when they do not.
 */
import type { ProtocolError } from "./errors.ts";
import type { PoolEntry } from "./pool-request.ts";
import { attemptRecord } from "./pool-request.ts";
import { RequestError } from "./request-errors.ts";
import type { AttemptFailure, FailureCause } from "./retry.ts";

/** The facts of the current attempt of `entry`, for {@link retryDecision}. */
export function attemptFailure(entry: PoolEntry, cause: FailureCause): AttemptFailure {
  return {
    cause,
    written: entry.conn !== null,
    reused: entry.reused,
    responseBytes: entry.responseBytes,
    // A buffered caller shows the application nothing before the end.
    responseDelivered: entry.delivered && !entry.buffered,
    headReceived: entry.headDelivered,
  };
}

/** The error for a failed attempt (table in the module header). */
export function attemptError(
  entry: PoolEntry,
  cause: FailureCause,
  detail: {
    readonly message?: string;
    readonly protocolError?: ProtocolError;
    readonly status?: number;
  } = {},
): RequestError {
  const attempts = attemptRecord(entry);
  const what = `${entry.method} ${entry.target}`;
  const suffix = detail.message !== undefined ? `: ${detail.message}` : "";
  if (cause === "unprocessed") cause = "closed";
  const transport = cause === "closed" || cause === "reset" || cause === "aborted";
  if (transport && entry.headDelivered) {
    const expected = entry.expected;
    const of = expected !== undefined ? ` of ${expected}` : "";
    return new RequestError(
      "TRUNCATED_BODY",
      `${what}: the connection ended after ${entry.received}${of} body octets (RFC 9112 §8)${suffix}`,
      {
        ...(expected !== undefined ? { expected } : {}),
        received: entry.received,
        attempts,
      },
    );
  }
  switch (cause) {
    case "connect-failed":
      return new RequestError("CONNECT_FAILED", `${what}: could not connect${suffix}`, {
        attempts,
      });
    case "tls-failed":
      return new RequestError("TLS_FAILED", `${what}: the TLS handshake failed${suffix}`, {
        attempts,
      });
    case "tunnel-refused":
      return new RequestError(
        "PROXY_CONNECT_FAILED",
        `${what}: the proxy refused the CONNECT tunnel${suffix}`,
        { ...(detail.status !== undefined ? { status: detail.status } : {}), attempts },
      );
    case "connect-timeout":
      return new RequestError("TIMEOUT", `${what}: connecting timed out`, {
        phase: "connect",
        attempts,
      });
    case "closed":
      return new RequestError(
        "CONNECTION_CLOSED",
        `${what}: the server closed the connection${suffix}`,
        {
          attempts,
        },
      );
    case "reset":
      return new RequestError("CONNECTION_RESET", `${what}: the connection was reset${suffix}`, {
        attempts,
      });
    case "aborted":
      return new RequestError(
        "CONNECTION_CLOSED",
        `${what}: the connection was closed because of another request on it${suffix}`,
        { attempts },
      );
    case "protocol-error": {
      const err = detail.protocolError;
      return new RequestError("PROTOCOL_ERROR", `${what}: ${err?.message ?? "protocol error"}`, {
        ...(err !== undefined ? { cause: err } : {}),
        attempts,
      });
    }
    case "headers-timeout":
      return new RequestError("TIMEOUT", `${what}: no response head in time`, {
        phase: "headers",
        attempts,
      });
    case "cancelled":
      return new RequestError("CANCELLED", `${what}: cancelled${suffix}`, { attempts });
  }
}

/** Wraps the last failure when the attempts have run out. */
export function exhaustedError(entry: PoolEntry, last: RequestError): RequestError {
  return new RequestError(
    "RETRIES_EXHAUSTED",
    `${entry.method} ${entry.target}: failed after ${entry.attempts} attempts (${last.code})`,
    { cause: last, attempts: attemptRecord(entry) },
  );
}
