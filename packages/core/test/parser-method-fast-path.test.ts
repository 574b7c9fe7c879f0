/**
 * The request-line reader tells the method "GET" by comparing octets, and
 * scans any other method as a token (request-line.ts). Both paths must give
 * the same events and errors, however the octets are chunked.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MessageParser } from "../src/parser.ts";
import { split } from "./message-generators.ts";
import {
  bytes,
  drain,
  errorOf,
  firstRequest,
  merged,
  req,
  type Seen,
  withHost,
} from "./parser-helpers.ts";

/** Events of a request parser fed `input` cut at `cuts`. */
function eventsOf(input: string, cuts: readonly number[]): Seen[] {
  const parser = new MessageParser({ kind: "request" });
  const events: Seen[] = [];
  for (const piece of split(bytes(input), cuts)) {
    parser.feed(piece);
    drain(parser, events);
  }
  return merged(events);
}

/** The events are the same when the input is cut in two at every offset. */
function sameAtEveryCut(input: string): Seen[] {
  const whole = eventsOf(input, []);
  for (let cut = 1; cut < input.length; cut++) {
    expect(eventsOf(input, [cut]), `cut at ${cut}`).toEqual(whole);
  }
  return whole;
}

describe("the method fast path (RFC 9110 §9.1, RFC 9112 §3)", () => {
  it("RFC 9110 §9.1: GET is read as GET, in one buffer and cut anywhere", () => {
    const events = sameAtEveryCut(withHost("GET /a?b=1 HTTP/1.1"));
    expect(firstRequest(events).method).toBe("GET");
    expect(firstRequest(events).target).toBe("/a?b=1");
  });

  it("RFC 9110 §9.1: methods are case-sensitive tokens: get, Get, GETX, GE and GETGET are their own methods", () => {
    for (const method of ["get", "Get", "gET", "GETX", "GE", "G", "GETGET", "GET-", "XGET"]) {
      const events = sameAtEveryCut(withHost(`${method} / HTTP/1.1`));
      expect(firstRequest(events).method).toBe(method);
    }
  });

  it("RFC 9112 §3: GET followed by something other than one SP is rejected as before", () => {
    const cases: [string, string][] = [
      ["GET\t/ HTTP/1.1", "INVALID_METHOD"],
      ["GET  / HTTP/1.1", "INVALID_REQUEST_LINE"],
      ["GET / HTTP/1.1 ", "INVALID_REQUEST_LINE"],
      ["GET", "INVALID_REQUEST_LINE"],
      ["GET /", "INVALID_REQUEST_LINE"],
      ["GET * HTTP/1.1", "INVALID_TARGET"],
      ["GET / HTTP/2.0", "UNSUPPORTED_VERSION"],
      ["GE(T / HTTP/1.1", "INVALID_METHOD"],
    ];
    for (const [line, code] of cases) {
      const events = sameAtEveryCut(withHost(line));
      expect(errorOf(events), line).toBe(code);
    }
    expect(errorOf(req("GET\r\n\r\n"))).toBe("INVALID_REQUEST_LINE");
    expect(errorOf(req("GET\n\r\n", { lenient: true }))).toBe("INVALID_REQUEST_LINE");
    expect(errorOf(req("GET\rX / HTTP/1.1\r\n\r\n"))).toBe("BARE_CR");
  });

  it("RFC 9112 §3.2: GET takes the same target forms as any other method", () => {
    const absolute = firstRequest(sameAtEveryCut(withHost("GET http://example.com/x HTTP/1.1")));
    expect(absolute.form).toBe("absolute");
    expect(absolute.method).toBe("GET");
    // RFC 9112 §3.2.3: authority-form is for CONNECT only.
    expect(errorOf(sameAtEveryCut(withHost("CONNECT example.com:443 HTTP/1.1")))).toBeNull();
    expect(firstRequest(sameAtEveryCut(withHost("GET example.com:443 HTTP/1.1"))).form).toBe(
      "absolute",
    );
  });

  it("pipelined GET and other methods come out in order, cut anywhere", () => {
    const input =
      withHost("GET /1 HTTP/1.1") +
      withHost("get /2 HTTP/1.1") +
      withHost("POST /3 HTTP/1.1", "Content-Length: 2\r\n") +
      "hi" +
      withHost("GET /4 HTTP/1.0");
    const events = sameAtEveryCut(input);
    const methods = events.flatMap((e) => (e.type === "request" ? [e.method] : []));
    expect(methods).toEqual(["GET", "get", "POST", "GET"]);
  });

  it("property: a method made of G, E, T and other token octets is read as itself in any chunking", () => {
    const method = fc.string({
      unit: fc.constantFrom("G", "E", "T", "g", "e", "t", "X", "-"),
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(method, fc.array(fc.nat(), { maxLength: 4 }), (m, cuts) => {
        const input = withHost(`${m} /p HTTP/1.1`);
        const events = eventsOf(input, cuts);
        expect(events).toEqual(eventsOf(input, []));
        expect(firstRequest(events).method).toBe(m);
      }),
      { numRuns: 300 },
    );
  });
});
