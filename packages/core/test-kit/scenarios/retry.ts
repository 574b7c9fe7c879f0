/**
 * The retry rules and the stale-connection race. Timings assume the default
 * latency of 1 ms: a request sent at 0 is answered at 2 and the answer
 * arrives at 3; a server step `idleClose: 100` then closes at 102, and the
 * FIN reaches the client at 103.
 */
import type { Scenario } from "../scenario.ts";
import type { ServerStep } from "../server-script.ts";
import { bodyOf, get, post, readAndReply, send } from "./build.ts";

/** A server that answers one request, then closes the connection once idle for 100 ms. */
const CLOSES_IDLE: readonly ServerStep[] = [...readAndReply("one"), { idleClose: 100 }];

export const RETRY_SCENARIOS: readonly Scenario[] = [
  {
    name: "stale-connection race: a GET on a reused connection closed by the server is retried and the user never sees it",
    rule: "issue #3: treat an immediate close or reset with no response byte on a reused connection as retryable for safe requests; RFC 9112 §9.3.1",
    server: { connections: [{ steps: CLOSES_IDLE }] },
    client: [get("a", 0), get("b", 102)],
    expect: {
      connectionsOpened: 2,
      results: {
        a: { status: 200, body: "one" },
        b: {
          status: 200,
          body: bodyOf("/b"),
          attempts: 2,
          retries: ["stale-connection"],
          reused: false,
        },
      },
    },
  },
  {
    name: "stale-connection race: a close already known before writing retires the idle connection, and nothing is written on it",
    rule: "issue #3: detect a peer close that is already known before writing; RFC 9112 §9.6",
    server: { connections: [{ steps: CLOSES_IDLE }] },
    client: [get("a", 0), get("b", 200)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["peer-closed", "idle-timeout"],
      serverReceived: ["GET /a", "GET /b"],
      results: { b: { status: 200, attempts: 1, retries: [], reused: false } },
    },
  },
  {
    name: "stale-connection race: a reset while idle retires the connection",
    rule: "issue #3: detect a peer close that is already known before writing; RFC 9112 §9.6",
    server: { connections: [{ steps: [...readAndReply("one"), { wait: 100 }, { reset: true }] }] },
    client: [get("a", 0), get("b", 200)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["transport-error", "idle-timeout"],
      results: { b: { status: 200, attempts: 1, reused: false } },
    },
  },
  {
    name: "stale-connection race: a 408 sent on an idle connection retires it",
    rule: "RFC 9110 §15.5.9: a 408 means the server has decided to close the connection",
    server: {
      connections: [
        {
          steps: [
            ...readAndReply("one"),
            { wait: 50 },
            {
              write:
                "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            },
            { fin: true },
          ],
        },
      ],
    },
    client: [get("a", 0), get("b", 200)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["peer-closed", "idle-timeout"],
      results: { b: { status: 200, attempts: 1, reused: false } },
    },
  },
  {
    name: "retry rules: a POST already written is never sent twice, even in the stale-connection race",
    rule: "issue #3: a POST or PATCH already written is never sent twice (RFC 9112 §9.3.1)",
    server: { connections: [{ steps: CLOSES_IDLE }] },
    client: [get("a", 0), post("p", 102)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /a"],
      results: { p: { error: "CONNECTION_CLOSED", attempts: 1, retries: [] } },
    },
  },
  {
    name: "retry rules: a POST reset after it was written on a new connection fails, written once",
    rule: "issue #3: a POST or PATCH already written is never sent twice; RFC 9112 §9.3.1",
    server: { connections: [{ steps: [{ read: {} }, { reset: true }] }] },
    client: [post("p", 0)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["POST /p"],
      results: { p: { error: "CONNECTION_RESET", attempts: 1 } },
    },
  },
  {
    name: "retry rules: a POST with an Idempotency-Key is retried",
    rule: "issue #3: … or when it carries an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header); RFC 9112 §9.3.1",
    server: { connections: [{ steps: CLOSES_IDLE }] },
    client: [get("a", 0), post("p", 102, { headers: [["Idempotency-Key", "8e03978e"]] })],
    expect: {
      connectionsOpened: 2,
      results: {
        p: { status: 200, body: bodyOf("/p", "POST"), attempts: 2, retries: ["stale-connection"] },
      },
    },
  },
  {
    name: "retry rules: a POST provably not written (the connection was refused) is retried",
    rule: "issue #3: any method when provably none of it was written (RFC 9112 §9.3.1)",
    network: { faults: [{ kind: "refuse", connection: 0 }] },
    client: [post("p", 0)],
    expect: {
      connectionsOpened: 2,
      serverReceived: ["POST /p"],
      results: { p: { status: 200, attempts: 2, retries: ["nothing-written"] } },
    },
  },
  {
    name: "retry rules: a GET whose first connection resets inside the response head is retried (idempotent method)",
    rule: "issue #3: idempotent methods are retried (RFC 9110 §9.2.2)",
    network: { faults: [{ kind: "reset", connection: 0, atByte: 5 }] },
    client: [get("a", 0)],
    expect: {
      connectionsOpened: 2,
      serverReceived: ["GET /a", "GET /a"],
      results: {
        a: { status: 200, body: bodyOf("/a"), attempts: 2, retries: ["idempotent-method"] },
      },
    },
  },
  {
    name: "retry rules: attempts are bounded; the last failure comes as RETRIES_EXHAUSTED with the attempt record",
    rule: "issue #3: attempts are bounded and recorded per request (attempt count, connection ids); RFC 9112 §9.3.1",
    server: { otherwise: { steps: [{ read: {} }, { reset: true }] } },
    client: [get("a", 0)],
    expect: {
      connectionsOpened: 3,
      results: {
        a: {
          error: "RETRIES_EXHAUSTED",
          cause: "CONNECTION_RESET",
          attempts: 3,
          retries: ["idempotent-method", "idempotent-method"],
        },
      },
    },
  },
  {
    name: "retry rules: the backoff is given as data",
    rule: "issue #3: backoff given as data (retryBackoffMs); RFC 9112 §9.3.1",
    pool: { retryBackoffMs: [0, 50] },
    network: {
      faults: [
        { kind: "refuse", connection: 0 },
        { kind: "refuse", connection: 1 },
      ],
    },
    client: [get("a", 0)],
    expect: {
      connectionsOpened: 3,
      results: { a: { status: 200, attempts: 3, retries: ["nothing-written", "nothing-written"] } },
    },
  },
  {
    name: "retry rules: a streamed body that was written is not replayable, so it is not retried",
    rule: "issue #3: streamed bodies are not replayable; RFC 9112 §9.3.1",
    server: { connections: [{ steps: [{ read: {} }, { reset: true }] }] },
    client: [send(0, { name: "up", method: "PUT", target: "/up", stream: ["part one"] })],
    expect: {
      connectionsOpened: 1,
      results: { up: { error: "CONNECTION_RESET", attempts: 1 } },
    },
  },
];
