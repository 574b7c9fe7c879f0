/**
 * A protocol error inside a request body (bad chunk syntax, RFC 9112 §7.1;
 * a body cut short by FIN, §8; a body over the size limit, RFC 9110
 * §15.5.14) belongs to the exchange whose body was being read: the error
 * event carries that exchange's id, and the exchange gets exactly one
 * answer — the error's status if its response had not started, else the
 * response already under way — after which the connection closes
 * gracefully (RFC 9112 §9.6).
 */
import { describe, expect, it } from "vitest";
import type { ServerEvent } from "../src/connection-events.ts";
import { ProtocolError, UsageError } from "../src/errors.ts";
import { ServerConnection } from "../src/server-connection.ts";
import { ServerSession } from "../src/server-session.ts";
import type { ServerSessionOptions } from "../src/server-session-options.ts";
import { answer, bytes, GET, SimSocket, VirtualClock } from "./server-harness.ts";

let nextSocket = 1;
function open(clock: VirtualClock, options?: ServerSessionOptions): SimSocket {
  return new SimSocket(new ServerSession(nextSocket++, clock.now, options), clock);
}

function drain(conn: ServerConnection): ServerEvent[] {
  const out: ServerEvent[] = [];
  for (let ev = conn.nextEvent(); ev !== null; ev = conn.nextEvent()) out.push(ev);
  return out;
}

const CHUNKED_POST = "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
/** Responses on the wire: status lines counted. */
const statusLines = (wire: string) => wire.match(/HTTP\/1\.1 \d{3} /g) ?? [];

describe("ServerConnection: a protocol error in a request body", () => {
  it("RFC 9112 §7.1: a bad chunk size mid-body is an error of the exchange being read", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(`${CHUNKED_POST}3\r\nabc\r\nzz\r\n`));
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["request", "data", "error"]);
    const [req, , err] = evs;
    expect(err?.type === "error" && err.error).toBeInstanceOf(ProtocolError);
    expect(err?.type === "error" && err.error.status).toBe(400);
    expect(err?.type === "error" ? err.id : 0).toBe(req?.type === "request" ? req.id : -1);
    expect(conn.pendingResponses).toBe(1);
    expect(conn.readingBody).toBe(false);
    expect(conn.closeReason).toBe("protocol-error");
  });

  it("RFC 9112 §9.6: the exchange whose body failed is answered once, with Connection: close", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(`${CHUNKED_POST}3\r\nabc\r\nzz\r\n`));
    drain(conn);
    const head = new TextDecoder().decode(conn.respond({ status: 400 }, { bodyLength: 0 }));
    expect(head).toContain("Connection: close");
    conn.sendEnd();
    expect(conn.state).toBe("must-close");
    expect(() => conn.respond({ status: 200 }, { bodyLength: 0 })).toThrow(UsageError);
  });

  it("RFC 9112 §9.6: a body error after that exchange was answered in full owes nothing: the connection must close", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab`));
    drain(conn);
    conn.respond({ status: 200 }, { bodyLength: 0 });
    conn.sendEnd();
    expect(conn.state).toBe("open");
    conn.receiveEnd(); // RFC 9112 §8: FIN before the 10 octets: incomplete
    const evs = drain(conn);
    expect(evs.map((e) => e.type)).toEqual(["error"]);
    const [err] = evs;
    expect(err?.type === "error" ? err.id : 0).toBe(1);
    expect(conn.pendingResponses).toBe(0);
    expect(conn.state).toBe("must-close");
  });

  it("RFC 9112 §9.6: a head error still makes an exchange of its own, after the earlier ones", () => {
    const conn = new ServerConnection();
    conn.receive(bytes(`${GET("/1")}GET / HTTP/1.1\r\nBad Name: x\r\n\r\n`));
    const evs = drain(conn);
    expect(evs.map((e) => [e.type, e.type === "peer-closed" ? 0 : e.id])).toEqual([
      ["request", 1],
      ["end", 1],
      ["error", 2],
    ]);
  });
});

describe("ServerSession: a protocol error in a request body", () => {
  it("RFC 9110 §15.5.1 / RFC 9112 §7.1: a bad chunk size mid-body gets one 400, then a graceful close", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(`${CHUNKED_POST}3\r\nabc\r\nzz\r\n`);
    const wire = sim.read();
    expect(statusLines(wire)).toEqual(["HTTP/1.1 400 "]);
    expect(wire).toContain("\r\nConnection: close\r\n");
    expect(sim.finSent).toBe(true);
    const ids = sim.events.flatMap((e) =>
      e.type === "request" || e.type === "error" ? [e.id] : [],
    );
    expect(ids).toEqual([1, 1]);
    // The application, told of the error, tries to answer: refused, nothing more is written.
    expect(() => answer(sim)).toThrow(UsageError);
    expect(sim.read()).toBe("");
  });

  it("RFC 9110 §15.5.14: a chunked body over maxBodyBytes gets one 413 for its own exchange", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { limits: { maxBodyBytes: 4 } });
    sim.send(`${CHUNKED_POST}3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n`);
    expect(statusLines(sim.read())).toEqual(["HTTP/1.1 413 "]);
    const err = sim.events.find((e) => e.type === "error");
    expect(err?.type === "error" ? err.id : 0).toBe(1);
  });

  it("RFC 9112 §9.6: a body error after the response started ends the connection after that response, with no second answer", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(`${CHUNKED_POST}3\r\nabc\r\n`);
    const s = sim.session;
    s.respond({ status: 200 }, clock.now, { bodyLength: null });
    s.sendData(bytes("echo"), clock.now);
    sim.run();
    sim.send("zz\r\n");
    expect(sim.events.some((e) => e.type === "error" && e.id === 1)).toBe(true);
    expect(sim.finSent).toBe(false);
    s.sendEnd(clock.now);
    sim.run();
    const wire = sim.read();
    expect(statusLines(wire)).toEqual(["HTTP/1.1 200 "]);
    expect(sim.finSent).toBe(true);
  });

  it("RFC 9112 §9.3.2: a body error behind a pipelined request is answered after its response", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send(`${GET("/1")}${CHUNKED_POST}zz\r\n`);
    expect(sim.read()).toBe("");
    answer(sim, "first");
    const wire = sim.read();
    expect(statusLines(wire)).toEqual(["HTTP/1.1 200 ", "HTTP/1.1 400 "]);
    expect(sim.finSent).toBe(true);
  });

  it("RFC 9112 §6.3 item 1: a HEAD request whose body breaks the protocol gets the error head alone", () => {
    const clock = new VirtualClock();
    const sim = open(clock);
    sim.send("HEAD / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    const wire = sim.read();
    expect(statusLines(wire)).toEqual(["HTTP/1.1 400 "]);
    expect(wire.endsWith("\r\n\r\n")).toBe(true);
    expect(sim.finSent).toBe(true);
  });

  it("errorResponses app: the application answers a body error once, through the failed exchange's id", () => {
    const clock = new VirtualClock();
    const sim = open(clock, { errorResponses: "app" });
    sim.send(`${CHUNKED_POST}3\r\nabc\r\nzz\r\n`);
    const err = sim.events.find((e) => e.type === "error");
    if (err?.type !== "error") throw new Error("no error event");
    expect(err.id).toBe(1);
    sim.session.respondToError(err.id, clock.now);
    sim.run();
    expect(statusLines(sim.read())).toEqual(["HTTP/1.1 400 "]);
    expect(() => answer(sim)).toThrow(UsageError);
    expect(sim.finSent).toBe(true);
  });
});
