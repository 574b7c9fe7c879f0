import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import type { PoolEvent } from "../src/pool-events.ts";
import type { SocketAction } from "../src/socket-actions.ts";

const origin = Object.freeze({ scheme: "http", host: "example.test", port: 80 } as const);
const text = (a: SocketAction): string =>
  a.type === "write" ? a.data.map((d) => new TextDecoder().decode(d)).join("") : "";
const ok = (body: string) =>
  new TextEncoder().encode(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);

/** A pool with one open connection to `origin`, the first request (`/a`) written on it. */
function opened(pipelining: number) {
  const pool = new ClientPool({ connectionsPerOrigin: 1, pipelining });
  pool.request({ origin, method: "GET", target: "/a" }, 0);
  const connect = pool.takeActions()[0] as SocketAction & { type: "connect" };
  pool.connected(connect.socket, 1);
  pool.takeActions();
  pool.takeEvents();
  return { pool, socket: connect.socket };
}

describe("client pool: requests written in one turn", () => {
  it("RFC 9112 §9.3.2: requests pipelined in one turn leave in one write, in order", () => {
    const { pool, socket } = opened(4);
    for (const t of ["/b", "/c", "/d"]) pool.request({ origin, method: "GET", target: t }, 2);
    // Not yet proven persistent: nothing is pipelined behind /a.
    expect(pool.takeActions()).toEqual([]);
    pool.received(socket, ok("a"), 3);
    const writes = pool.takeActions().filter((a) => a.type === "write");
    expect(writes).toHaveLength(1);
    const sent = text(writes[0] as SocketAction);
    expect(sent.match(/^GET \S+/gm)).toEqual(["GET /b", "GET /c", "GET /d"]);
  });

  it("without pipelining each connection gets its own write", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 2 });
    pool.request({ origin, method: "GET", target: "/a" }, 0);
    pool.request({ origin, method: "GET", target: "/b" }, 0);
    const connects = pool.takeActions();
    for (const c of connects) if (c.type === "connect") pool.connected(c.socket, 1);
    const writes = pool.takeActions().filter((a) => a.type === "write");
    expect(writes.map((w) => (w.type === "write" ? w.socket : 0))).toEqual(
      connects.map((c) => (c.type === "connect" ? c.socket : 0)),
    );
  });

  it("moveActionsTo and moveEventsTo hand over what takeActions and takeEvents would", () => {
    const run = (move: boolean) => {
      const { pool, socket } = opened(2);
      pool.request({ origin, method: "GET", target: "/b" }, 2);
      pool.received(socket, ok("a"), 3);
      const actions: SocketAction[] = [];
      const events: PoolEvent[] = [];
      if (move) {
        pool.moveActionsTo(actions);
        pool.moveEventsTo(events);
        // Emptied: a second move adds nothing.
        pool.moveActionsTo(actions);
        pool.moveEventsTo(events);
      } else {
        actions.push(...pool.takeActions());
        events.push(...pool.takeEvents());
      }
      pool.received(socket, ok("b"), 4);
      if (move) pool.moveEventsTo(events);
      else events.push(...pool.takeEvents());
      return { actions, events };
    };
    const moved = run(true);
    expect(moved.actions.length).toBeGreaterThan(0);
    expect(moved.events.map((e) => e.type)).toContain("end");
    expect(moved).toEqual(run(false));
  });

  it("an attempt record handed out is not changed by a later retry", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1 });
    // Buffered: a response cut short is fetched again (retry.ts row 8).
    pool.request({ origin, method: "GET", target: "/a", buffered: true }, 0);
    const connect = pool.takeActions()[0] as SocketAction & { type: "connect" };
    const socket = connect.socket;
    pool.connected(socket, 1);
    // /a's response head arrives, then the connection is reset before its body ends.
    pool.received(
      socket,
      new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"),
      2,
    );
    const head = pool.takeEvents().find((e) => e.type === "response");
    expect(head?.type).toBe("response");
    const record = head?.type === "response" ? head.attempts : null;
    expect(record).toEqual({ count: 1, connections: [socket], retries: [] });
    pool.reset(socket, "ECONNRESET", 3);
    expect(pool.takeEvents().map((e) => e.type)).toContain("request-retried");
    const reconnect = pool.takeActions().find((a) => a.type === "connect");
    pool.connected((reconnect as SocketAction & { type: "connect" }).socket, 4);
    pool.received((reconnect as SocketAction & { type: "connect" }).socket, ok("abcde"), 5);
    const again = pool.takeEvents().find((e) => e.type === "response");
    expect(again?.type === "response" ? again.attempts.count : 0).toBe(2);
    expect(again?.type === "response" ? again.attempts.connections.length : 0).toBe(2);
    expect(again?.type === "response" ? again.attempts.retries.length : 0).toBe(1);
    expect(record).toEqual({ count: 1, connections: [socket], retries: [] });
  });
});
