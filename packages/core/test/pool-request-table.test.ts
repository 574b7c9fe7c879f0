import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import type { PoolEvent } from "../src/pool-events.ts";
import type { SocketAction } from "../src/socket-actions.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { latin1 } from "../test-kit/server-script.ts";

// The pool keeps its unsettled requests in an IdTable (id-table.ts), not a
// Map: one request held while hundreds of others come and go must still be
// found when its response comes, and close() settles what is left in
// request order.
const ORIGIN = scenarioOrigin();
const OK = latin1("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");

function writtenOn(actions: readonly SocketAction[]): number[] {
  return actions.flatMap((a) => (a.type === "write" ? [a.socket] : []));
}

describe("client pool: requests held by id", () => {
  it("RFC 9112 §9.3: a request in flight on one connection while 300 others pass on another is still answered", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 2 });
    let t = 0;
    const slow = pool.request({ origin: ORIGIN, method: "GET", target: "/slow" }, t);
    pool.connected(1, t);
    expect(writtenOn(pool.takeActions())).toEqual([1]);
    pool.takeEvents();
    for (let n = 0; n < 300; n++) {
      const id = pool.request({ origin: ORIGIN, method: "GET", target: `/${n}` }, ++t);
      if (n === 0) pool.connected(2, t);
      expect(writtenOn(pool.takeActions())).toEqual([2]);
      pool.received(2, OK, t);
      const events = pool.takeEvents().filter((e) => "id" in e && e.id === id);
      expect(events.map((e) => e.type)).toEqual(
        n === 0 ? ["response", "data", "end"] : ["connection-reused", "response", "data", "end"],
      );
    }
    pool.received(1, OK, ++t);
    const done = pool.takeEvents().filter((e): e is PoolEvent & { id: number } => "id" in e);
    expect(done.map((e) => [e.id, e.type])).toEqual([
      [slow, "response"],
      [slow, "data"],
      [slow, "end"],
    ]);
    expect(pool.stats().inFlight).toBe(0);
  });

  it("close() fails every unsettled request in request order, stragglers included", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1 });
    let t = 0;
    const first = pool.request({ origin: ORIGIN, method: "GET", target: "/first" }, t);
    pool.connected(1, t);
    pool.takeActions();
    // Queued behind it, far apart in ids: requests settled in between.
    const queued: number[] = [];
    for (let n = 0; n < 200; n++) {
      const id = pool.request({ origin: ORIGIN, method: "GET", target: `/${n}` }, ++t);
      if (n % 50 === 0) queued.push(id);
      else pool.cancel(id, t);
    }
    pool.takeEvents();
    pool.close(++t);
    const errors = pool.takeEvents().flatMap((e) => (e.type === "error" ? [e.id] : []));
    expect(errors).toEqual([first, ...queued]);
  });
});
