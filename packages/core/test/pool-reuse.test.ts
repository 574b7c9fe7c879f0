import { describe, expect, it } from "vitest";
import { REUSE_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { fromLatin1 } from "../test-kit/server-script.ts";
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
