/**
 * When a failed request may be sent again, as pure functions.
 *
 * RFC 9112 §9.3.1: "A connection might be closed at any time … Clients …
 * SHOULD be prepared to retry", but "a user agent MUST NOT automatically
 * retry a request with a non-idempotent method unless it has some means to
 * know that the request semantics are actually idempotent, regardless of the
 * method, or some means to detect that the original request was never
 * applied." RFC 9110 §9.2.2 names the idempotent methods and allows
 * repeating them automatically. The `Idempotency-Key` field
 * (draft-ietf-httpapi-idempotency-key-header) is the "some means to know":
 * a server that honours it applies a repeated request once.
 *
 * Decision table, first matching row wins:
 *
 * | # | condition                                                          | retry | reason                      |
 * |---|--------------------------------------------------------------------|-------|-----------------------------|
 * | 1 | the failure is not the transport's: protocol error, headers        | no    | `not-a-transport-failure`   |
 * |   | timeout, cancel, a failed TLS handshake, a proxy refusing CONNECT  |       |                             |
 * |   | (the same request would fail the same way)                         |       |                             |
 * | 2 | part of the response already reached the application (a streaming  | no    | `response-started`          |
 * |   | caller was handed a head; its body may be half read)               |       |                             |
 * | 3 | a streamed body was partly written (it cannot be replayed)          | no    | `body-not-replayable`       |
 * | 4 | the server answered an earlier request with `Connection: close`    | yes   | `not-processed`             |
 * |   | — RFC 9112 §9.6: it processes no further request on that           |       | (not counted against        |
 * |   | connection, so this one was never applied                           |       | `maxAttempts`)              |
 * | 5 | `attempts` ≥ `maxAttempts`                                         | no    | `attempts-exhausted`        |
 * | 6 | nothing of the request was written (connect failed or timed out)   | yes   | `nothing-written`           |
 * |   | — RFC 9112 §9.3.1 "the original request was never applied"        |       |                             |
 * | 7 | reused connection closed/reset before any response byte, and the   | yes   | `stale-connection`          |
 * |   | method is idempotent or an `Idempotency-Key` is sent               |       |                             |
 * | 8 | the connection ended after the response head, inside a response   | yes   | `truncated-body`            |
 * |   | the caller holds unseen until it is complete (a buffered caller),   |       |                             |
 * |   | and the method is idempotent or an `Idempotency-Key` is sent       |       |                             |
 * | 9 | idempotent method — RFC 9110 §9.2.2                                | yes   | `idempotent-method`         |
 * | 10| an `Idempotency-Key` field is sent                                 | yes   | `idempotency-key`           |
 * | 11| otherwise (a POST or PATCH that was written)                       | no    | `not-idempotent`            |
 *
 * Row 4 is bounded all the same: each such retry follows a response the
 * server completed on that connection. Row 7 is the stale-connection race: the server closed an idle persistent
 * connection just as we reused it (RFC 9112 §9.3.1 and §9.5 describe both
 * sides). It is row 7 or 9 under its own name, so the event log shows it.
 *
 * Row 8 is the truncated response. RFC 9112 §8: a message whose body is
 * shorter than its Content-Length, or a chunked one without its last chunk,
 * "is incomplete", and an incomplete response is no answer: RFC 9112
 * §9.3.2 has a client "retry unanswered requests if the connection closes
 * before it receives all of the corresponding responses", which RFC 9110
 * §9.2.2 allows for idempotent requests. It may do so only while no part of
 * the response reached the application (row 2): a buffered caller
 * (`request()`, which resolves with the whole body) has seen nothing, so a
 * second, complete response replaces the first unnoticed; a streaming
 * caller (`fetch()`) was handed the head and perhaps some of the body, and
 * gets a typed `TRUNCATED_BODY` instead. A POST without an
 * `Idempotency-Key` is never repeated (row 11), whatever it received.
 */
import type { Fields } from "./fields.ts";
import type { RetryReason } from "./request-errors.ts";

/**
 * RFC 9110 §9.2.2: "the request methods defined by this specification, PUT,
 * DELETE, and safe request methods are idempotent"; the safe ones are GET,
 * HEAD, OPTIONS and TRACE (§9.2.1). Methods are case-sensitive (§9.1).
 */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET", // §9.3.1
  "HEAD", // §9.3.2
  "PUT", // §9.3.4
  "DELETE", // §9.3.5
  "OPTIONS", // §9.3.7
  "TRACE", // §9.3.8
]);

/** True for the idempotent methods of RFC 9110 §9.2.2 (case-sensitive, §9.1). */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method);
}

/** True when the request carries an `Idempotency-Key` field (draft-ietf-httpapi-idempotency-key-header). */
export function hasIdempotencyKey(fields: Fields): boolean {
  return fields.has("idempotency-key");
}

/** What ended the attempt. */
export type FailureCause =
  /** The connection could not be opened. */
  | "connect-failed"
  /** Opening the connection took longer than `connectTimeoutMs`. */
  | "connect-timeout"
  /** The server closed (EOF), or announced `Connection: close` before answering. */
  | "closed"
  /** The connection was reset. */
  | "reset"
  /** We closed the connection because of another request on it (cancel, timeout, protocol error). */
  | "aborted"
  /**
   * The request was pipelined behind a response that said `Connection:
   * close`: the server processed no further request (RFC 9112 §9.6).
   */
  | "unprocessed"
  /** The server's bytes broke HTTP/1.1. */
  | "protocol-error"
  /** No response head arrived within `headersTimeoutMs`. */
  | "headers-timeout"
  /** The caller cancelled the request. */
  | "cancelled"
  /**
   * The TLS handshake failed (untrusted certificate, a name that does not
   * match, an alert): the adapter said so with `connectFailed(…, "tls")`.
   */
  | "tls-failed"
  /** The proxy answered CONNECT with a non-2xx status (RFC 9110 §9.3.6). */
  | "tunnel-refused";

/** What is known about one failed attempt. */
export interface AttemptFailure {
  readonly cause: FailureCause;
  /** At least one octet of the request was handed out to be written. */
  readonly written: boolean;
  /** The connection had carried a request before this one (it was reused). */
  readonly reused: boolean;
  /** At least one octet of the response arrived. */
  readonly responseBytes: boolean;
  /**
   * Some of the response (an interim or final head, body octets) reached the
   * application: a streaming caller was handed it. Never true for a
   * buffered request, whose caller sees the response only once complete.
   */
  readonly responseDelivered: boolean;
  /** The final response head arrived (whether or not the application saw it). */
  readonly headReceived: boolean;
}

/** What the retry rules need to know about the request itself. */
export interface RetryCandidate {
  readonly method: string;
  /** An `Idempotency-Key` field is sent. */
  readonly idempotencyKey: boolean;
  /** The body can be sent again: none, bytes, or a stream nothing of which was written yet. */
  readonly replayable: boolean;
}

/** The limits of the retry rules. */
export interface RetryPolicy {
  /** Attempts allowed in all, the first one included (≥ 1); `not-processed` retries come on top. */
  readonly maxAttempts: number;
}

/** Why a failed request is not sent again. */
export type NoRetryReason =
  | "not-a-transport-failure"
  | "response-started"
  | "body-not-replayable"
  | "attempts-exhausted"
  | "not-idempotent";

/** The outcome of {@link retryDecision}. */
export type RetryDecision =
  | { readonly retry: true; readonly reason: RetryReason }
  | { readonly retry: false; readonly reason: NoRetryReason };

const TRANSPORT_FAILURES: ReadonlySet<FailureCause> = new Set([
  "connect-failed",
  "connect-timeout",
  "closed",
  "reset",
  "aborted",
  "unprocessed",
]);

/**
 * Whether a request whose attempt failed is sent again (the table in this
 * module's header). `attempts` counts the attempts made so far, the failed
 * one included. Pure: same input, same answer.
 */
export function retryDecision(
  failure: AttemptFailure,
  request: RetryCandidate,
  attempts: number,
  policy: RetryPolicy,
): RetryDecision {
  // Row 1: only a lost connection is worth another try.
  if (!TRANSPORT_FAILURES.has(failure.cause)) return no("not-a-transport-failure");
  // Row 2: the application has seen a head; a second one would be a second answer.
  if (failure.responseDelivered) return no("response-started");
  // Row 3: a stream cannot be rewound.
  if (!request.replayable) return no("body-not-replayable");
  // Row 4: RFC 9112 §9.6, the server processed nothing after its close.
  if (failure.cause === "unprocessed") return yes("not-processed");
  // Row 5: attempts are bounded.
  if (attempts >= policy.maxAttempts) return no("attempts-exhausted");
  // Row 6: RFC 9112 §9.3.1, "the original request was never applied".
  if (!failure.written) return yes("nothing-written");
  const safe = isIdempotent(request.method) || request.idempotencyKey;
  // Row 7: the stale-connection race on a reused connection.
  if (safe && failure.reused && !failure.responseBytes && failure.cause !== "aborted") {
    return yes("stale-connection");
  }
  // Row 8: RFC 9112 §8 and §9.3.2: an incomplete response, which nobody saw.
  if (safe && failure.headReceived) return yes("truncated-body");
  // Row 9: RFC 9110 §9.2.2.
  if (isIdempotent(request.method)) return yes("idempotent-method");
  // Row 10: the Idempotency-Key draft.
  if (request.idempotencyKey) return yes("idempotency-key");
  // Row 11: RFC 9112 §9.3.1: never repeat a written non-idempotent request.
  return no("not-idempotent");
}

/**
 * The default backoff before retry number `retry` (1 for the first retry):
 * none for the first (the usual cause, a stale connection, is already gone),
 * then 100 ms doubling up to 1 s.
 */
export function defaultRetryBackoff(retry: number): number {
  if (retry <= 1) return 0;
  return Math.min(1000, 100 * 2 ** (retry - 2));
}

function yes(reason: RetryReason): RetryDecision {
  return { retry: true, reason };
}

function no(reason: NoRetryReason): RetryDecision {
  return { retry: false, reason };
}
