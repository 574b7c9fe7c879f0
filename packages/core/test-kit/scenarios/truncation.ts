/**
 * Truncation: a close before Content-Length or the last chunk is an error
 * for the request (typed, with the octets expected and received), never a
 * short body delivered as complete; a read-until-close body ends on a clean
 * close only (RFC 9112 §6.3 item 8, §8). These requests stream (as
 * `fetch()` does): the head reached the application, so nothing is retried.
 * A buffered caller (as `request()`) has seen nothing of a cut response: an
 * idempotent or keyed request is sent again (retry.ts row 8), a POST never.
 */
import type { Scenario } from "../scenario.ts";
import { chunked } from "../server-script.ts";
import { bodyOf, get, post } from "./build.ts";

/** A server whose first connection is reset after 150 octets of the response; later ones serve. */
const CUT_AT_150 = { faults: [{ kind: "reset" as const, connection: 0, atByte: 150 }] };

export const TRUNCATION_SCENARIOS: readonly Scenario[] = [
  {
    name: "truncation: a close before Content-Length is complete is TRUNCATED_BODY with the octets expected and received",
    rule: "issue #3; RFC 9112 §8: a message shorter than its Content-Length is incomplete",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          { write: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc" },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0)],
    expect: {
      connectionsOpened: 1,
      results: {
        a: {
          status: 200,
          body: "abc",
          error: "TRUNCATED_BODY",
          expected: 10,
          received: 3,
          attempts: 1,
        },
      },
    },
  },
  {
    name: "truncation: a reset in the middle of a Content-Length body is TRUNCATED_BODY, not retried once the head was delivered",
    rule: "issue #3: typed error with bytes expected and received; retry.ts row 2",
    network: { faults: [{ kind: "reset", connection: 0, atByte: 150 }] },
    client: [get("a", 0, "/a?size=100")],
    expect: {
      connectionsOpened: 1,
      results: { a: { status: 200, error: "TRUNCATED_BODY", expected: 100, attempts: 1 } },
    },
  },
  {
    name: "truncation: a close before the last chunk is TRUNCATED_BODY",
    rule: "issue #3; RFC 9112 §7.1: a chunked body ends with the last-chunk",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          {
            write: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(["hello"]).slice(0, 10)}`,
          },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0)],
    expect: {
      results: { a: { status: 200, body: "hello", error: "TRUNCATED_BODY", received: 5 } },
    },
  },
  {
    name: "truncation: a read-until-close body ends on a clean close",
    rule: "issue #3: a read-until-close body ends on a clean close only (RFC 9112 §6.3 item 8)",
    server: { otherwise: { serve: { closeDelimited: true } } },
    client: [get("a", 0)],
    expect: {
      closeReasons: ["close-delimited-body"],
      results: { a: { status: 200, body: bodyOf("/a") } },
    },
  },
  {
    name: "truncation: a reset inside a read-until-close body is TRUNCATED_BODY, never a short complete body",
    rule: "issue #3: a read-until-close body ends on a clean close only",
    server: {
      otherwise: {
        steps: [{ read: {} }, { write: "HTTP/1.1 200 OK\r\n\r\npartial" }, { reset: true }],
      },
    },
    client: [get("a", 0)],
    expect: {
      results: { a: { status: 200, body: "partial", error: "TRUNCATED_BODY", received: 7 } },
    },
  },
  {
    name: "truncation: a server that lies in Content-Length (announces more, then stops) is TRUNCATED_BODY",
    rule: "issue #3: never a short body delivered as complete",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          { write: "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nonly this" },
          { wait: 10 },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0)],
    expect: { results: { a: { error: "TRUNCATED_BODY", expected: 5000, received: 9 } } },
  },
  {
    name: "truncation, buffered: a GET reset inside the body is retried (truncated-body) and the caller gets the whole body",
    rule: "issue #8; RFC 9112 §8: an incomplete response is no answer; RFC 9112 §9.3.2, RFC 9110 §9.2.2: retry an idempotent request left unanswered",
    network: CUT_AT_150,
    client: [get("a", 0, "/a?size=100", { buffered: true })],
    expect: {
      connectionsOpened: 2,
      serverReceived: ["GET /a?size=100", "GET /a?size=100"],
      results: {
        a: {
          status: 200,
          body: bodyOf("/a?size=100"),
          attempts: 2,
          retries: ["truncated-body"],
          reused: false,
        },
      },
    },
  },
  {
    name: "truncation, buffered: a GET cut short on every attempt fails RETRIES_EXHAUSTED, its cause TRUNCATED_BODY",
    rule: "issue #8: retries respect maxAttempts; RFC 9112 §8",
    pool: { maxAttempts: 2 },
    server: {
      otherwise: {
        steps: [
          { read: {} },
          { write: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc" },
          { fin: true },
        ],
      },
    },
    client: [get("a", 0, "/a", { buffered: true })],
    expect: {
      connectionsOpened: 2,
      results: {
        a: {
          error: "RETRIES_EXHAUSTED",
          cause: "TRUNCATED_BODY",
          attempts: 2,
          retries: ["truncated-body"],
        },
      },
    },
  },
  {
    name: "truncation, buffered: a POST reset inside the body is TRUNCATED_BODY and is sent once",
    rule: "issue #8; RFC 9112 §9.3.1: a user agent MUST NOT automatically retry a non-idempotent request",
    network: CUT_AT_150,
    client: [post("p", 0, { target: "/p?size=100", buffered: true })],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["POST /p?size=100"],
      results: { p: { error: "TRUNCATED_BODY", expected: 100, attempts: 1 } },
    },
  },
  {
    name: "truncation, buffered: a POST with an Idempotency-Key reset inside the body is retried (truncated-body)",
    rule: "issue #8; draft-ietf-httpapi-idempotency-key-header: the key makes the request safe to repeat (RFC 9112 §9.3.1)",
    network: CUT_AT_150,
    client: [
      post("p", 0, { target: "/p?size=100", buffered: true, headers: [["Idempotency-Key", "k1"]] }),
    ],
    expect: {
      connectionsOpened: 2,
      serverReceived: ["POST /p?size=100", "POST /p?size=100"],
      results: {
        p: { status: 200, body: bodyOf("/p?size=100", "POST"), retries: ["truncated-body"] },
      },
    },
  },
];
