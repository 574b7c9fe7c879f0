import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { RequestError } from "../src/request-errors.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { TRUNCATION_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { SimNetwork } from "../test-kit/sim-network.ts";
import { expectScenario, title } from "./pool-helpers.ts";

describe("client pool: truncation (scenarios)", () => {
  for (const s of TRUNCATION_SCENARIOS) it(title(s), () => expectScenario(s));
});

describe("client pool: truncation, in detail", () => {
  it("RFC 9112 §8: the request ends with an error event, never an end event, and the error is typed", () => {
    const { sim } = expectScenario(TRUNCATION_SCENARIOS[0]!);
    const types = sim.events.flatMap((e) => ("id" in e.event ? [e.event.type] : []));
    expect(types).toEqual(["response", "data", "error"]);
    const r = [...sim.results.values()][0]!;
    expect(r.error).toBeInstanceOf(RequestError);
    expect(r.error).toMatchObject({ code: "TRUNCATED_BODY", expected: 10, received: 3 });
  });

  it("a fault at every octet of a response: each cut gives a complete response or a typed error, never a short body", () => {
    const origin = scenarioOrigin();
    // The response is about 130 octets: head, then 40 octets of body.
    for (let at = 0; at < 200; at++) {
      for (const kind of ["fin", "reset"] as const) {
        const sim = new SimNetwork(new ClientPool({ maxAttempts: 1 }), {
          faults: [{ kind, connection: 0, atByte: at }],
        });
        const id = sim.request({ origin, method: "GET", target: "/x?size=40" });
        sim.run();
        const r = sim.results.get(id)!;
        if (r.outcome === "end") expect(r.body.length).toBe(40);
        else expect(r.error).toBeInstanceOf(RequestError);
        expect(sim.open.size).toBe(0);
      }
    }
  });

  it("issue #8, RFC 9112 §8, §9.3.2: a buffered GET cut at every octet of its response completes with the whole body; the server saw it once per attempt", () => {
    const origin = scenarioOrigin();
    for (let at = 0; at < 200; at++) {
      for (const kind of ["fin", "reset"] as const) {
        const sim = new SimNetwork(new ClientPool({ maxAttempts: 2 }), {
          faults: [{ kind, connection: 0, atByte: at }],
        });
        const id = sim.request({ origin, method: "GET", target: "/x?size=40", buffered: true });
        sim.run();
        const r = sim.results.get(id)!;
        expect(r.outcome, `${kind} at ${at}`).toBe("end");
        expect(r.body.length).toBe(40);
        const attempts = 1 + r.retries.length;
        expect(sim.requestLinesWritten().length).toBe(attempts);
        const received = [...sim.serverLogs()].flatMap((l) => l.requests).length;
        expect(received).toBe(attempts);
        expect(sim.open.size).toBe(0);
      }
    }
  });

  it("issue #8, RFC 9112 §9.3.1: a buffered POST cut at every octet of its response is written once: complete, or a typed error", () => {
    const origin = scenarioOrigin();
    for (let at = 0; at < 200; at++) {
      for (const kind of ["fin", "reset"] as const) {
        const sim = new SimNetwork(new ClientPool({ maxAttempts: 3 }), {
          faults: [{ kind, connection: 0, atByte: at }],
        });
        const body = new Uint8Array([1, 2, 3]);
        const id = sim.request({
          origin,
          method: "POST",
          target: "/x?size=40",
          body,
          buffered: true,
        });
        sim.run();
        const r = sim.results.get(id)!;
        if (r.outcome === "end") expect(r.body.length).toBe(40);
        else {
          expect(r.error).toBeInstanceOf(RequestError);
          expect(r.error?.attempts.count).toBe(1);
        }
        expect(sim.requestLinesWritten()).toEqual(["POST /x?size=40 HTTP/1.1"]);
      }
    }
  });
});
