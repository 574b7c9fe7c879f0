/**
 * Parallel connections and the queue: a cap per origin (default 6, as
 * browsers do), an optional total cap, FIFO waiting.
 */
import type { Scenario } from "../scenario.ts";
import { bodyOf, get } from "./build.ts";

const seven = [1, 2, 3, 4, 5, 6, 7].map((n) => get(`r${n}`, 0));

export const CONNECTION_SCENARIOS: readonly Scenario[] = [
  {
    name: "parallel connections: at most 6 per origin by default; the 7th request waits and reuses one",
    rule: "issue #3: a cap per origin (default 6, as browsers do); requests beyond it wait in a FIFO queue; RFC 9112 §9.4",
    server: { otherwise: { serve: { delayMs: 10 } } },
    client: seven,
    expect: {
      connectionsOpened: 6,
      maxOpen: 6,
      results: {
        r1: { status: 200, body: bodyOf("/r1"), reused: false },
        r6: { status: 200, reused: false },
        r7: { status: 200, body: bodyOf("/r7"), reused: true },
      },
    },
  },
  {
    name: "queue: requests beyond the cap are served in FIFO order as connections free up",
    rule: "issue #3: requests beyond the cap wait in a FIFO queue; RFC 9112 §9.4",
    pool: { connectionsPerOrigin: 1 },
    server: { otherwise: { serve: { delayMs: 5 } } },
    client: [get("a", 0), get("b", 0), get("c", 0), get("d", 0)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET /a", "GET /b", "GET /c", "GET /d"],
      results: { a: { status: 200 }, d: { status: 200, reused: true } },
    },
  },
  {
    name: "total cap: maxConnections bounds the connections of all origins together",
    rule: "issue #3: an optional total cap; RFC 9112 §9.4",
    pool: { maxConnections: 2 },
    server: { otherwise: { serve: { delayMs: 10 } } },
    client: [
      get("a1", 0, "/a1", { origin: "a.test" }),
      get("b1", 0, "/b1", { origin: "b.test" }),
      get("a2", 0, "/a2", { origin: "a.test" }),
      get("b2", 0, "/b2", { origin: "b.test" }),
    ],
    expect: {
      maxOpen: 2,
      connectionsOpened: 2,
      serverReceived: ["GET /a1", "GET /b1", "GET /a2", "GET /b2"],
      results: {
        a1: { status: 200 },
        b1: { status: 200 },
        a2: { status: 200 },
        b2: { status: 200 },
      },
    },
  },
  {
    name: "total cap: an idle connection of another origin is closed to make room",
    rule: "issue #3: an optional total cap (an idle connection never blocks a waiting request); RFC 9112 §9.4",
    pool: { maxConnections: 1 },
    client: [get("a", 0, "/a", { origin: "a.test" }), get("b", 50, "/b", { origin: "b.test" })],
    expect: {
      maxOpen: 1,
      connectionsOpened: 2,
      closeReasons: ["evicted", "idle-timeout"],
      results: { a: { status: 200 }, b: { status: 200, reused: false } },
    },
  },
];
