import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { UsageError } from "../src/errors.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { LIFECYCLE_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { fromLatin1, latin1 } from "../test-kit/server-script.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";
import { expectScenario, title } from "./pool-helpers.ts";

const ORIGIN = scenarioOrigin();

describe("client pool: timeouts, cancellation, interim responses, switches (scenarios)", () => {
  for (const s of LIFECYCLE_SCENARIOS) it(title(s), () => expectScenario(s));
});

describe("client pool: lifecycle, in detail", () => {
  it("RFC 9110 §15.2: the 103 is passed on as an informational event before the response", () => {
    const { sim } = expectScenario(
      LIFECYCLE_SCENARIOS.find((s) => s.name.startsWith("informational"))!,
    );
    const types = sim.events.flatMap((e) => ("id" in e.event ? [e.event.type] : []));
    expect(types).toEqual(["informational", "response", "data", "end"]);
  });

  it("RFC 9110 §7.8: the switched event carries the bytes of the new protocol, and the pool sends no close", () => {
    const { sim } = expectScenario(LIFECYCLE_SCENARIOS.find((s) => s.name.startsWith("upgrade"))!);
    const switched = sim.events.find((e) => e.event.type === "switched")?.event;
    expect(switched?.type === "switched" && fromLatin1(switched.rest)).toBe("hello");
    expect(switched?.type === "switched" && switched.connection).toBe(1);
  });

  it("a cancelled request pipelined behind another is dropped quietly; the connection stays", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1, pipelining: 3 });
    const sim = new SimNetwork(pool, { server: { otherwise: { serve: { delayMs: 10 } } } });
    sim.request({ origin: ORIGIN, method: "GET", target: "/warm" });
    sim.run({ until: 100 });
    const a = sim.request({ origin: ORIGIN, method: "GET", target: "/a" });
    const b = sim.request({ origin: ORIGIN, method: "GET", target: "/b" });
    const c = sim.request({ origin: ORIGIN, method: "GET", target: "/c" });
    sim.cancel(b);
    expect(pool.stats().inFlight).toBe(2);
    sim.run();
    expect(sim.results.get(a)?.outcome).toBe("end");
    expect(sim.results.get(b)?.error?.code).toBe("CANCELLED");
    expect(sim.results.get(c)?.outcome).toBe("end");
    expect(sim.connects).toBe(1);
    expect(sim.violations).toEqual([]);
  });

  it("streamed bodies: chunks before the connection exists are kept and written with the head", () => {
    const pool = new ClientPool();
    const id = pool.request(
      { origin: ORIGIN, method: "PUT", target: "/s", body: { stream: true, length: 5 } },
      0,
    );
    pool.writeBody(id, latin1("ab"));
    pool.writeBody(id, latin1("cde"));
    pool.endBody(id);
    pool.takeActions();
    pool.connected(1, 1);
    const [w] = pool.takeActions();
    expect(w?.type === "write" && w.data.map(fromLatin1).join("")).toBe(
      "PUT /s HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 5\r\n\r\nabcde",
    );
  });

  it("streamed bodies: a chunked stream with trailers (RFC 9112 §7.1.2)", () => {
    const pool = new ClientPool();
    const id = pool.request(
      { origin: ORIGIN, method: "POST", target: "/s", body: { stream: true } },
      0,
    );
    pool.connected(1, 1);
    pool.writeBody(id, latin1("hi"));
    pool.endBody(id, [["Digest", "x"]]);
    const text = pool
      .takeActions()
      .flatMap((a) => (a.type === "write" ? a.data.map(fromLatin1) : []))
      .join("");
    expect(text).toBe(
      "POST /s HTTP/1.1\r\nHost: origin.test\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nDigest: x\r\n\r\n",
    );
  });

  it("streamed bodies: misuse is a UsageError at the call", () => {
    const pool = new ClientPool();
    const plain = pool.request({ origin: ORIGIN, method: "GET", target: "/" }, 0);
    expect(() => pool.writeBody(plain, latin1("x"))).toThrow(UsageError);
    const sized = pool.request(
      { origin: ORIGIN, method: "PUT", target: "/", body: { stream: true, length: 2 } },
      0,
    );
    expect(() => pool.writeBody(sized, latin1("abc"))).toThrow(UsageError);
    expect(() => pool.endBody(sized)).toThrow(UsageError);
    expect(() => pool.endBody(sized, [["X", "1"]])).toThrow(UsageError);
    pool.writeBody(sized, latin1("ab"));
    pool.endBody(sized);
    expect(() => pool.endBody(sized)).toThrow(UsageError);
  });

  it("inputs for unknown or closed sockets are ignored", () => {
    const pool = new ClientPool();
    pool.received(9, latin1("HTTP/1.1 200 OK\r\n\r\n"), 0);
    pool.peerEnded(9, 0);
    pool.reset(9, "x", 0);
    pool.connected(9, 0);
    pool.connectFailed(9, "x", 0);
    expect(pool.takeActions()).toEqual([]);
    expect(pool.takeEvents()).toEqual([]);
  });
});
