import { describe, expect, it } from "vitest";
import { Fields } from "../src/fields.ts";
import {
  type AttemptFailure,
  defaultRetryBackoff,
  hasIdempotencyKey,
  isIdempotent,
  type RetryCandidate,
  retryDecision,
} from "../src/retry.ts";

const POLICY = { maxAttempts: 3 };

/** A written attempt on a reused connection that closed before any response byte. */
const STALE: AttemptFailure = {
  cause: "closed",
  written: true,
  reused: true,
  responseBytes: false,
  responseDelivered: false,
  headReceived: false,
};
const FIRST_USE: AttemptFailure = { ...STALE, reused: false };
const GET: RetryCandidate = { method: "GET", idempotencyKey: false, replayable: true };
const POST: RetryCandidate = { method: "POST", idempotencyKey: false, replayable: true };

describe("isIdempotent (RFC 9110 §9.2.2)", () => {
  it.each(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"])(
    "RFC 9110 §9.2.2: %s is idempotent",
    (m) => {
      expect(isIdempotent(m)).toBe(true);
    },
  );
  it.each(["POST", "PATCH", "CONNECT", "get", "QUERY"])(
    "RFC 9110 §9.2.2, §9.1: %s is not (methods are case-sensitive)",
    (m) => {
      expect(isIdempotent(m)).toBe(false);
    },
  );
  it("draft-ietf-httpapi-idempotency-key-header: an Idempotency-Key field is found in any case", () => {
    expect(hasIdempotencyKey(Fields.from([["idempotency-KEY", "x"]]))).toBe(true);
    expect(hasIdempotencyKey(Fields.from([["Key", "x"]]))).toBe(false);
  });
});

describe("retryDecision: the table in retry.ts", () => {
  const rows: [string, AttemptFailure, RetryCandidate, number, ReturnType<typeof retryDecision>][] =
    [
      [
        "row 1: a protocol error is not retried",
        { ...STALE, cause: "protocol-error" },
        GET,
        1,
        { retry: false, reason: "not-a-transport-failure" },
      ],
      [
        "row 1: a headers timeout is not retried",
        { ...STALE, cause: "headers-timeout" },
        GET,
        1,
        { retry: false, reason: "not-a-transport-failure" },
      ],
      [
        "row 1: a cancelled request is not retried",
        { ...STALE, cause: "cancelled" },
        GET,
        1,
        { retry: false, reason: "not-a-transport-failure" },
      ],
      [
        "row 2: once a head reached the application, no retry",
        { ...STALE, responseBytes: true, responseDelivered: true, headReceived: true },
        GET,
        1,
        { retry: false, reason: "response-started" },
      ],
      [
        "row 3: a streamed body partly written cannot be replayed",
        STALE,
        { ...GET, method: "PUT", replayable: false },
        1,
        { retry: false, reason: "body-not-replayable" },
      ],
      [
        "row 4: RFC 9112 §9.6: unprocessed after Connection: close, even a POST, even past maxAttempts",
        { ...STALE, cause: "unprocessed" },
        POST,
        3,
        { retry: true, reason: "not-processed" },
      ],
      [
        "row 5: attempts are bounded",
        STALE,
        GET,
        3,
        { retry: false, reason: "attempts-exhausted" },
      ],
      [
        "row 6: RFC 9112 §9.3.1: a POST never written (connect failed) is retried",
        { ...FIRST_USE, cause: "connect-failed", written: false },
        POST,
        1,
        { retry: true, reason: "nothing-written" },
      ],
      [
        "row 6: a connect timeout wrote nothing either",
        { ...FIRST_USE, cause: "connect-timeout", written: false },
        POST,
        2,
        { retry: true, reason: "nothing-written" },
      ],
      [
        "row 7: the stale-connection race: a GET on a reused connection closed before any response byte",
        STALE,
        GET,
        1,
        { retry: true, reason: "stale-connection" },
      ],
      [
        "row 7: … reset instead of closed",
        { ...STALE, cause: "reset" },
        GET,
        1,
        { retry: true, reason: "stale-connection" },
      ],
      [
        "row 7: … a POST with an Idempotency-Key",
        STALE,
        { ...POST, idempotencyKey: true },
        1,
        { retry: true, reason: "stale-connection" },
      ],
      [
        "row 8: RFC 9112 §8, §9.3.2: a GET whose buffered response was cut inside the body is retried",
        { ...FIRST_USE, cause: "reset", responseBytes: true, headReceived: true },
        GET,
        1,
        { retry: true, reason: "truncated-body" },
      ],
      [
        "row 8: … closed (FIN) on a reused connection, on the second attempt",
        { ...STALE, responseBytes: true, headReceived: true },
        { ...GET, method: "HEAD" },
        2,
        { retry: true, reason: "truncated-body" },
      ],
      [
        "row 8: … a POST with an Idempotency-Key",
        { ...FIRST_USE, responseBytes: true, headReceived: true },
        { ...POST, idempotencyKey: true },
        1,
        { retry: true, reason: "truncated-body" },
      ],
      [
        "row 2 before row 8: RFC 9112 §8: a streamed response cut inside the body is not retried",
        { ...FIRST_USE, responseBytes: true, headReceived: true, responseDelivered: true },
        GET,
        1,
        { retry: false, reason: "response-started" },
      ],
      [
        "row 5 before row 8: a cut buffered response past maxAttempts is not retried",
        { ...FIRST_USE, responseBytes: true, headReceived: true },
        GET,
        3,
        { retry: false, reason: "attempts-exhausted" },
      ],
      [
        "row 11 after row 8: RFC 9112 §9.3.1: a buffered POST cut inside the body is never sent twice",
        { ...FIRST_USE, responseBytes: true, headReceived: true },
        POST,
        1,
        { retry: false, reason: "not-idempotent" },
      ],
      [
        "row 9: RFC 9110 §9.2.2: a GET on a first-use connection",
        FIRST_USE,
        GET,
        1,
        { retry: true, reason: "idempotent-method" },
      ],
      [
        "row 9: a GET that saw response bytes but no complete head",
        { ...STALE, responseBytes: true },
        GET,
        2,
        { retry: true, reason: "idempotent-method" },
      ],
      [
        "row 9: a DELETE behind a request that was aborted",
        { ...STALE, cause: "aborted" },
        { ...GET, method: "DELETE" },
        1,
        { retry: true, reason: "idempotent-method" },
      ],
      [
        "row 10: a POST with an Idempotency-Key on a first-use connection",
        FIRST_USE,
        { ...POST, idempotencyKey: true },
        1,
        { retry: true, reason: "idempotency-key" },
      ],
      [
        "row 11: RFC 9112 §9.3.1: a written POST is never sent twice, even in the stale race",
        STALE,
        POST,
        1,
        { retry: false, reason: "not-idempotent" },
      ],
      [
        "row 11: … nor a written PATCH on a first-use connection",
        { ...FIRST_USE, cause: "reset" },
        { ...POST, method: "PATCH" },
        1,
        { retry: false, reason: "not-idempotent" },
      ],
    ];
  it.each(rows)("%s", (_name, failure, request, attempts, want) => {
    expect(retryDecision(failure, request, attempts, POLICY)).toEqual(want);
  });

  it("maxAttempts 1 turns retries off, except for requests provably not processed", () => {
    expect(retryDecision(STALE, GET, 1, { maxAttempts: 1 }).retry).toBe(false);
    expect(
      retryDecision({ ...STALE, cause: "unprocessed" }, GET, 1, { maxAttempts: 1 }).retry,
    ).toBe(true);
  });
});

describe("defaultRetryBackoff", () => {
  it("is 0 for the first retry, then 100 ms doubling up to 1 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(defaultRetryBackoff)).toEqual([
      0, 100, 200, 400, 800, 1000, 1000,
    ]);
  });
});
