/**
 * Timeouts, cancellation, interim responses and protocol switches: the
 * typed TIMEOUT and CANCELLED errors, and the sockets they cost.
 */
import type { Scenario } from "../scenario.ts";
import { httpResponse } from "../server-script.ts";
import { get, reply } from "./build.ts";

export const LIFECYCLE_SCENARIOS: readonly Scenario[] = [
  {
    name: "timeouts: connecting longer than connectTimeoutMs is TIMEOUT (connect), after bounded attempts",
    rule: "issue #3: connectTimeoutMs (typed TIMEOUT error); nothing was written, so each attempt may be retried (RFC 9112 §9.3.1)",
    pool: { connectTimeoutMs: 5, retryBackoffMs: [0, 0] },
    network: { latencyMs: 10 },
    client: [get("a", 0)],
    expect: {
      connectionsOpened: 3,
      closeReasons: ["connect-timeout", "connect-timeout", "connect-timeout"],
      results: { a: { error: "RETRIES_EXHAUSTED", cause: "TIMEOUT", attempts: 3 } },
    },
  },
  {
    name: "timeouts: no response head within headersTimeoutMs is TIMEOUT (headers); the connection closes",
    rule: "issue #3: headersTimeoutMs (typed TIMEOUT error); never retried: the server may be working on it; RFC 9112 §9.5",
    pool: { headersTimeoutMs: 500 },
    server: { otherwise: { steps: [{ read: {} }] } },
    client: [get("a", 0)],
    expect: {
      closeReasons: ["read-timeout"],
      results: { a: { error: "TIMEOUT", attempts: 1 } },
    },
  },
  {
    name: "cancel: a queued request ends with CANCELLED and is never written",
    rule: "PoolEvent error CANCELLED: never written",
    pool: { connectionsPerOrigin: 1 },
    server: { otherwise: { serve: { delayMs: 20 } } },
    client: [get("a", 0), get("b", 0), { at: 5, cancel: "b" }],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /a"],
      results: { a: { status: 200 }, b: { error: "CANCELLED", attempts: 0 } },
    },
  },
  {
    name: "cancel: cancelling a request in flight costs its connection; the next request opens another",
    rule: "a message abandoned half-way loses the framing (CloseReason aborted); RFC 9112 §9.6",
    pool: { connectionsPerOrigin: 1 },
    server: { otherwise: { serve: { delayMs: 20 } } },
    client: [get("a", 0), { at: 10, cancel: "a" }, get("b", 15)],
    expect: {
      connectionsOpened: 2,
      results: { a: { error: "CANCELLED", attempts: 1 }, b: { status: 200, reused: false } },
    },
  },
  {
    name: "informational: 1xx responses are passed on before the final response",
    rule: "RFC 9110 §15.2",
    server: {
      otherwise: {
        steps: [
          { read: {} },
          { write: "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" },
          reply("done"),
        ],
      },
    },
    client: [get("a", 0)],
    expect: { results: { a: { status: 200, body: "done" } } },
  },
  {
    name: "upgrade: a 101 answer hands the socket to the caller (switched), without a close",
    rule: "RFC 9110 §7.8: after 101 the connection carries the new protocol",
    server: {
      otherwise: {
        steps: [
          { read: { headers: { upgrade: "example/1" } }, switchProtocols: true },
          {
            write: `${httpResponse({
              status: 101,
              reason: "Switching Protocols",
              headers: [
                ["Connection", "upgrade"],
                ["Upgrade", "example/1"],
              ],
              framing: "close",
            })}hello`,
          },
        ],
      },
    },
    client: [
      get("u", 0, "/chat", {
        headers: [
          ["Connection", "upgrade"],
          ["Upgrade", "example/1"],
        ],
      }),
    ],
    expect: {
      closeReasons: ["switched-protocol"],
      results: { u: { status: 101, switched: true } },
    },
  },
];
