import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { PIPELINING_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";
import { expectScenario, title } from "./pool-helpers.ts";

describe("client pool: pipelining (scenarios)", () => {
  for (const s of PIPELINING_SCENARIOS) it(title(s), () => expectScenario(s));
});

/** When each request line was written, and when each response head arrived, by target. */
function timeline(sim: SimNetwork) {
  const written = new Map<string, number>();
  // One write may carry several pipelined requests: every request line in it counts.
  for (const w of sim.writes) {
    for (const line of new TextDecoder().decode(w.bytes).split("\r\n")) {
      const m = /^[A-Z]+ (\S+) HTTP\/1\.[01]$/.exec(line);
      if (m !== null) written.set(m[1] ?? "", w.at);
    }
  }
  const answered = new Map<string, number>();
  for (const { at, event } of sim.events) {
    if (event.type === "response") answered.set(event.head.fields.get("x-target") ?? "", at);
  }
  return { written, answered };
}

describe("client pool: pipelining, in detail", () => {
  it("RFC 9112 §9.3.2: the first request goes alone; the rest are pipelined once a response proved the connection persistent", () => {
    const { sim } = expectScenario(PIPELINING_SCENARIOS[0]!);
    const { written, answered } = timeline(sim);
    expect(written.get("/b")).toBeGreaterThanOrEqual(answered.get("/a")!);
    // /c is written with /b, before /b is answered: pipelined.
    expect(written.get("/c")).toBe(written.get("/b"));
    expect(written.get("/c")).toBeLessThan(answered.get("/b")!);
  });

  it("RFC 9112 §9.3.2: the GET behind a POST is written only after the POST's response", () => {
    const { sim } = expectScenario(PIPELINING_SCENARIOS[2]!);
    const { written, answered } = timeline(sim);
    expect(written.get("/g")).toBeGreaterThanOrEqual(answered.get("/p")!);
  });

  it("the depth bounds the requests in flight on a connection", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1, pipelining: 2 });
    const sim = new SimNetwork(pool, { server: { otherwise: { serve: { delayMs: 5 } } } });
    let most = 0;
    sim.onFlush = () => {
      most = Math.max(most, pool.stats().inFlight);
    };
    for (let i = 0; i < 8; i++)
      sim.request({ origin: scenarioOrigin(), method: "GET", target: `/${i}` });
    sim.run();
    expect(most).toBe(2);
    expect([...sim.results.values()].every((r) => r.outcome === "end")).toBe(true);
    expect(sim.connects).toBe(1);
  });

  it("pipelining is off by default: one request in flight per connection", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1 });
    const sim = new SimNetwork(pool, { server: { otherwise: { serve: { delayMs: 5 } } } });
    let most = 0;
    sim.onFlush = () => {
      most = Math.max(most, pool.stats().inFlight);
    };
    for (let i = 0; i < 4; i++)
      sim.request({ origin: scenarioOrigin(), method: "GET", target: `/${i}` });
    sim.run();
    expect(most).toBe(1);
  });

  it("no pipelining to a server that answers HTTP/1.0, even with keep-alive", () => {
    const pool = new ClientPool({ connectionsPerOrigin: 1, pipelining: 4 });
    const sim = new SimNetwork(pool, {
      server: { otherwise: { serve: { version: "1.0", delayMs: 5 } } },
    });
    let most = 0;
    sim.onFlush = () => {
      most = Math.max(most, pool.stats().inFlight);
    };
    for (let i = 0; i < 4; i++)
      sim.request({ origin: scenarioOrigin(), method: "GET", target: `/${i}` });
    sim.run();
    expect(most).toBe(1);
    expect(sim.connects).toBe(1);
  });
});
