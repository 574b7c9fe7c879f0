import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { UsageError } from "../src/errors.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { CONNECTION_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { fromLatin1 } from "../test-kit/server-script.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";
import { expectScenario, title } from "./pool-helpers.ts";

const ORIGIN = scenarioOrigin();

describe("client pool: parallel connections and the queue (scenarios)", () => {
  for (const s of CONNECTION_SCENARIOS) it(title(s), () => expectScenario(s));
});

describe("client pool: the sans-I/O contract", () => {
  it("a request asks for a connection, then writes its head once connected (Host added from the origin, RFC 9112 §3.2)", () => {
    const pool = new ClientPool();
    const id = pool.request({ origin: ORIGIN, method: "GET", target: "/x" }, 0);
    expect(pool.takeActions()).toEqual([{ type: "connect", socket: 1, origin: ORIGIN }]);
    expect(pool.takeEvents()).toEqual([]);
    pool.connected(1, 5);
    const [write] = pool.takeActions();
    expect(write?.type).toBe("write");
    expect(write?.type === "write" && fromLatin1(write.data[0] as Uint8Array)).toBe(
      "GET /x HTTP/1.1\r\nHost: origin.test\r\n\r\n",
    );
    expect(pool.takeEvents()).toEqual([
      { type: "connection-opened", connection: 1, origin: ORIGIN },
    ]);
    expect(pool.stats()).toEqual({
      connections: 1,
      connecting: 0,
      idle: 0,
      queued: 0,
      inFlight: 1,
    });
    pool.received(1, new TextEncoder().encode("HTTP/1.1 204 No Content\r\n\r\n"), 7);
    const events = pool.takeEvents();
    expect(events.map((e) => e.type)).toEqual(["response", "end"]);
    expect(events[0]).toMatchObject({
      id,
      connection: 1,
      reused: false,
      attempts: { count: 1, connections: [1] },
    });
    // Idle, kept until the idle timeout (default 4000 ms).
    expect(pool.stats().idle).toBe(1);
    expect(pool.nextDeadline()).toBe(4007);
    pool.tick(4007);
    expect(pool.takeActions()).toEqual([{ type: "close", socket: 1 }]);
    expect(pool.takeEvents()).toEqual([
      { type: "connection-closed", connection: 1, reason: "idle-timeout" },
    ]);
    expect(pool.nextDeadline()).toBeNull();
  });

  it("a Host given by the caller is kept; the port is written when it is not the default", () => {
    const pool = new ClientPool();
    pool.request(
      { origin: { scheme: "http", host: "::1", port: 8080 }, method: "GET", target: "/" },
      0,
    );
    pool.request({ origin: ORIGIN, method: "GET", target: "/", fields: [["host", "other"]] }, 0);
    pool.connected(1, 1);
    pool.connected(2, 1);
    const heads = pool
      .takeActions()
      .flatMap((a) => (a.type === "write" ? [fromLatin1(a.data[0] as Uint8Array)] : []));
    expect(heads).toEqual([
      "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
      "GET / HTTP/1.1\r\nhost: other\r\n\r\n",
    ]);
  });

  it("a request that could never be sent is refused at the call with a UsageError", () => {
    const pool = new ClientPool();
    expect(() => pool.request({ origin: ORIGIN, method: "G T", target: "/" }, 0)).toThrow(
      UsageError,
    );
    expect(() => pool.request({ origin: ORIGIN, method: "GET", target: "x" }, 0)).toThrow(
      UsageError,
    );
    expect(() =>
      pool.request({ origin: ORIGIN, method: "GET", target: "/", fields: [["X", "a\r\nb"]] }, 0),
    ).toThrow(UsageError);
    expect(() =>
      pool.request(
        { origin: ORIGIN, method: "POST", target: "/", version: "1.0", body: { stream: true } },
        0,
      ),
    ).toThrow(UsageError);
    expect(pool.takeActions()).toEqual([]);
  });

  it("impossible options are refused", () => {
    expect(() => new ClientPool({ connectionsPerOrigin: 0 })).toThrow(UsageError);
    expect(() => new ClientPool({ idleTimeoutMs: -1 })).toThrow(UsageError);
    expect(() => new ClientPool({ maxAttempts: 1.5 })).toThrow(UsageError);
  });

  it("close() fails every request with CANCELLED and closes every connection", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1 });
    pool.request({ origin: ORIGIN, method: "GET", target: "/a" }, 0);
    pool.request({ origin: ORIGIN, method: "GET", target: "/b" }, 0);
    pool.connected(1, 1);
    pool.takeActions();
    pool.takeEvents();
    pool.close(2);
    expect(pool.takeActions()).toEqual([{ type: "close", socket: 1 }]);
    const errors = pool.takeEvents().filter((e) => e.type === "error");
    expect(errors.map((e) => e.type === "error" && e.error.code)).toEqual([
      "CANCELLED",
      "CANCELLED",
    ]);
    expect(pool.stats()).toEqual({
      connections: 0,
      connecting: 0,
      idle: 0,
      queued: 0,
      inFlight: 0,
    });
    expect(() => pool.request({ origin: ORIGIN, method: "GET", target: "/" }, 3)).toThrow(
      UsageError,
    );
  });

  it("the pool never holds more than connectionsPerOrigin connections, even with 50 requests at once", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 3 });
    const sim = new SimNetwork(pool, { server: { otherwise: { serve: { delayMs: 3 } } } });
    for (let i = 0; i < 50; i++) sim.request({ origin: ORIGIN, method: "GET", target: `/${i}` });
    sim.run();
    expect(sim.maxOpen).toBe(3);
    expect([...sim.results.values()].every((r) => r.outcome === "end")).toBe(true);
    expect(sim.connects).toBe(3);
  });
});
