/**
 * Pipelining (opt-in, a depth per connection): never before the connection
 * has proved persistent; only idempotent methods; never behind a
 * non-idempotent request, an upgrade or a streamed body; on a close
 * mid-pipeline the complete responses stand, the head request is retried by
 * the retry rules and the rest go back to the queue in their order, for a
 * connection opened after the failure.
 */
import type { Scenario } from "../scenario.ts";
import { httpResponse } from "../server-script.ts";
import { bodyOf, get, post, send } from "./build.ts";

const ONE_CONNECTION = { connectionsPerOrigin: 1, pipelining: 3 } as const;

export const PIPELINING_SCENARIOS: readonly Scenario[] = [
  {
    name: "pipelining: never before the connection has proved persistent",
    rule: "issue #3: never before the connection has proved persistent (a complete response on it that allowed reuse); RFC 9112 §9.3.2",
    pool: ONE_CONNECTION,
    server: { otherwise: { serve: { delayMs: 10 } } },
    client: [get("a", 0), get("b", 0), get("c", 0)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /a", "GET /b", "GET /c"],
      results: {
        a: { status: 200, body: bodyOf("/a") },
        b: { status: 200, body: bodyOf("/b"), reused: true },
        c: { status: 200, body: bodyOf("/c"), reused: true },
      },
    },
  },
  {
    name: "pipelining: only idempotent methods are pipelined; a POST waits for an idle connection",
    rule: "issue #3: only idempotent methods (RFC 9112 §9.3.2, RFC 9110 §9.2.2)",
    pool: ONE_CONNECTION,
    server: { otherwise: { serve: { delayMs: 10 } } },
    client: [get("warm", 0), get("slow", 50), post("p", 50), get("g", 50)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /warm", "GET /slow", "GET /g", "POST /p"],
      results: {
        slow: { status: 200 },
        p: { status: 200, body: bodyOf("/p", "POST") },
        g: { status: 200 },
      },
    },
  },
  {
    name: "pipelining: nothing is pipelined behind a non-idempotent request",
    rule: "issue #3: never behind a non-idempotent request (RFC 9112 §9.3.2)",
    pool: ONE_CONNECTION,
    server: { otherwise: { serve: { delayMs: 10 } } },
    client: [get("warm", 0), post("p", 50), get("g", 50)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /warm", "POST /p", "GET /g"],
      results: { p: { status: 200 }, g: { status: 200 } },
    },
  },
  {
    name: "pipelining: nothing is pipelined behind a request whose body is a stream",
    rule: "issue #3: never behind a request whose body is a stream; RFC 9112 §9.3.2",
    pool: ONE_CONNECTION,
    server: { otherwise: { serve: { delayMs: 10 } } },
    client: [
      get("warm", 0),
      send(50, { name: "up", method: "PUT", target: "/up", stream: ["chunk one, ", "chunk two"] }),
      get("g", 50),
    ],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /warm", "PUT /up", "GET /g"],
      results: { up: { status: 200, headers: { "x-request-body": "20" } }, g: { status: 200 } },
    },
  },
  {
    name: "pipelining: a close mid-pipeline keeps the complete responses, retries the head request and re-queues the rest in order",
    rule: "issue #3: complete responses are delivered, the head request fails or is retried by the retry rules, and every request that got no response is re-queued in its original order on a fresh connection (RFC 9112 §9.3.2)",
    pool: ONE_CONNECTION,
    server: {
      connections: [
        {
          steps: [
            { read: { target: "/warm" } },
            { write: httpResponse({ body: "warm" }) },
            { read: { target: "/1" } },
            { read: { target: "/2" } },
            { read: { target: "/3" } },
            { write: httpResponse({ body: "one" }) },
            { fin: true },
          ],
        },
      ],
    },
    client: [get("warm", 0), get("1", 50), get("2", 50), get("3", 50)],
    expect: {
      connectionsOpened: 2,
      serverReceived: ["GET /warm", "GET /1", "GET /2", "GET /3", "GET /2", "GET /3"],
      results: {
        "1": { status: 200, body: "one", attempts: 1 },
        "2": { status: 200, body: bodyOf("/2"), attempts: 2, reused: false },
        "3": { status: 200, body: bodyOf("/3"), attempts: 2, reused: true },
      },
    },
  },
  {
    name: "pipelining: requests pipelined behind a Connection: close response are re-queued",
    rule: "RFC 9112 §9.6: a server that sends close processes no further request; §9.3.2: retry unanswered requests",
    pool: ONE_CONNECTION,
    server: {
      connections: [
        {
          steps: [
            { read: {} },
            { write: httpResponse({ body: "warm" }) },
            { read: {} },
            { read: {} },
            { write: httpResponse({ body: "one", headers: [["Connection", "close"]] }) },
            { fin: true },
          ],
        },
      ],
    },
    client: [get("warm", 0), get("1", 50), get("2", 50)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["connection-close", "idle-timeout"],
      results: {
        "1": { status: 200, body: "one" },
        "2": { status: 200, attempts: 2, retries: ["not-processed"] },
      },
    },
  },
];
