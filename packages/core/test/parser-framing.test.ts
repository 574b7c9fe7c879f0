/**
 * Message body length (RFC 9112 §6.1–§6.3) and Content-Length (RFC 9110 §8.6).
 */
import { describe, expect, it } from "vitest";
import { MessageParser } from "../src/parser.ts";
import { bytes, errorOf, firstRequest, firstResponse, req, res, run } from "./parser-helpers.ts";

const post = (fields: string, body = "") =>
  `POST /upload HTTP/1.1\r\nHost: example.com\r\n${fields}\r\n${body}`;

describe("request framing (RFC 9112 §6.3, requests)", () => {
  it("RFC 9112 §6.3 item 6: Content-Length gives the body length", () => {
    expect(req(post("Content-Length: 5\r\n", "hello")).slice(1)).toEqual([
      { type: "data", data: "hello" },
      { type: "end", trailers: null },
    ]);
    expect(firstRequest(req(post("Content-Length: 5\r\n", "hello"))).framing).toEqual({
      kind: "length",
      length: 5,
    });
  });

  it("RFC 9112 §6.3 item 6: Content-Length: 0 ends the message at the head", () => {
    expect(req(post("Content-Length: 0\r\n")).map((e) => e.type)).toEqual(["request", "end"]);
  });

  it("RFC 9112 §6.3 item 7: a request with neither Content-Length nor Transfer-Encoding has no body", () => {
    const events = req(`${post("")}GET / HTTP/1.1\r\nHost: a\r\n\r\n`);
    expect(events.map((e) => e.type)).toEqual(["request", "end", "request", "end"]);
    expect(firstRequest(events).framing).toEqual({ kind: "none" });
  });

  it("RFC 9112 §6.3 item 4: Transfer-Encoding with chunked final is chunked", () => {
    for (const te of ["chunked", "Chunked", "CHUNKED", ", chunked ,", "chunked;x=1"]) {
      const ev = firstRequest(req(post(`Transfer-Encoding: ${te}\r\n`, "0\r\n\r\n")));
      expect([te, ev.framing]).toEqual([te, { kind: "chunked" }]);
    }
  });

  it("RFC 9112 §6.1: Content-Length with Transfer-Encoding in a request is rejected (400)", () => {
    expect(req(post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"))).toEqual([
      { type: "error", code: "CONTENT_LENGTH_WITH_TRANSFER_ENCODING", status: 400 },
    ]);
  });

  it("RFC 9112 §6.3 item 4: a request whose final coding is not chunked is CHUNKED_NOT_FINAL (400)", () => {
    expect(errorOf(req(post("Transfer-Encoding: gzip\r\n")))).toBe("CHUNKED_NOT_FINAL");
    expect(errorOf(req(post("Transfer-Encoding: chunked, gzip\r\n")))).toBe("CHUNKED_NOT_FINAL");
    expect(errorOf(req(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n")))).toBe(
      "CHUNKED_NOT_FINAL",
    );
  });

  it("RFC 9112 §6.1: chunked applied twice is CHUNKED_TWICE (400)", () => {
    expect(errorOf(req(post("Transfer-Encoding: chunked, chunked\r\n")))).toBe("CHUNKED_TWICE");
    expect(errorOf(req(post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n")))).toBe(
      "CHUNKED_TWICE",
    );
  });

  it("RFC 9112 §6.1: a coding other than chunked is UNSUPPORTED_TRANSFER_CODING (501)", () => {
    expect(req(post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"))).toEqual([
      { type: "error", code: "UNSUPPORTED_TRANSFER_CODING", status: 501 },
    ]);
  });

  it("RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is TRANSFER_ENCODING_IN_HTTP10", () => {
    expect(errorOf(req("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))).toBe(
      "TRANSFER_ENCODING_IN_HTTP10",
    );
  });

  it("RFC 9112 §6.1: a Transfer-Encoding that is not a list of codings is INVALID_TRANSFER_ENCODING", () => {
    for (const te of [
      "",
      ",",
      "chunked;",
      "chunked;x",
      "chunked;x=",
      "chun ked",
      'chunked;x="a',
    ] as const) {
      expect([te, errorOf(req(post(`Transfer-Encoding: ${te}\r\n`)))]).toEqual([
        te,
        "INVALID_TRANSFER_ENCODING",
      ]);
    }
  });
});

describe("Content-Length (RFC 9110 §8.6)", () => {
  it("RFC 9110 §8.6: Content-Length = 1*DIGIT; anything else is INVALID_CONTENT_LENGTH (400)", () => {
    for (const cl of [
      "",
      "-1",
      "+1",
      "1 2",
      "0x10",
      "1.0",
      "abc",
      "1e3",
      "9007199254740992",
      "5,",
    ]) {
      expect([cl, errorOf(req(post(`Content-Length: ${cl}\r\n`)))]).toEqual([
        cl,
        "INVALID_CONTENT_LENGTH",
      ]);
    }
  });

  it("RFC 9110 §8.6: leading zeros and the largest safe integer are valid", () => {
    expect(firstRequest(req(post("Content-Length: 007\r\n", "1234567"))).framing).toEqual({
      kind: "length",
      length: 7,
    });
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(post("Content-Length: 9007199254740991\r\n")));
    const ev = p.next();
    expect(ev?.type === "request" && ev.framing).toEqual({
      kind: "length",
      length: 9007199254740991,
    });
  });

  it("RFC 9110 §8.6: a list of identical values, or identical lines, is one value", () => {
    expect(firstRequest(req(post("Content-Length: 3, 3,3\r\n", "abc"))).framing).toEqual({
      kind: "length",
      length: 3,
    });
    expect(
      firstRequest(req(post("Content-Length: 3\r\nContent-Length: 3\r\n", "abc"))).framing,
    ).toEqual({ kind: "length", length: 3 });
  });

  it("RFC 9112 §6.3 item 5: differing values are CONFLICTING_CONTENT_LENGTH (400)", () => {
    expect(req(post("Content-Length: 3, 4\r\n", "abcd"))).toEqual([
      { type: "error", code: "CONFLICTING_CONTENT_LENGTH", status: 400 },
    ]);
    expect(errorOf(req(post("Content-Length: 3\r\nContent-Length: 4\r\n", "abcd")))).toBe(
      "CONFLICTING_CONTENT_LENGTH",
    );
  });

  it("RFC 9110 §15.5.14: Content-Length above maxBodyBytes is BODY_TOO_LARGE (413) at the head", () => {
    expect(req(post("Content-Length: 11\r\n"), { limits: { maxBodyBytes: 10 } })).toEqual([
      { type: "error", code: "BODY_TOO_LARGE", status: 413 },
    ]);
    expect(
      errorOf(req(post("Content-Length: 10\r\n", "0123456789"), { limits: { maxBodyBytes: 10 } })),
    ).toBeNull();
  });
});

describe("response framing (RFC 9112 §6.3, responses)", () => {
  it("RFC 9112 §6.3 item 1: a response to HEAD has no body whatever its Content-Length", () => {
    const events = res(
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
      ["HEAD", "GET"],
    );
    expect(events.map((e) => e.type)).toEqual(["response", "end", "response", "data", "end"]);
    expect(firstResponse(events).framing).toEqual({ kind: "none" });
  });

  it("RFC 9112 §6.3 item 1: 204 and 304 have no body; invalid Content-Length there is ignored", () => {
    for (const status of ["204 No Content", "304 Not Modified"]) {
      const events = res(`HTTP/1.1 ${status}\r\nContent-Length: x\r\n\r\n`, ["GET"]);
      expect(events.map((e) => e.type)).toEqual(["response", "end"]);
    }
  });

  it("RFC 9112 §6.3 item 1: a 1xx is interim: a head alone, and it does not use up the FIFO", () => {
    const events = res(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
      ["HEAD"],
    );
    expect(
      events.map((e) => (e.type === "response" ? `${e.status}:${e.interim}` : e.type)),
    ).toEqual(["100:true", "103:true", "200:false", "end"]);
  });

  it("RFC 9112 §6.3 item 2: a 2xx answer to CONNECT is a tunnel, then switched with the rest", () => {
    const events = res("HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01tls", ["CONNECT"]);
    expect(events).toEqual([
      {
        type: "response",
        status: 200,
        reason: "Connection Established",
        version: "1.1",
        minor: 1,
        fields: [],
        framing: { kind: "tunnel" },
        interim: false,
        closeAfter: false,
      },
      { type: "switched", rest: "\x16\x03\x01tls" },
    ]);
  });

  it("RFC 9112 §6.3 item 2: a non-2xx answer to CONNECT is an ordinary response", () => {
    const events = res("HTTP/1.1 407 Proxy Auth\r\nContent-Length: 2\r\n\r\nno", ["CONNECT"]);
    expect(events.map((e) => e.type)).toEqual(["response", "data", "end"]);
  });

  it("RFC 9110 §15.2.2: 101 Switching Protocols is final and switches", () => {
    const r = run(
      "response",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00",
      {
        methods: ["GET"],
      },
    );
    expect(r.events.map((e) => e.type)).toEqual(["response", "switched"]);
    expect(firstResponse(r.events).framing).toEqual({ kind: "tunnel" });
    expect(r.events[1]).toEqual({ type: "switched", rest: "\x81\x00" });
    expect(r.state).toBe("switched");
  });

  it("RFC 9112 §6.3 item 3: Transfer-Encoding overrides Content-Length, and the connection must close", () => {
    const events = res(
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
      ["GET"],
    );
    const head = firstResponse(events);
    expect([head.framing, head.closeAfter]).toEqual([{ kind: "chunked" }, true]);
    expect(events.slice(1)).toEqual([
      { type: "data", data: "hi" },
      { type: "end", trailers: null },
    ]);
  });

  it("RFC 9112 §6.3 item 4: a response whose final coding is not chunked is read until close", () => {
    const events = res("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzzz", ["GET"], {
      end: true,
    });
    expect(firstResponse(events).framing).toEqual({ kind: "close" });
    expect(events.slice(1)).toEqual([
      { type: "data", data: "zzz" },
      { type: "end", trailers: null },
    ]);
    expect(
      firstResponse(res("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"))
        .framing,
    ).toEqual({
      kind: "chunked",
    });
  });

  it("RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 response is faulty framing: read until close", () => {
    const head = firstResponse(
      res("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nabc", ["GET"], { end: true }),
    );
    expect([head.framing, head.closeAfter]).toEqual([{ kind: "close" }, true]);
  });

  it("RFC 9112 §6.1: chunked twice in a response is CHUNKED_TWICE", () => {
    expect(errorOf(res("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"))).toBe(
      "CHUNKED_TWICE",
    );
  });

  it("RFC 9112 §6.3 items 5, 6: Content-Length in a response", () => {
    expect(firstResponse(res("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")).framing).toEqual({
      kind: "length",
      length: 3,
    });
    expect(errorOf(res("HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nabc"))).toBe(
      "INVALID_CONTENT_LENGTH",
    );
    expect(errorOf(res("HTTP/1.1 200 OK\r\nContent-Length: 3, 2\r\n\r\nabc"))).toBe(
      "CONFLICTING_CONTENT_LENGTH",
    );
  });

  it("RFC 9112 §6.3 item 8: a response with neither is read until the connection closes", () => {
    const events = res("HTTP/1.1 200 OK\r\n\r\npart one, part two", [], { end: true });
    expect(events.slice(1)).toEqual([
      { type: "data", data: "part one, part two" },
      { type: "end", trailers: null },
    ]);
    expect(firstResponse(events).framing).toEqual({ kind: "close" });
  });

  it("a close-delimited body over maxBodyBytes is BODY_TOO_LARGE", () => {
    const r = run("response", `HTTP/1.1 200 OK\r\n\r\n${"x".repeat(20)}`, {
      limits: { maxBodyBytes: 10 },
    });
    expect(errorOf(r.events)).toBe("BODY_TOO_LARGE");
  });

  it("with an empty FIFO a response is read as the answer to GET", () => {
    expect(res("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok").map((e) => e.type)).toEqual([
      "response",
      "data",
      "end",
    ]);
  });
});

describe("body data", () => {
  it("data events are views of the fed bytes, which are never modified", () => {
    const input = bytes(post("Content-Length: 5\r\n", "hello"));
    const copy = input.slice();
    const p = new MessageParser({ kind: "request" });
    p.feed(input);
    p.next();
    const ev = p.next();
    if (ev?.type !== "data") throw new Error("expected data");
    expect(ev.data.buffer).toBe(input.buffer);
    expect(Array.from(ev.data)).toEqual(Array.from(bytes("hello")));
    expect(p.next()?.type).toBe("end");
    expect(input).toEqual(copy);
  });

  it("a body split over many feeds comes out in order", () => {
    const r = run("request", post("Content-Length: 26\r\n", "abcdefghijklmnopqrstuvwxyz"), {
      feed: "octets",
    });
    expect(r.events.slice(1)).toEqual([
      { type: "data", data: "abcdefghijklmnopqrstuvwxyz" },
      { type: "end", trailers: null },
    ]);
  });
});
