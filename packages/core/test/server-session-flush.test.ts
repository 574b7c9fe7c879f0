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
import { UsageError } from "../src/errors.ts";
import { ServerSession } from "../src/server-session.ts";
import type { ServerSessionOptions } from "../src/server-session-options.ts";
import type { SocketAction } from "../src/socket-actions.ts";
import { advance, answer, eventLine, GET, SimSocket, VirtualClock } from "./server-harness.ts";

const dec = new TextDecoder("latin1");

/** The session as it was before the lighter flush: a full settle after every `writable`. */
class SettlesFully extends ServerSession {
  override writable(now: number): void {
    if (this.finished) return;
    this.restore();
    this.actions.push(this.closer.writesFlushed(now));
    this.settle(now);
  }
}

/** What an observer sees of a session: its getters. */
function facts(s: ServerSession): unknown[] {
  return [
    s.state,
    s.connectionState,
    s.closeReason,
    s.closeState,
    s.pendingResponses,
    s.requestsAnswered,
    s.buffered,
    s.sendingBody,
    s.readPaused,
    s.nextDeadline(),
    s.compactAt(),
    s.actionsWaiting,
  ];
}

/** Actions without the socket id (the two sessions compared have different ids). */
function actions(log: readonly SocketAction[]): string[] {
  return log.map((a) =>
    a.type === "write" ? `write ${a.data.map((d) => dec.decode(d)).join("")}` : a.type,
  );
}

const CHUNKS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n",
  "GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
  "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel",
  "lo",
  "POST /e HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
  "xyz",
  "GET / HTT",
  "P/1.1\r\nHost: a\r\n\r\n",
  "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
  "\r\n",
];

type Op =
  | { k: "send"; chunk: string }
  | { k: "fin" }
  | { k: "tick"; ms: number }
  | { k: "flush" }
  | { k: "answer"; length: number | null }
  | { k: "end" }
  | { k: "info" }
  | { k: "shutdown" }
  | { k: "abort" }
  | { k: "compact" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...CHUNKS).map((chunk) => ({ k: "send", chunk }) as const),
  },
  fc.constant({ k: "fin" } as const),
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(0, 1, 50, 999, 1000, 4999, 5000, 20_000)
      .map((ms) => ({ k: "tick", ms }) as const),
  },
  { weight: 5, arbitrary: fc.constant({ k: "flush" } as const) },
  {
    weight: 4,
    arbitrary: fc
      .option(fc.nat(4), { nil: null })
      .map((length) => ({ k: "answer", length }) as const),
  },
  { weight: 2, arbitrary: fc.constant({ k: "end" } as const) },
  fc.constant({ k: "info" } as const),
  fc.constant({ k: "shutdown" } as const),
  fc.constant({ k: "abort" } as const),
  fc.constant({ k: "compact" } as const),
);

/** Runs an application call; only a UsageError may come out (reported as "refused"). */
function app(call: () => void): string {
  try {
    call();
    return "ok";
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return `refused ${e.code}`;
  }
}

function step(sim: SimSocket, o: Op): string {
  const s = sim.session;
  const now = sim.clock.now;
  let outcome = "";
  switch (o.k) {
    case "send":
      if (!sim.closed && !sim.finSent) sim.send(o.chunk);
      break;
    case "fin":
      if (!sim.closed) sim.fin();
      break;
    case "tick":
      advance(sim.clock, o.ms);
      break;
    case "flush":
      if (!sim.closed) sim.flush();
      break;
    case "answer":
      outcome = app(() =>
        s.respond({ status: 200 }, now, {
          bodyLength: o.length,
          ...(o.length === null ? {} : { body: new Uint8Array(o.length) }),
        }),
      );
      break;
    case "end":
      outcome = app(() => s.sendEnd(now));
      break;
    case "info":
      outcome = app(() => s.sendInformational(100, now));
      break;
    case "shutdown":
      s.shutdown(now);
      break;
    case "abort":
      s.abort("aborted", now);
      break;
    case "compact":
      outcome = String(s.compact(now));
      break;
  }
  sim.run();
  return outcome;
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
            expect(actions(light.log)).toEqual(actions(full.log));
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
