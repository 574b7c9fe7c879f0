import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { ServerSession } from "../src/server-session.ts";
import type { ServerSessionOptions } from "../src/server-session-options.ts";
import { advance, answer, bytes, GET, SimSocket, types, VirtualClock } from "./server-harness.ts";

let nextSocket = 1;
/** A session accepted at the clock's current time, behind a simulated socket. */
function open(clock: VirtualClock, options?: ServerSessionOptions): SimSocket {
  return new SimSocket(new ServerSession(nextSocket++, clock.now, options), clock);
}

/** The request events' targets so far. */
const targets = (sim: SimSocket) =>
  sim.events.flatMap((e) => (e.type === "request" ? [e.head.target] : []));

describe("ServerSession: maximum requests per connection", () => {
  it("RFC 9112 §9.6: max requests — the last allowed response says Connection: close, then a graceful close", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { maxRequestsPerConnection: 2 });
    sim.send(GET("/1"));
    answer(sim);
    expect(sim.read()).not.toContain("Connection: close");
    sim.send(GET("/2") + GET("/3"));
    expect(targets(sim)).toEqual(["/1", "/2"]);
    answer(sim);
    expect(sim.read()).toContain("\r\nConnection: close\r\n");
    expect(sim.session.closeReason).toBe("max-requests");
    // Half-close first; the unread "/3" was already read from the socket, so no reset.
    expect(sim.count("shutdown-write")).toBe(1);
    expect(sim.closed).toBe(false);
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(sim.reset).toBe(false);
    expect(sim.session.nextDeadline()).toBeNull();
  });
});

describe("ServerSession: keep-alive idle timeout (RFC 9112 §9.5)", () => {
  it("RFC 9112 §9.5: the idle timeout fires on an idle connection and closes gracefully, without a response", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { keepAliveTimeoutMs: 5000 });
    sim.send(GET());
    answer(sim);
    sim.read();
    advance(clock, 4999);
    expect(sim.session.state).toBe("open");
    advance(clock, 1);
    expect(sim.session.closeReason).toBe("idle-timeout");
    expect(sim.count("write")).toBe(1); // the one response, nothing more
    expect(sim.log.at(-1)?.type).toBe("shutdown-write");
    expect(sim.session.state).toBe("closing");
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(types(sim).at(-1)).toBe("close");
  });

  it("RFC 9112 §9.5: a fresh connection that sends nothing is closed by the idle timeout", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    advance(clock, 5000);
    expect(sim.finSent).toBe(true);
    expect(sim.count("write")).toBe(0);
  });

  it("the idle timer starts when the last response has been flushed, not when it was handed over", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { keepAliveTimeoutMs: 1000 });
    sim.autoFlush = false;
    sim.send(GET());
    answer(sim);
    advance(clock, 10_000); // a slow reader: the response is still in our buffer
    expect(sim.session.state).toBe("open");
    sim.flush();
    advance(clock, 999);
    expect(sim.session.state).toBe("open");
    advance(clock, 1);
    expect(sim.session.state).toBe("closing");
  });

  it("the idle timer does not run while a response is owed", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { keepAliveTimeoutMs: 1000 });
    sim.send(GET());
    advance(clock, 60_000);
    expect(sim.session.state).toBe("open");
    expect(sim.session.nextDeadline()).toBeNull();
    answer(sim);
    expect(sim.session.nextDeadline()).toBe(61_000);
  });
});

describe("ServerSession: Keep-Alive advertised", () => {
  it("Keep-Alive: timeout= is advertised on persistent responses when asked (RFC 2068 §19.7.1.1)", () => {
    const clock = new VirtualClock();
    const sim = open(clock, {
      keepAliveTimeoutMs: 7500,
      advertiseKeepAlive: true,
      maxRequestsPerConnection: 10,
    });
    sim.send(GET());
    answer(sim);
    expect(sim.read()).toContain("\r\nKeep-Alive: timeout=7, max=9\r\n");
  });

  it("Keep-Alive is not sent by default, nor on the last response", () => {
    const clock = new VirtualClock();
    const plain = open(clock);
    plain.send(GET());
    answer(plain);
    expect(plain.read()).not.toContain("Keep-Alive");
    const last = open(clock, { advertiseKeepAlive: true });
    last.send(GET("/", "Connection: close\r\n"));
    answer(last);
    expect(last.read()).not.toContain("Keep-Alive");
  });
});

describe("ServerSession: header-read timeout (slow headers)", () => {
  it("RFC 9110 §15.5.9: slow headers get 408 and a graceful close while another session keeps serving", () => {
    const clock = new VirtualClock();
    const slow = open(clock, { headersTimeoutMs: 30_000 });
    const fast = open(clock, { headersTimeoutMs: 30_000 });
    const head = GET("/slow", "X-A: 1\r\nX-B: 2\r\n");
    let served = 0;
    // Slowloris: one octet every 4 s keeps clear of the idle timeout, never of the head timeout.
    for (let i = 0; i < head.length - 1 && slow.session.state === "open"; i++) {
      slow.send(head.charAt(i));
      fast.send(GET(`/fast${i}`));
      answer(fast);
      served++;
      advance(clock, 4000);
    }
    expect(clock.now).toBe(32_000);
    const wire = slow.read();
    expect(wire.startsWith("HTTP/1.1 408 Request Timeout\r\n")).toBe(true);
    expect(wire).toContain("\r\nConnection: close\r\n");
    expect(wire.endsWith("\r\n\r\n408 Request Timeout\n")).toBe(true);
    expect(slow.session.closeReason).toBe("read-timeout");
    expect(slow.count("shutdown-write")).toBe(1);
    expect(targets(slow)).toEqual([]);
    expect(fast.session.state).toBe("open");
    expect(fast.session.requestsAnswered).toBe(served);
  });

  it("the head timer runs from the first octet of the head, not from the connection's start", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { headersTimeoutMs: 10_000 });
    advance(clock, 4000);
    sim.send("GET / HT");
    expect(sim.session.nextDeadline()).toBe(14_000);
    advance(clock, 9999);
    expect(sim.session.state).toBe("open");
    advance(clock, 1);
    expect(sim.read()).toContain("408 Request Timeout");
  });

  it("a complete head stops the head timer", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { headersTimeoutMs: 1000 });
    sim.send("GET / HTTP/1.1\r\n");
    advance(clock, 900);
    sim.send("Host: a\r\n\r\n");
    advance(clock, 60_000);
    expect(targets(sim)).toEqual(["/"]);
    expect(sim.session.state).toBe("open");
  });

  it("RFC 9110 §15.5.9: a head timing out behind owed responses gets no 408; the owed ones finish with close", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { headersTimeoutMs: 1000 });
    sim.send(`${GET("/1")}GET /2 HTTP/1.1\r\n`);
    advance(clock, 1000);
    expect(sim.session.connectionState).toBe("closing");
    expect(sim.read()).toBe("");
    answer(sim);
    const wire = sim.read();
    expect(wire.startsWith("HTTP/1.1 200 OK\r\n")).toBe(true);
    expect(wire).toContain("Connection: close");
    expect(wire).not.toContain("408");
    expect(sim.finSent).toBe(true);
  });
});

describe("ServerSession: pipelining and read back-pressure (RFC 9112 §9.3.2)", () => {
  it("RFC 9112 §9.3.2: pipelined requests are read ahead up to the limit and answered in order", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { maxPipelinedRequests: 2 });
    sim.send(GET("/1") + GET("/2") + GET("/3"));
    expect(targets(sim)).toEqual(["/1", "/2"]);
    expect(sim.paused).toBe(true);
    // The head timer does not run against the client while we hold its bytes.
    advance(clock, 60_000);
    expect(sim.session.state).toBe("open");
    answer(sim, "one");
    expect(targets(sim)).toEqual(["/1", "/2", "/3"]);
    answer(sim, "two");
    expect(sim.paused).toBe(false);
    answer(sim, "three");
    const wire = sim.read();
    expect(wire.indexOf("one")).toBeLessThan(wire.indexOf("two"));
    expect(wire.indexOf("two")).toBeLessThan(wire.indexOf("three"));
  });

  it("reading pauses while the application has not taken too much body data, and resumes when it does", () => {
    const session = new ServerSession(nextSocket++, 0, { maxBufferedBytes: 1000 });
    session.received(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"), 0);
    session.received(new Uint8Array(600), 1);
    expect(session.takeActions()).toEqual([]);
    session.received(new Uint8Array(600), 2);
    expect(session.takeActions()).toEqual([{ type: "pause-read", socket: session.socket }]);
    expect(session.buffered).toBe(1200);
    const evs = session.takeEvents();
    expect(evs.filter((e) => e.type === "data")).toHaveLength(2);
    expect(session.takeActions()).toEqual([{ type: "resume-read", socket: session.socket }]);
  });

  it("persistence ended: no further request is read, so reading pauses until the close", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(GET("/1", "Connection: close\r\n"));
    expect(sim.paused).toBe(true);
    sim.send(GET("/2"));
    answer(sim);
    // The close resumes reading to discard what the client sent (RFC 9112 §9.6).
    expect(sim.paused).toBe(false);
    expect(targets(sim)).toEqual(["/1"]);
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(sim.reset).toBe(false);
  });
});

describe("ServerSession: half-closed clients and error responses (RFC 9112 §9.6)", () => {
  it("RFC 9112 §9.6: a half-closed client still gets its full response", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(GET("/big")).fin();
    expect(types(sim)).toEqual(["request", "end", "peer-closed"]);
    const s = sim.session;
    s.respond({ status: 200 }, clock.now, { bodyLength: null });
    for (let i = 0; i < 5; i++) {
      advance(clock, 1000);
      s.sendData(bytes(`part${i};`), clock.now);
      sim.run();
    }
    s.sendEnd(clock.now);
    sim.run();
    const wire = sim.read();
    expect(wire).toContain("Transfer-Encoding: chunked");
    expect(wire).toContain("Connection: close");
    expect(wire.endsWith("6\r\npart4;\r\n0\r\n\r\n")).toBe(true);
    // The peer already sent its FIN: close at once, cleanly.
    expect(sim.closed).toBe(true);
    expect(sim.reset).toBe(false);
  });

  it("RFC 9112 §9.6: error response then linger, so the response is not destroyed", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { limits: { maxBodyBytes: 1000 } });
    sim.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
    expect(sim.finSent).toBe(true); // 413 written, write side shut
    // The client keeps uploading before it looks at the answer.
    for (let i = 0; i < 10; i++) {
      advance(clock, 10);
      sim.send(new Uint8Array(10_000));
    }
    expect(sim.reset).toBe(false);
    const wire = sim.read();
    expect(wire.startsWith("HTTP/1.1 413 Content Too Large\r\n")).toBe(true);
    expect(wire).toContain("Connection: close");
    sim.fin();
    expect(sim.closed).toBe(true);
    expect(sim.count("close")).toBe(1);
  });

  it("without lingering (lingerMs 0) the same exchange ends in a reset that destroys the response", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { limits: { maxBodyBytes: 1000 }, linger: { lingerMs: 0 } });
    sim.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
    sim.send(new Uint8Array(10_000));
    expect(sim.reset).toBe(true);
    expect(sim.read()).toBe("");
  });

  it("the linger ends at its deadline when the client never closes", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { linger: { lingerMs: 2000 } });
    sim.send("GET / HTTP/1.1\r\n\r\n"); // no Host: 400
    expect(sim.finSent).toBe(true);
    advance(clock, 1999);
    expect(sim.closed).toBe(false);
    advance(clock, 1);
    expect(sim.closed).toBe(true);
  });

  it("the linger ends when the client sends more than the byte budget", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { limits: { maxBodyBytes: 10 }, linger: { lingerBytes: 5000 } });
    sim.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999\r\n\r\n");
    sim.send(new Uint8Array(5000));
    expect(sim.closed).toBe(false);
    sim.send(new Uint8Array(1));
    expect(sim.closed).toBe(true);
  });

  it.each([
    ["400", "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", "400 Bad Request"],
    ["414", `GET /${"a".repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`, "414 URI Too Long"],
    [
      "431",
      `GET / HTTP/1.1\r\nHost: a\r\nX: ${"b".repeat(9000)}\r\n\r\n`,
      "431 Request Header Fields Too Large",
    ],
    [
      "501",
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo, chunked\r\n\r\n",
      "501 Not Implemented",
    ],
    ["505", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "505 HTTP Version Not Supported"],
  ])(
    "RFC 9112 §9.6: a protocol error gets a minimal %s response, then a graceful close",
    (_, input, line) => {
      const clock = new VirtualClock();
      const sim = open(clock);
      sim.send(input);
      const wire = sim.read();
      expect(wire.startsWith(`HTTP/1.1 ${line}\r\n`)).toBe(true);
      expect(wire).toContain("\r\nConnection: close\r\n");
      expect(wire).toContain("Content-Type: text/plain");
      expect(wire.endsWith(`\r\n\r\n${line}\n`)).toBe(true);
      expect(sim.log.at(-1)?.type).toBe("shutdown-write");
      expect(types(sim)).toEqual(["error", "close"]);
    },
  );

  it("RFC 9112 §9.3.2: a protocol error after pipelined requests is answered after theirs", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(`${GET("/1")}GET / HTTP/1.1\r\nBad Name: x\r\n\r\n`);
    expect(sim.read()).toBe("");
    answer(sim, "first");
    const wire = sim.read();
    expect(wire.indexOf("first")).toBeLessThan(wire.indexOf("400 Bad Request"));
    expect(sim.finSent).toBe(true);
  });

  it("errorResponses app: the application answers the error with respondToError(id)", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { errorResponses: "app" });
    sim.send(`${GET("/1")}GET / HTTP/1.1\r\nBad Name: x\r\n\r\n`);
    const err = sim.events.find((e) => e.type === "error");
    if (err?.type !== "error") throw new Error("no error event");
    expect(() => sim.session.respondToError(err.id, clock.now)).toThrow(UsageError);
    expect(() => sim.session.respondToError(1, clock.now)).toThrow(UsageError);
    answer(sim);
    expect(sim.finSent).toBe(false);
    sim.session.respondToError(err.id, clock.now);
    sim.run();
    expect(sim.read()).toContain("HTTP/1.1 400 Bad Request\r\n");
    expect(sim.finSent).toBe(true);
  });
});

describe("ServerSession: other timeouts, aborts and usage", () => {
  it("bodyTimeoutMs: a stalled request body drops the connection gracefully and tells the application", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { bodyTimeoutMs: 3000 });
    sim.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
    advance(clock, 2999);
    sim.send("de"); // progress restarts the timer
    advance(clock, 2999);
    expect(sim.session.state).toBe("open");
    advance(clock, 1);
    expect(sim.events.at(-1)).toEqual({ type: "close", reason: "read-timeout" });
    expect(sim.finSent).toBe(true);
    expect(() => sim.session.respond({ status: 200 }, clock.now)).toThrow(UsageError);
  });

  it("RFC 9110 §10.1.1: the body timer does not run while the client waits for our 100 Continue", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { bodyTimeoutMs: 1000 });
    sim.send("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    advance(clock, 10_000);
    expect(sim.session.state).toBe("open");
    sim.session.sendInformational(100, clock.now);
    sim.run();
    expect(sim.read()).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    expect(sim.session.nextDeadline()).toBe(11_000);
    sim.send("abc");
    expect(types(sim)).toEqual(["request", "data", "end"]);
  });

  it("usage: a refused end (body shorter than announced) leaves the response open to be completed", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(GET());
    const s = sim.session;
    s.respond({ status: 200 }, clock.now, { bodyLength: 3 });
    expect(() => s.sendEnd(clock.now)).toThrow(UsageError);
    s.sendData(bytes("abc"), clock.now);
    s.sendEnd(clock.now);
    sim.run();
    expect(sim.read().endsWith("\r\n\r\nabc")).toBe(true);
    expect(s.requestsAnswered).toBe(1);
  });

  it("a client that never reads: the graceful close gives up at the drain deadline", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { linger: { drainTimeoutMs: 30_000 } });
    sim.autoFlush = false;
    sim.send(GET("/", "Connection: close\r\n"));
    answer(sim);
    expect(sim.session.closeState).toBe("draining-writes");
    expect(sim.finSent).toBe(false);
    advance(clock, 30_000);
    expect(sim.closed).toBe(true);
  });

  it("a transport error closes at once, without lingering, and the application gets a close event", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(GET());
    sim.session.abort("transport-error", clock.now);
    sim.run();
    expect(sim.log.map((a) => a.type)).toEqual(["close"]);
    expect(sim.events.at(-1)).toEqual({ type: "close", reason: "transport-error" });
    expect(sim.session.state).toBe("closed");
    expect(sim.session.nextDeadline()).toBeNull();
  });

  it("shutdown: an idle session closes at once; a busy one finishes with Connection: close", () => {
    const clock = new VirtualClock();
    const idle = open(clock);
    idle.session.shutdown(clock.now);
    idle.run();
    expect(idle.finSent).toBe(true);
    const busy = open(clock);
    busy.send(GET());
    busy.session.shutdown(clock.now);
    busy.run();
    expect(busy.finSent).toBe(false);
    answer(busy);
    expect(busy.read()).toContain("Connection: close");
    expect(busy.finSent).toBe(true);
  });

  it("shutdown while a head is arriving: the request is read and answered with close", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send("GET /late HTTP/1.1\r\n");
    sim.session.shutdown(clock.now);
    sim.run();
    sim.send("Host: a\r\n\r\n");
    expect(targets(sim)).toEqual(["/late"]);
    answer(sim);
    expect(sim.read()).toContain("Connection: close");
    expect(sim.session.closeReason).toBe("shutdown");
  });

  it("RFC 9110 §7.8: after a 101 the socket is handed over: no timers, no close, released by the app", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\nRAW");
    sim.session.respond(
      {
        status: 101,
        fields: [
          ["Upgrade", "x"],
          ["Connection", "upgrade"],
        ],
      },
      clock.now,
    );
    sim.run();
    expect(sim.session.state).toBe("switched");
    expect(sim.session.nextDeadline()).toBeNull();
    expect(new TextDecoder().decode(sim.session.takeRest())).toBe("RAW");
    advance(clock, 1e6);
    expect(sim.closed).toBe(false);
    sim.session.release();
    expect(sim.session.state).toBe("closed");
    expect(sim.count("close")).toBe(0);
  });

  it("usage: nothing can be sent once the close has begun", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(GET("/", "Connection: close\r\n"));
    answer(sim);
    expect(() => sim.session.respond({ status: 200 }, clock.now)).toThrow(UsageError);
    expect(() => sim.session.sendData(bytes("x"), clock.now)).toThrow(UsageError);
    expect(() => sim.session.sendEnd(clock.now)).toThrow(UsageError);
  });

  it("usage: bytes after the close are discarded; late input after closed is ignored", () => {
    const session = new ServerSession(nextSocket++, 0);
    session.abort("aborted", 0);
    expect(() => session.received(bytes(GET()), 1)).not.toThrow();
    expect(() => session.peerEnded(1)).not.toThrow();
    expect(() => session.tick(1e9)).not.toThrow();
    expect(session.takeActions()).toEqual([{ type: "close", socket: session.socket }]);
  });
});
