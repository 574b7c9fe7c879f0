/**
 * The end of the connection (RFC 9112 §8, §6.3 item 8), protocol switches
 * (RFC 9110 §7.8 Upgrade, §9.3.6 CONNECT), pipelining (RFC 9112 §9.3.2),
 * and the parser's API rules.
 */
import { describe, expect, it } from "vitest";
import { type ProtocolError, UsageError } from "../src/errors.ts";
import { MessageParser } from "../src/parser.ts";
import { bytes, drain, run, type Seen, text } from "./parser-helpers.ts";

const GET = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";

function errorEvent(p: MessageParser): ProtocolError {
  for (let i = 0; i < 100; i++) {
    const ev = p.next();
    if (ev === null) break;
    if (ev.type === "error") return ev.error;
  }
  throw new Error("no error event");
}

describe("end of input (RFC 9112 §8)", () => {
  it("RFC 9112 §9.6: EOF between messages with nothing buffered closes the parser", () => {
    const p = new MessageParser({ kind: "request" });
    p.end();
    expect(p.state).toBe("closed");
    expect(p.next()).toBeNull();
    const r = run("request", GET, { end: true });
    expect(r.events.map((e) => e.type)).toEqual(["request", "end"]);
    expect(r.state).toBe("closed");
  });

  it("RFC 9112 §8: events already buffered still come out after end()", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(GET + GET));
    p.end();
    const events: Seen[] = [];
    drain(p, events);
    expect(events.map((e) => e.type)).toEqual(["request", "end", "request", "end"]);
    expect(p.state).toBe("closed");
  });

  it("RFC 9112 §8: EOF inside a head is INCOMPLETE_MESSAGE", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes("GET / HTTP/1.1\r\nHost: exa"));
    expect(p.next()).toBeNull();
    p.end();
    expect(errorEvent(p).code).toBe("INCOMPLETE_MESSAGE");
    expect(p.state).toBe("error");
  });

  it("RFC 9112 §8: EOF inside a Content-Length body is INCOMPLETE_MESSAGE with the counts", () => {
    const p = new MessageParser({ kind: "response" });
    p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    p.end();
    const error = errorEvent(p);
    expect([error.code, error.expected, error.received]).toEqual(["INCOMPLETE_MESSAGE", 10, 3]);
    expect(error.message).toContain("3 of 10");
  });

  it("RFC 9112 §8: EOF inside a chunked body is INCOMPLETE_MESSAGE with the octets received", () => {
    const p = new MessageParser({ kind: "response" });
    p.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"));
    p.end();
    const error = errorEvent(p);
    expect([error.code, error.received]).toEqual(["INCOMPLETE_MESSAGE", 3]);
  });

  it("RFC 9112 §6.3 item 8: EOF ends a close-delimited body", () => {
    const r = run("response", "HTTP/1.0 200 OK\r\n\r\nall of it", { end: true });
    expect(r.events.slice(1)).toEqual([
      { type: "data", data: "all of it" },
      { type: "end", trailers: null },
    ]);
    expect(r.state).toBe("closed");
  });

  it("feed() after end() is a UsageError; end() twice is harmless", () => {
    const p = new MessageParser({ kind: "request" });
    p.end();
    p.end();
    expect(() => p.feed(bytes(GET))).toThrow(UsageError);
  });

  it("after an error, next() returns null for ever and feed() ignores bytes", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes("BAD\x00 / HTTP/1.1\r\n\r\n"));
    expect(p.next()?.type).toBe("error");
    expect(p.state).toBe("error");
    p.feed(bytes(GET));
    expect(p.next()).toBeNull();
    expect(p.next()).toBeNull();
  });
});

describe("pipelining (RFC 9112 §9.3.2)", () => {
  it("RFC 9112 §9.3.2: pipelined requests in one buffer come out in order", () => {
    const input = `${GET}POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /b HTTP/1.1\r\nHost: b\r\n\r\n`;
    const r = run("request", input);
    expect(r.events.map((e) => (e.type === "request" ? e.target : e.type))).toEqual([
      "/",
      "end",
      "/a",
      "data",
      "end",
      "/b",
      "end",
    ]);
    expect(r.state).toBe("idle");
  });

  it("the caller applies back-pressure: unread messages stay buffered", () => {
    const p = new MessageParser({ kind: "response" });
    p.expectResponse("GET");
    const second = "HTTP/1.1 204 No Content\r\n\r\n";
    p.feed(bytes(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok${second}`));
    expect(p.next()?.type).toBe("response");
    expect(p.buffered).toBe(2 + second.length);
    expect(p.next()?.type).toBe("data");
    expect(p.next()?.type).toBe("end");
    expect(p.buffered).toBe(second.length);
    expect(p.next()?.type).toBe("response");
  });
});

describe("Upgrade and CONNECT on the request side (RFC 9110 §7.8, §9.3.6)", () => {
  const upgrade =
    "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n\r\n";

  it("RFC 9110 §7.8: after a request with Upgrade and Connection: upgrade the parser awaits the switch", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(`${upgrade}\x81\x85frame`));
    expect(p.next()?.type).toBe("request");
    expect(p.next()).toEqual({ type: "end", trailers: null });
    expect(p.state).toBe("awaiting-switch");
    expect(p.next()).toBeNull();
    expect(p.buffered).toBe(7);
    p.feed(bytes("more"));
    expect(text(p.takeRest())).toBe("\x81\x85framemore");
    expect(p.state).toBe("switched");
    expect(p.next()).toBeNull();
    expect(p.takeRest().length).toBe(0);
    expect(() => p.feed(bytes("x"))).toThrow(UsageError);
  });

  it("RFC 9110 §7.8: a refused upgrade resumes HTTP parsing", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(upgrade + GET));
    expect(p.next()?.type).toBe("request");
    expect(p.next()?.type).toBe("end");
    expect(p.state).toBe("awaiting-switch");
    p.resume();
    expect(p.state).toBe("idle");
    const ev = p.next();
    expect(ev?.type === "request" && ev.head.target).toBe("/");
  });

  it("RFC 9110 §7.8: Upgrade without the Connection token, or in HTTP/1.0, does not switch", () => {
    const noToken = run("request", "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n");
    expect(noToken.state).toBe("idle");
    const ten = run(
      "request",
      "GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
    );
    expect(ten.state).toBe("idle");
  });

  it("RFC 9110 §9.3.6: a CONNECT request has no content and awaits the switch", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03"));
    const head = p.next();
    expect(head?.type === "request" && head.framing).toEqual({ kind: "none" });
    expect(p.next()?.type).toBe("end");
    expect(p.state).toBe("awaiting-switch");
    expect(text(p.takeRest())).toBe("\x16\x03");
  });

  it("resume() and takeRest() outside awaiting-switch are UsageErrors", () => {
    const p = new MessageParser({ kind: "request" });
    expect(() => p.resume()).toThrow(UsageError);
    expect(() => p.takeRest()).toThrow(UsageError);
    expect(() => p.expectResponse("GET")).toThrow(UsageError);
  });
});

describe("switch on the response side (RFC 9112 §6.3 item 2, RFC 9110 §15.2.2)", () => {
  it("the switched event carries the rest; afterwards the parser is switched", () => {
    const p = new MessageParser({ kind: "response" });
    p.expectResponse("GET");
    p.feed(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nabc"));
    expect(p.next()?.type).toBe("response");
    expect(p.state).toBe("body");
    const ev = p.next();
    expect(ev?.type === "switched" && text(ev.rest)).toBe("abc");
    expect(p.state).toBe("switched");
    expect(p.next()).toBeNull();
    expect(p.takeRest().length).toBe(0);
    expect(() => p.feed(bytes("x"))).toThrow(UsageError);
  });

  it("the method FIFO is shifted at each final response", () => {
    const p = new MessageParser({ kind: "response" });
    p.expectResponse("HEAD");
    p.expectResponse("CONNECT");
    p.feed(
      bytes(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n\r\ntunnel",
      ),
    );
    const events: Seen[] = [];
    drain(p, events);
    expect(
      events.map((e) => (e.type === "response" ? `${e.status}/${e.framing.kind}` : e.type)),
    ).toEqual(["100/none", "200/none", "end", "200/tunnel", "switched"]);
  });
});
