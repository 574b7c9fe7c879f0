import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { REUSE_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { fromLatin1 } from "../test-kit/server-script.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";
import { expectScenario, title } from "./pool-helpers.ts";

describe("client pool: persistent reuse and retirement (scenarios)", () => {
  for (const s of REUSE_SCENARIOS) it(title(s), () => expectScenario(s));
});

describe("client pool: reuse, in detail", () => {
  it("RFC 9112 §9.3: the HTTP/1.0 requests go out as HTTP/1.0 with Connection: keep-alive", () => {
    const s = REUSE_SCENARIOS.find((x) => x.name.startsWith("HTTP/1.0: requests ask"));
    const { sim } = expectScenario(s!);
    const heads = sim.writes.map((w) => fromLatin1(w.bytes));
    expect(heads).toEqual([
      "GET /a HTTP/1.0\r\nHost: origin.test\r\nConnection: keep-alive\r\n\r\n",
      "GET /b HTTP/1.0\r\nHost: origin.test\r\nConnection: keep-alive\r\n\r\n",
    ]);
  });

  it("keep-alive.ts clientIdleDeadline: with Keep-Alive timeout=2 the connection is retired 1 s after it went idle", () => {
    const s = REUSE_SCENARIOS.find((x) => x.name.includes("minus the safety margin"));
    const { sim } = expectScenario(s!);
    const closes = sim.events.filter((e) => e.event.type === "connection-closed");
    // b's response arrived at 502: idle from then on, for min(4000, 2000 − 1000) ms.
    expect(closes[0]).toEqual({
      at: 1502,
      event: { type: "connection-closed", connection: 1, reason: "idle-timeout" },
    });
  });

  it("the reuse of a connection is visible: connection-reused and response.reused", () => {
    const s = REUSE_SCENARIOS[0]!;
    const { sim } = expectScenario(s);
    const types = sim.events.map((e) => e.event.type);
    expect(types).toContain("connection-reused");
    const responses = sim.events.flatMap((e) => (e.event.type === "response" ? [e.event] : []));
    expect(responses.map((r) => [r.connection, r.reused])).toEqual([
      [1, false],
      [1, true],
    ]);
  });
});

describe("client pool: heads prepared once", () => {
  it("RFC 9112 §3.2, §9.6: requests without fields of their own share one prepared head; the last one a limit allows still says Connection: close, and the shared head is unchanged", () => {
    const origin = Object.freeze(scenarioOrigin());
    const sim = new SimNetwork(new ClientPool({ maxRequestsPerConnection: 2 }));
    const ids: number[] = [];
    for (const at of [0, 10, 20]) {
      sim.at(at, () => ids.push(sim.request({ origin, method: "GET", target: "/same" })));
    }
    sim.run();
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(sim.results.get(id)?.outcome).toBe("end");
    const heads = sim.writes.map((w) => new TextDecoder("latin1").decode(w.bytes));
    expect(heads).toEqual([
      "GET /same HTTP/1.1\r\nHost: origin.test\r\n\r\n",
      "GET /same HTTP/1.1\r\nHost: origin.test\r\nConnection: close\r\n\r\n",
      "GET /same HTTP/1.1\r\nHost: origin.test\r\n\r\n",
    ]);
  });

  it("RFC 9112 §6.2: a shared head is never another method's or another body length's", () => {
    const origin = Object.freeze(scenarioOrigin());
    const sim = new SimNetwork(new ClientPool({}));
    const sends: [string, Uint8Array | null][] = [
      ["GET", null],
      ["HEAD", null],
      ["POST", new Uint8Array(3)],
      ["POST", new Uint8Array(4)],
      ["POST", new Uint8Array(3)],
      ["GET", null],
    ];
    sends.forEach(([method, body], i) => {
      sim.at(i * 10, () => sim.request({ origin, method, target: "/t", body }));
    });
    sim.run();
    const heads = sim.writes.map((w) => {
      const text = new TextDecoder("latin1").decode(w.bytes);
      return text.slice(0, text.indexOf("\r\n\r\n"));
    });
    expect(heads).toEqual([
      "GET /t HTTP/1.1\r\nHost: origin.test",
      "HEAD /t HTTP/1.1\r\nHost: origin.test",
      "POST /t HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 3",
      "POST /t HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 4",
      "POST /t HTTP/1.1\r\nHost: origin.test\r\nContent-Length: 3",
      "GET /t HTTP/1.1\r\nHost: origin.test",
    ]);
    for (const r of sim.results.values()) expect(r.outcome).toBe("end");
  });
});
