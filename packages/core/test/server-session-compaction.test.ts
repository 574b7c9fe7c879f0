/**
 * Idle compaction of a {@link ServerSession} (server-session.ts): a
 * keep-alive connection idle past `compactIdleAfterMs` drops its
 * per-request state and rebuilds it exactly on the next input. Every test
 * compares with what an uncompacted session does, or checks the timers,
 * counters and closes the rebuild must carry over.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { ServerPolicy } from "../src/server-policy.ts";
import { ServerSession } from "../src/server-session.ts";
import type { ServerSessionOptions } from "../src/server-session-options.ts";
import {
  advance,
  answer,
  eventLine,
  GET,
  SimSocket,
  types,
  VirtualClock,
} from "./server-harness.ts";
import {
  actionLines,
  BODIES_AND_FRAGMENTS,
  playOp,
  type ScriptOp,
  scriptOp,
  sessionFacts,
} from "./session-script.ts";

let nextSocket = 1;
function open(clock: VirtualClock, options?: ServerSessionOptions): SimSocket {
  return new SimSocket(new ServerSession(nextSocket++, clock.now, options), clock);
}

/** Compacts `sim`'s session if it may be compacted now; returns whether it is compacted. */
function compact(sim: SimSocket): boolean {
  const done = sim.session.compact(sim.clock.now);
  sim.run();
  return done;
}

function events(sim: SimSocket): string[] {
  return sim.events.map(eventLine);
}

describe("ServerSession: idle compaction", () => {
  it("RFC 9112 §9.5: compacts only once idle for compactIdleAfterMs, and changes no fact", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 1000, keepAliveTimeoutMs: 5000 });
    sim.send(GET());
    expect(sim.session.compactAt()).toBeNull(); // a request is owed
    answer(sim);
    expect(sim.session.compactAt()).toBe(1000);
    advance(clock, 999);
    expect(compact(sim)).toBe(false);
    advance(clock, 1);
    const before = sessionFacts(sim.session);
    expect(compact(sim)).toBe(true);
    expect(sim.session.compacted).toBe(true);
    expect(sessionFacts(sim.session)).toEqual(before);
    expect(sim.session.compactAt()).toBeNull();
  });

  it("RFC 9112 §9.5: a fresh connection that sent nothing compacts too, and its first request is id 1", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 0 });
    expect(compact(sim)).toBe(true);
    sim.send(GET("/first"));
    expect(sim.session.compacted).toBe(false);
    expect(events(sim)).toEqual(["request 1 GET /first", "end 1"]);
    answer(sim);
    expect(sim.session.requestsAnswered).toBe(1);
  });

  it("RFC 9112 §9.3: a request after compaction carries on the exchange ids and the answered count", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 0 });
    for (let i = 1; i <= 3; i++) {
      sim.send(GET(`/${i}`));
      answer(sim);
      expect(compact(sim)).toBe(true);
      expect(sim.session.requestsAnswered).toBe(i);
    }
    expect(events(sim).filter((e) => e.startsWith("request"))).toEqual([
      "request 1 GET /1",
      "request 2 GET /2",
      "request 3 GET /3",
    ]);
  });

  it("RFC 9112 §9.6: maxRequestsPerConnection counts the requests before compaction; Keep-Alive max= too", () => {
    const clock = new VirtualClock();
    const options = {
      compactIdleAfterMs: 0,
      maxRequestsPerConnection: 3,
      advertiseKeepAlive: true,
    };
    const sim = open(clock, options);
    const heads: string[] = [];
    for (let i = 1; i <= 3; i++) {
      sim.send(GET(`/${i}`));
      answer(sim);
      heads.push(sim.read());
      compact(sim);
    }
    expect(heads[0]).toContain("Keep-Alive: timeout=5, max=2\r\n");
    expect(heads[1]).toContain("Keep-Alive: timeout=5, max=1\r\n");
    expect(heads[2]).toContain("Connection: close\r\n");
    expect(sim.session.closeReason).toBe("max-requests");
    expect(sim.count("shutdown-write")).toBe(1);
  });

  it("RFC 9112 §9.5: the idle timeout still fires at its time, counted from when the connection went idle", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 100, keepAliveTimeoutMs: 5000 });
    sim.send(GET());
    answer(sim);
    sim.read();
    advance(clock, 100);
    expect(compact(sim)).toBe(true);
    expect(sim.session.nextDeadline()).toBe(5000);
    sim.session.tick(4999); // early: nothing, and still compacted
    expect(sim.session.compacted).toBe(true);
    advance(clock, 4899);
    expect(sim.session.state).toBe("open");
    advance(clock, 1);
    expect(sim.session.closeReason).toBe("idle-timeout");
    expect(sim.log.at(-1)?.type).toBe("shutdown-write");
    expect(sim.count("write")).toBe(1);
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(types(sim).at(-1)).toBe("close");
  });

  it("RFC 9112 §9.6: a graceful shutdown closes a compacted connection at once", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy({ compactIdleAfterMs: 0 });
    const accepted = policy.accept("192.0.2.1", clock.now);
    if (!accepted.accept) throw new Error("refused");
    const sim = new SimSocket(accepted.session, clock, false);
    sim.send(GET());
    answer(sim);
    expect(compact(sim)).toBe(true);
    policy.shutdown(clock.now);
    sim.run();
    expect(sim.session.closeReason).toBe("shutdown");
    expect(sim.count("shutdown-write")).toBe(1);
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(policy.drained).toBe(true);
  });

  it("RFC 9112 §9.6: the peer's FIN while compacted closes, as on a live idle connection", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 0 });
    sim.send(GET());
    answer(sim);
    expect(compact(sim)).toBe(true);
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(sim.session.closeReason).toBe("peer-closed");
    expect(types(sim).at(-1)).toBe("close");
  });

  it("a reset (transport error) while compacted closes at once", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 0 });
    sim.send(GET());
    answer(sim);
    expect(compact(sim)).toBe(true);
    sim.session.abort("transport-error", clock.now);
    sim.run();
    expect(sim.closed).toBe(true);
    expect(sim.session.state).toBe("closed");
    expect(events(sim).at(-1)).toBe("close transport-error");
  });

  it("RFC 9112 §9.3.2: pipelined requests arriving at the very moment of compaction are all read", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 0 });
    sim.send(GET("/0"));
    answer(sim);
    expect(compact(sim)).toBe(true);
    sim.send(GET("/a") + GET("/b").slice(0, 10)); // same instant, the second one cut
    sim.send(GET("/b").slice(10));
    answer(sim);
    answer(sim);
    expect(events(sim).filter((e) => e.startsWith("request"))).toEqual([
      "request 1 GET /0",
      "request 2 GET /a",
      "request 3 GET /b",
    ]);
    expect(sim.session.requestsAnswered).toBe(3);
  });

  it("is not compacted while anything is in hand", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: 0 });
    sim.send(GET("/p").slice(0, 8)); // part of a head
    expect(compact(sim)).toBe(false);
    sim.send(GET("/p").slice(8));
    expect(compact(sim)).toBe(false); // a request owed
    sim.session.respond({ status: 200 }, clock.now, { bodyLength: null });
    sim.run();
    expect(compact(sim)).toBe(false); // a body being sent
    sim.session.sendEnd(clock.now);
    sim.autoFlush = false;
    sim.run();
    expect(compact(sim)).toBe(false); // writes not flushed
    sim.flush();
    expect(compact(sim)).toBe(true);
  });

  it("compactIdleAfterMs: Infinity never compacts", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { compactIdleAfterMs: Number.POSITIVE_INFINITY });
    expect(sim.session.compactAt()).toBeNull();
    advance(clock, 1000);
    expect(compact(sim)).toBe(false);
  });

  it("refuses a negative compactIdleAfterMs", () => {
    expect(() => new ServerSession(1, 0, { compactIdleAfterMs: -1 })).toThrow(UsageError);
  });
});

/** Requests and fragments a client might send. */
const CHUNKS = [
  GET("/"),
  GET("/x"),
  "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  "GET /10 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  ...BODIES_AND_FRAGMENTS,
];

const op = scriptOp(CHUNKS, { tick: 4, flush: 2, compact: false });

function step(sim: SimSocket, policy: ServerPolicy, o: ScriptOp): string {
  return playOp(sim, o, (now) => policy.shutdown(now));
}

describe("ServerSession: idle compaction is invisible (differential)", () => {
  it("RFC 9112 §9.3, §9.5, §9.6: a session compacted whenever it may be behaves exactly like one never compacted", () => {
    let compactions = 0;
    let restored = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.boolean(), (ops, withLimits) => {
        const options: ServerSessionOptions = {
          keepAliveTimeoutMs: 5000,
          headersTimeoutMs: 10_000,
          maxPipelinedRequests: 2,
          ...(withLimits ? { maxRequestsPerConnection: 3, advertiseKeepAlive: true } : {}),
        };
        const make = (compactIdleAfterMs: number) => {
          const clock = new VirtualClock();
          const policy = new ServerPolicy({ ...options, compactIdleAfterMs });
          const accepted = policy.accept("192.0.2.1", clock.now);
          if (!accepted.accept) throw new Error("refused");
          const sim = new SimSocket(accepted.session, clock);
          sim.autoFlush = false;
          return { sim, policy };
        };
        const plain = make(Number.POSITIVE_INFINITY);
        const compacting = make(0);
        for (const o of ops) {
          if (compacting.sim.session.compacted) restored++;
          const a = step(plain.sim, plain.policy, o);
          const b = step(compacting.sim, compacting.policy, o);
          if (compacting.sim.session.compact(compacting.sim.clock.now)) compactions++;
          compacting.sim.run();
          expect(b).toBe(a);
          expect(sessionFacts(compacting.sim.session)).toEqual(sessionFacts(plain.sim.session));
          expect(actionLines(compacting.sim.log)).toEqual(actionLines(plain.sim.log));
          expect(events(compacting.sim)).toEqual(events(plain.sim));
          expect(compacting.policy.connections).toBe(plain.policy.connections);
        }
      }),
      { numRuns: 400 },
    );
    // The runs did compact, and went on from there.
    expect(compactions).toBeGreaterThan(100);
    expect(restored).toBeGreaterThan(100);
  });
});
