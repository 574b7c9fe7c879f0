import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { RequestError } from "../src/request-errors.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { RETRY_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { latin1 } from "../test-kit/server-script.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";
import { expectScenario, title } from "./pool-helpers.ts";

const byName = (prefix: string) => RETRY_SCENARIOS.find((s) => s.name.startsWith(prefix))!;

describe("client pool: the retry rules and the stale-connection race (scenarios)", () => {
  for (const s of RETRY_SCENARIOS) it(title(s), () => expectScenario(s));
});

describe("client pool: retries, in detail", () => {
  it("stale-connection race: the caller sees no error, only a response on the second connection; the log shows why", () => {
    const { sim } = expectScenario(byName("stale-connection race: a GET on a reused"));
    const b = [...sim.results.values()][1]!;
    const ofB = sim.events
      .filter((e) => "id" in e.event && e.event.id === b.id)
      .map((e) => e.event);
    expect(ofB.map((e) => e.type)).toEqual([
      "connection-reused",
      "request-retried",
      "response",
      "data",
      "end",
    ]);
    expect(ofB[1]).toEqual({
      type: "request-retried",
      id: b.id,
      reason: "stale-connection",
      attempt: 2,
      delayMs: 0,
    });
    expect(ofB[2]).toMatchObject({
      connection: 2,
      reused: false,
      attempts: { count: 2, connections: [1, 2], retries: ["stale-connection"] },
    });
    // The request was written twice (once on the dead connection), which is safe for a GET.
    expect(sim.requestLinesWritten()).toEqual([
      "GET /a HTTP/1.1",
      "GET /b HTTP/1.1",
      "GET /b HTTP/1.1",
    ]);
  });

  it("a POST already written is never sent twice: one write, then a typed CONNECTION_CLOSED with its attempt record", () => {
    const { sim } = expectScenario(byName("retry rules: a POST already written"));
    expect(sim.requestLinesWritten().filter((l) => l.startsWith("POST"))).toEqual([
      "POST /p HTTP/1.1",
    ]);
    const p = [...sim.results.values()][1]!;
    expect(p.error).toBeInstanceOf(RequestError);
    expect(p.error?.attempts).toEqual({ count: 1, connections: [1], retries: [] });
  });

  it("the backoff is data: retries wait retryBackoffMs(n) and the log says so", () => {
    const { sim } = expectScenario(byName("retry rules: the backoff"));
    const retried = sim.events.flatMap((e) =>
      e.event.type === "request-retried" ? [[e.at, e.event.delayMs]] : [],
    );
    expect(retried).toEqual([
      [1, 0],
      [2, 50],
    ]);
    const connects = sim.events
      .filter((e) => e.event.type === "connection-opened")
      .map((e) => e.at);
    expect(connects).toEqual([53]);
  });

  it("the default backoff retries at once the first time, then waits 100 ms", () => {
    const pool = new ClientPool();
    const sim = new SimNetwork(pool, {
      faults: [
        { kind: "refuse", connection: 0 },
        { kind: "refuse", connection: 1 },
      ],
    });
    sim.request({ origin: scenarioOrigin(), method: "GET", target: "/" });
    sim.run();
    const delays = sim.events.flatMap((e) =>
      e.event.type === "request-retried" ? [e.event.delayMs] : [],
    );
    expect(delays).toEqual([0, 100]);
  });

  it("RFC 9112 §9.3.1: a streamed body not yet written when the connection failed can still be sent again", () => {
    const pool = new ClientPool();
    const sim = new SimNetwork(pool, { faults: [{ kind: "refuse", connection: 0 }] });
    const id = sim.request({
      origin: scenarioOrigin(),
      method: "POST",
      target: "/up",
      body: { stream: true },
    });
    sim.writeBody(id, latin1("abc"));
    sim.endBody(id);
    sim.run();
    const r = sim.results.get(id)!;
    expect(r.outcome).toBe("end");
    expect(r.head?.fields.get("x-request-body")).toBe("3");
    expect(r.retries).toEqual(["nothing-written"]);
  });
});
