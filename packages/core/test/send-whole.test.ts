/**
 * `ConnectionBase.sendWhole`: a whole body of the announced length goes out
 * as it is and ends the message; anything else is left to sendData/sendEnd,
 * which frame it or refuse it exactly as before.
 */
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { ServerConnection } from "../src/server-connection.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");

/** A server connection with one request read, waiting for its answer. */
function waiting(): ServerConnection {
  const conn = new ServerConnection();
  conn.receive(enc.encode("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
  for (let ev = conn.nextEvent(); ev !== null && ev.type !== "end"; ev = conn.nextEvent()) {}
  return conn;
}

describe("ServerConnection.sendWhole", () => {
  it("RFC 9112 §6.2: a body of exactly the Content-Length ends the message; the next request follows", () => {
    const conn = waiting();
    const head = conn.respond({ status: 200 }, { bodyLength: 2 });
    expect(dec.decode(head)).toContain("Content-Length: 2\r\n");
    expect(conn.sendWhole(enc.encode("ok"))).toBe(true);
    expect(conn.writerState).toBe("idle");
    expect(conn.requestsAnswered).toBe(1);
    expect(conn.nextEvent()?.type).toBe("request");
  });

  it("RFC 9112 §6.2: an empty body with Content-Length: 0 ends the message", () => {
    const conn = waiting();
    conn.respond({ status: 200 }, { bodyLength: 0 });
    expect(conn.sendWhole(new Uint8Array(0))).toBe(true);
    expect(conn.requestsAnswered).toBe(1);
  });

  it("RFC 9112 §6.2: a body longer or shorter than announced is left alone, and sendData/sendEnd refuse it", () => {
    const conn = waiting();
    conn.respond({ status: 200 }, { bodyLength: 3 });
    expect(conn.sendWhole(enc.encode("ok"))).toBe(false);
    expect(conn.sendWhole(enc.encode("okay"))).toBe(false);
    expect(conn.writerState).toBe("body");
    expect(() => conn.sendData(enc.encode("okay"))).toThrow(UsageError);
    conn.sendData(enc.encode("ok"));
    expect(() => conn.sendEnd()).toThrow(UsageError);
    conn.sendData(enc.encode("!"));
    conn.sendEnd();
    expect(conn.requestsAnswered).toBe(1);
  });

  it("RFC 9112 §7.1: a chunked body is never sent whole (it must be chunk-coded)", () => {
    const conn = waiting();
    conn.respond({ status: 200 }, { bodyLength: null });
    expect(conn.sendWhole(enc.encode("ok"))).toBe(false);
    const wire = conn
      .sendData(enc.encode("ok"))
      .map((b) => dec.decode(b))
      .join("");
    expect(wire).toBe("2\r\nok\r\n");
  });

  it("is refused once part of the body was sent, and between messages", () => {
    const conn = waiting();
    expect(conn.sendWhole(enc.encode("ok"))).toBe(false);
    conn.respond({ status: 200 }, { bodyLength: 4 });
    conn.sendData(enc.encode("ok"));
    expect(conn.sendWhole(enc.encode("ok"))).toBe(false);
    conn.sendData(enc.encode("ok"));
    conn.sendEnd();
    expect(conn.sendWhole(enc.encode("ok"))).toBe(false);
  });
});
