/**
 * A flush while the connection and its close are open (`writable`,
 * server-session.ts) settles only the timers and the read flow, not the
 * whole session: nothing else can have changed since the call before it
 * settled. These tests compare with a session that settles fully after
 * every flush, as every other call does, over random scripts of socket
 * happenings, application answers and time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerSession } from "../src/server-session.ts";
import type { ServerSessionOptions } from "../src/server-session-options.ts";
import { advance, answer, eventLine, GET, SimSocket, VirtualClock } from "./server-harness.ts";
import {
  actionLines,
  BODIES_AND_FRAGMENTS,
  playOp,
  type ScriptOp,
  scriptOp,
  sessionFacts,
} from "./session-script.ts";

/** The session as it was before the lighter flush: a full settle after every `writable`. */
class SettlesFully extends ServerSession {
  override writable(now: number): void {
    if (this.finished) return;
    this.restore();
    this.actions.push(this.closer.writesFlushed(now));
    this.settle(now);
  }
}

/** What an observer sees of a session: its getters, with its compaction time and waiting actions. */
function facts(s: ServerSession): unknown[] {
  return [...sessionFacts(s), s.compactAt(), s.actionsWaiting];
}

const CHUNKS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  ...BODIES_AND_FRAGMENTS,
];

const op = scriptOp(CHUNKS, { tick: 3, flush: 5, compact: true });

function step(sim: SimSocket, o: ScriptOp): string {
  return playOp(sim, o, (now) => sim.session.shutdown(now));
}

function open(make: typeof ServerSession, options: ServerSessionOptions, autoFlush: boolean) {
  const clock = new VirtualClock();
  const sim = new SimSocket(new make(1, clock.now, options), clock);
  sim.autoFlush = autoFlush;
  return sim;
}

describe("ServerSession: a flush while open settles only timers and read flow (differential)", () => {
  it("RFC 9112 §9.3, §9.5, §9.6: behaves exactly like a session that settles fully after every flush", () => {
    let lightFlushes = 0;
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        (ops, withLimits, autoFlush) => {
          const options: ServerSessionOptions = {
            keepAliveTimeoutMs: 5000,
            headersTimeoutMs: 10_000,
            bodyTimeoutMs: 3000,
            maxPipelinedRequests: 2,
            maxBufferedBytes: 8,
            compactIdleAfterMs: 1000,
            ...(withLimits ? { maxRequestsPerConnection: 3, advertiseKeepAlive: true } : {}),
          };
          const full = open(SettlesFully, options, autoFlush);
          const light = open(ServerSession, options, autoFlush);
          for (const o of ops) {
            if (o.k === "flush" && light.session.closeState === "open") lightFlushes++;
            expect(step(light, o)).toBe(step(full, o));
            expect(facts(light.session)).toEqual(facts(full.session));
            expect(actionLines(light.log)).toEqual(actionLines(full.log));
            expect(light.events.map(eventLine)).toEqual(full.events.map(eventLine));
            expect(light.peerReceived + light.read()).toBe(full.peerReceived + full.read());
          }
        },
      ),
      { numRuns: 500 },
    );
    expect(lightFlushes).toBeGreaterThan(200);
  });

  it("RFC 9112 §9.5: the idle timer starts at the flush that ends the last write of a keep-alive answer", () => {
    const clock = new VirtualClock();
    const sim = new SimSocket(new ServerSession(1, clock.now, { keepAliveTimeoutMs: 5000 }), clock);
    sim.autoFlush = false;
    sim.send(GET());
    answer(sim);
    expect(sim.session.nextDeadline()).toBeNull(); // the answer is not flushed yet
    advance(clock, 100);
    sim.flush();
    expect(sim.session.nextDeadline()).toBe(5100);
    expect(sim.session.state).toBe("open");
  });

  it("RFC 9112 §9.6: a flush after Connection: close still completes the graceful close", () => {
    const clock = new VirtualClock();
    const sim = new SimSocket(new ServerSession(1, clock.now), clock);
    sim.autoFlush = false;
    sim.send(GET("/", "Connection: close\r\n"));
    answer(sim);
    expect(sim.count("shutdown-write")).toBe(0); // waits for the write to drain
    sim.flush();
    expect(sim.count("shutdown-write")).toBe(1);
  });
});
