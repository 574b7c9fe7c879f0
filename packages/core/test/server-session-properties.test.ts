import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { ServerPolicy } from "../src/server-policy.ts";
import { advance, bytes, SimSocket, VirtualClock } from "./server-harness.ts";

/** Requests a client might pipeline, valid and not. */
const REQUESTS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  "GET /10 HTTP/1.0\r\n\r\n",
  "GET /10k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
  "POST /ch HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
  "POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nxyz",
  "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n",
  "GET / HTTP/1.1\r\n\r\n",
  "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
  "\r\n",
  "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n",
];

const input = fc
  .array(
    fc.oneof(
      fc.constantFrom(...REQUESTS).map((s) => bytes(s)),
      fc.uint8Array({ maxLength: 24 }),
    ),
    { maxLength: 6 },
  )
  .chain((parts) => {
    const all = concat(parts);
    return fc
      .uniqueArray(fc.integer({ min: 1, max: Math.max(1, all.length - 1) }), { maxLength: 8 })
      .map((cuts) => split(all, cuts));
  });

type Op =
  | { k: "recv" }
  | { k: "fin" }
  | { k: "tick"; ms: number }
  | { k: "flush" }
  | { k: "respond"; status: number; length: number | null | undefined }
  | { k: "data"; n: number }
  | { k: "end" }
  | { k: "info" }
  | { k: "answer-error"; id: number }
  | { k: "upgrade" }
  | { k: "shutdown" }
  | { k: "abort" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ k: "recv" } as const) },
  fc.constant({ k: "fin" } as const),
  {
    weight: 3,
    arbitrary: fc.integer({ min: 0, max: 40_000 }).map((ms) => ({ k: "tick", ms }) as const),
  },
  { weight: 2, arbitrary: fc.constant({ k: "flush" } as const) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("respond" as const),
      status: fc.constantFrom(200, 204, 304, 404, 500, 101, 100),
      length: fc.option(fc.option(fc.nat(8), { nil: null }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.nat(6).map((n) => ({ k: "data", n }) as const) },
  { weight: 3, arbitrary: fc.constant({ k: "end" } as const) },
  fc.constant({ k: "info" } as const),
  fc.nat(8).map((id) => ({ k: "answer-error", id }) as const),
  fc.constant({ k: "shutdown" } as const),
  { weight: 2, arbitrary: fc.constant({ k: "upgrade" } as const) },
  { weight: 1, arbitrary: fc.constant({ k: "abort" } as const) },
);

const SWITCH_FIELDS: [string, string][] = [
  ["Upgrade", "x"],
  ["Connection", "upgrade"],
];

/** Runs an application-side call; only a UsageError may come out. */
function app(call: () => void): boolean {
  try {
    call();
    return true;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return false;
  }
}

function checkInvariants(sim: SimSocket): void {
  const s = sim.session;
  expect(sim.count("close")).toBeLessThanOrEqual(1);
  if (sim.closed) {
    expect(s.state).toBe("closed");
    expect(s.nextDeadline()).toBeNull();
  }
  // Once the connection must close, the close has begun (or is done).
  if (s.connectionState === "must-close") expect(s.state).not.toBe("open");
}

describe("ServerSession: properties", () => {
  it("random input, peers, clocks and applications: only UsageErrors, one close after must-close, nothing leaked", () => {
    fc.assert(
      fc.property(
        input,
        fc.array(op, { maxLength: 40 }),
        fc.boolean(),
        (chunks, ops, errorsByApp) => {
          const clock = new VirtualClock();
          const policy = new ServerPolicy({
            maxPipelinedRequests: 2,
            maxRequestsPerConnection: 3,
            headersTimeoutMs: 10_000,
            keepAliveTimeoutMs: 5000,
            bodyTimeoutMs: 20_000,
            errorResponses: errorsByApp ? "app" : "auto",
            limits: { maxBodyBytes: 64 },
          });
          const accepted = policy.accept("192.0.2.1", clock.now);
          if (!accepted.accept) throw new Error("refused");
          const sim = new SimSocket(accepted.session, clock);
          sim.autoFlush = false;
          const s = sim.session;
          let next = 0;
          let finSent = false;
          for (const o of ops) {
            const now = clock.now;
            switch (o.k) {
              case "recv":
                // After a switch the bytes belong to the new protocol, not to the session.
                if (next < chunks.length && !finSent && s.state !== "switched") {
                  sim.send(chunks[next++] as Uint8Array);
                }
                break;
              case "fin":
                if (!finSent && s.state !== "switched") sim.fin();
                finSent = true;
                break;
              case "tick":
                advance(clock, o.ms);
                break;
              case "flush":
                if (!sim.closed) sim.flush();
                break;
              case "respond":
                app(() => s.respond({ status: o.status }, now, { bodyLength: o.length }));
                break;
              case "data":
                app(() => s.sendData(new Uint8Array(o.n), now));
                break;
              case "end":
                app(() => s.sendEnd(now));
                break;
              case "info":
                app(() => s.sendInformational(100, now));
                break;
              case "answer-error":
                app(() => s.respondToError(o.id, now));
                break;
              case "shutdown":
                policy.shutdown(now);
                break;
              case "upgrade":
                app(() => s.respond({ status: 101, fields: SWITCH_FIELDS }, now));
                break;
              case "abort":
                s.abort("aborted", now);
                break;
            }
            sim.run();
            checkInvariants(sim);
          }
          // Let everything settle: the rest of the input and a FIN arrive, the
          // application answers what it owes, the peer reads, time passes.
          const active = () => s.state === "open" || s.state === "closing";
          while (next < chunks.length && !finSent && active())
            sim.send(chunks[next++] as Uint8Array);
          if (!finSent && active()) sim.fin();
          for (let round = 0; round < 20 && active(); round++) {
            const now = clock.now;
            for (const e of sim.events)
              if (e.type === "error") app(() => s.respondToError(e.id, now));
            // Complete a fixed-length body whatever is left of it (larger sends are refused).
            for (let n = 8; n > 0; n--) app(() => s.sendData(new Uint8Array(n), now));
            app(() => s.sendEnd(now));
            app(() => s.respond({ status: 200 }, now, { bodyLength: 0 }));
            app(() => s.sendEnd(now));
            sim.run();
            if (!sim.closed) sim.flush();
            advance(clock, 60_000);
            checkInvariants(sim);
          }
          if (s.state === "switched") {
            // RFC 9110 §7.8: the socket now belongs to the new protocol.
            expect(s.nextDeadline()).toBeNull();
            s.takeRest();
            s.release();
            expect(sim.count("close")).toBe(0);
          } else {
            expect(sim.closed).toBe(true);
            expect(sim.count("close")).toBe(1);
          }
          expect(s.state).toBe("closed");
          expect(s.nextDeadline()).toBeNull();
          // No timer is left armed on the clock.
          expect(clock.nextAt()).toBeNull();
          expect(policy.connections).toBe(0);
          expect(policy.connectionsFrom("192.0.2.1")).toBe(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function split(all: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c < all.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of points) {
    out.push(all.subarray(from, c));
    from = c;
  }
  out.push(all.subarray(from));
  return out.filter((c) => c.length > 0);
}
