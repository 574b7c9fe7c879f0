/** The simulated network and scenario kit behave as documented (the tests of the test kit). */
import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { VirtualClock } from "../test-kit/clock.ts";
import { checkScenario, runScenario, scenarioOrigin } from "../test-kit/scenario.ts";
import { bodyFor, chunked, fromLatin1, httpResponse, latin1 } from "../test-kit/server-script.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";

describe("VirtualClock", () => {
  it("runs tasks in time order, and in scheduling order at equal times", () => {
    const clock = new VirtualClock();
    const seen: string[] = [];
    clock.schedule(5, () => seen.push("b@5"));
    clock.schedule(1, () => seen.push("a@1"));
    clock.schedule(5, () => seen.push("c@5"));
    const cancelled = clock.schedule(3, () => seen.push("never"));
    cancelled.cancel();
    clock.run();
    expect(seen).toEqual(["a@1", "b@5", "c@5"]);
    expect(clock.now).toBe(5);
  });

  it("stops at `until`, and refuses to run forever", () => {
    const clock = new VirtualClock();
    const tick = (): void => {
      clock.after(1, tick);
    };
    tick();
    clock.run({ until: 10 });
    expect(clock.now).toBe(10);
    expect(() => clock.run({ maxSteps: 100 })).toThrow(/more than 100 steps/);
  });
});

describe("SimNetwork", () => {
  const origin = scenarioOrigin();

  it("a FIN fault at octet N delivers exactly N octets of the response", () => {
    const sim = new SimNetwork(new ClientPool({ maxAttempts: 1 }), {
      faults: [{ kind: "fin", connection: 0, atByte: 20 }],
      server: {
        otherwise: { steps: [{ read: {} }, { write: httpResponse({ body: "x".repeat(50) }) }] },
      },
    });
    const id = sim.request({ origin, method: "GET", target: "/" });
    sim.run();
    expect(sim.results.get(id)?.error?.code).toBe("CONNECTION_CLOSED");
    const closed = sim.events.find((e) => e.event.type === "connection-closed")?.event;
    expect(closed).toMatchObject({ reason: "peer-closed" });
  });

  it("octets sent to a server that closed draw a reset (TCP)", () => {
    const sim = new SimNetwork(new ClientPool({ maxAttempts: 1 }), {
      server: { otherwise: { steps: [{ fin: true }] } },
      latencyMs: 5,
    });
    // The request leaves before the FIN arrives: the FIN comes first, then the reset.
    const id = sim.request({ origin, method: "POST", target: "/", body: latin1("x") });
    sim.run();
    expect(sim.results.get(id)?.error?.code).toBe("CONNECTION_CLOSED");
    expect(sim.violations).toEqual([]);
  });

  it("pieces of any size carry the same octets", () => {
    for (const chunkSize of [1, 3, 1000]) {
      const sim = new SimNetwork(new ClientPool(), {
        chunkSize,
        server: { otherwise: { serve: { chunked: true } } },
      });
      const id = sim.request({ origin, method: "GET", target: "/a?size=300" });
      sim.run();
      expect(sim.results.get(id)?.body).toBe(bodyFor("GET", "/a?size=300"));
    }
  });

  it("a scripted server reports requests that do not match its script", () => {
    const outcome = runScenario({
      name: "mismatch",
      rule: "test kit",
      server: {
        otherwise: {
          steps: [{ read: { method: "POST", headers: { "x-a": "1" } } }, { fin: true }],
        },
      },
      client: [{ at: 0, request: { name: "a", target: "/" } }],
      expect: {},
    });
    expect(outcome.problems.some((p) => p.includes("method GET") && p.includes("x-a"))).toBe(true);
  });

  it("checkScenario lists each difference, and unsettled requests", () => {
    const outcome = runScenario({
      name: "hang",
      rule: "test kit",
      server: { otherwise: { steps: [{ read: {} }] } },
      client: [{ at: 0, request: { name: "a", target: "/" } }],
      expect: {},
    });
    const diff = checkScenario(outcome, { results: { a: { status: 200 } }, connectionsOpened: 2 });
    expect(diff).toEqual([
      "a never settled",
      "sockets still held at the end: 1",
      "a: status is null, expected 200",
      'a: outcome is "pending", expected "end"',
      "connections opened: 1, expected 2",
    ]);
  });

  it("text helpers build what they say", () => {
    expect(chunked(["abc", ""], ["T: 1"])).toBe("3\r\nabc\r\n0\r\nT: 1\r\n\r\n");
    expect(httpResponse({ status: 204, framing: "close" })).toBe("HTTP/1.1 204 X\r\n\r\n");
    expect(fromLatin1(latin1("\u00ff\u0000a"))).toBe("\u00ff\u0000a");
    expect(bodyFor("GET", "/x?size=5")).toBe("GET /");
  });
});
