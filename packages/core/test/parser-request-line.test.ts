/**
 * Start lines: the request-line (RFC 9112 §3) and the status-line (§4),
 * HTTP-version (§2.3), line endings and leading empty lines (§2.2).
 */
import { describe, expect, it } from "vitest";
import { MessageParser } from "../src/parser.ts";
import {
  bytes,
  errorOf,
  firstRequest,
  firstResponse,
  req,
  res,
  run,
  withHost,
} from "./parser-helpers.ts";

describe("request-line (RFC 9112 §3)", () => {
  it("RFC 9112 §3: parses method, request-target and HTTP-version", () => {
    expect(req(withHost("GET /index.html?q=1 HTTP/1.1"))).toEqual([
      {
        type: "request",
        method: "GET",
        target: "/index.html?q=1",
        form: "origin",
        version: "1.1",
        minor: 1,
        fields: ["Host", "example.com"],
        framing: { kind: "none" },
        expectContinue: false,
      },
      { type: "end", trailers: null },
    ]);
  });

  it("RFC 9110 §9.1: any token is a method, and methods are case-sensitive", () => {
    expect(firstRequest(req(withHost("M-SEARCH / HTTP/1.1"))).method).toBe("M-SEARCH");
    expect(firstRequest(req(withHost("get / HTTP/1.1"))).method).toBe("get");
    expect(firstRequest(req(withHost("PROPFIND / HTTP/1.1"))).method).toBe("PROPFIND");
  });

  it("RFC 9110 §9.1: a method that is not a token is INVALID_METHOD (400)", () => {
    const events = req(withHost("GE(T / HTTP/1.1"));
    expect(events).toEqual([{ type: "error", code: "INVALID_METHOD", status: 400 }]);
    expect(errorOf(req(withHost("GET\t/ HTTP/1.1")))).toBe("INVALID_METHOD");
  });

  it("RFC 9112 §3: parts are separated by exactly one SP", () => {
    expect(errorOf(req(withHost("GET  / HTTP/1.1")))).toBe("INVALID_REQUEST_LINE");
    expect(errorOf(req(withHost("GET / HTTP/1.1 ")))).toBe("INVALID_REQUEST_LINE");
    expect(errorOf(req(withHost("GET /  HTTP/1.1")))).toBe("INVALID_REQUEST_LINE");
    expect(errorOf(req(withHost(" GET / HTTP/1.1")))).toBe("INVALID_REQUEST_LINE");
  });

  it("RFC 9112 §3: a request-line without HTTP-version (HTTP/0.9 style) is rejected", () => {
    expect(errorOf(req("GET /\r\n\r\n"))).toBe("INVALID_REQUEST_LINE");
    expect(errorOf(req("GET\r\n\r\n"))).toBe("INVALID_REQUEST_LINE");
  });

  it("RFC 9112 §3.2: the request-target is visible ASCII (no CTL, no obs-text)", () => {
    expect(errorOf(req(withHost("GET /caf\xe9 HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("GET /a\x01b HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("GET /a\x7fb HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("GET /a\x00b HTTP/1.1")))).toBe("INVALID_TARGET");
  });

  it("RFC 9112 §3.2.1: a target starting with / is origin-form", () => {
    expect(firstRequest(req(withHost("POST //a/b?c HTTP/1.1"))).form).toBe("origin");
  });

  it('RFC 9112 §3.2.2: scheme ":" … is absolute-form', () => {
    const ev = firstRequest(req(withHost("GET http://example.com/x?y HTTP/1.1")));
    expect([ev.form, ev.target]).toEqual(["absolute", "http://example.com/x?y"]);
    expect(firstRequest(req(withHost("GET urn:isbn:0451450523 HTTP/1.1"))).form).toBe("absolute");
  });

  it("RFC 9112 §3.2: a target in no form at all is INVALID_TARGET", () => {
    expect(errorOf(req(withHost("GET foo HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("GET 1http://x/ HTTP/1.1")))).toBe("INVALID_TARGET");
  });

  it("RFC 9112 §3.2.3: CONNECT uses authority-form host:port", () => {
    const ev = firstRequest(
      req("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
    );
    expect([ev.form, ev.target]).toEqual(["authority", "example.com:443"]);
    const v6 = firstRequest(
      req("CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n"),
    );
    expect(v6.form).toBe("authority");
  });

  it("RFC 9112 §3.2.3: CONNECT with another form, or without a port, is INVALID_TARGET", () => {
    expect(errorOf(req(withHost("CONNECT / HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("CONNECT http://example.com/ HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("CONNECT example.com HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("CONNECT example.com: HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("CONNECT user@example.com:443 HTTP/1.1")))).toBe("INVALID_TARGET");
  });

  it("RFC 9112 §3.2.3: authority-form is only for CONNECT", () => {
    expect(errorOf(req(withHost("GET 127.0.0.1:443 HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("GET [::1]:443 HTTP/1.1")))).toBe("INVALID_TARGET");
  });

  it('RFC 9112 §3.2.4: asterisk-form is only "*" and only with OPTIONS', () => {
    expect(firstRequest(req(withHost("OPTIONS * HTTP/1.1"))).form).toBe("asterisk");
    expect(errorOf(req(withHost("GET * HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(errorOf(req(withHost("OPTIONS *x HTTP/1.1")))).toBe("INVALID_TARGET");
    expect(firstRequest(req(withHost("OPTIONS /x HTTP/1.1"))).form).toBe("origin");
  });
});

describe("HTTP-version (RFC 9112 §2.3)", () => {
  it("RFC 9112 §2.3: HTTP/1.0 and HTTP/1.1", () => {
    const ten = firstRequest(req("GET / HTTP/1.0\r\n\r\n"));
    expect([ten.version, ten.minor]).toEqual(["1.0", 0]);
    const eleven = firstRequest(req(withHost("GET / HTTP/1.1")));
    expect([eleven.version, eleven.minor]).toEqual(["1.1", 1]);
  });

  it("RFC 9110 §2.5: HTTP/1.x with x ≥ 2 is handled as 1.1, minor kept", () => {
    const ev = firstRequest(req(withHost("GET / HTTP/1.7")));
    expect([ev.version, ev.minor]).toEqual(["1.1", 7]);
  });

  it("RFC 9110 §15.6.6: another major version is UNSUPPORTED_VERSION (505)", () => {
    expect(req(withHost("GET / HTTP/2.0"))).toEqual([
      { type: "error", code: "UNSUPPORTED_VERSION", status: 505 },
    ]);
    expect(errorOf(req(withHost("GET / HTTP/0.9")))).toBe("UNSUPPORTED_VERSION");
    expect(errorOf(req(withHost("GET / HTTP/3.0")))).toBe("UNSUPPORTED_VERSION");
  });

  it("RFC 9112 §2.3: anything but HTTP/DIGIT.DIGIT is INVALID_VERSION (HTTP-name is case-sensitive)", () => {
    for (const v of [
      "http/1.1",
      "HTTP/1.10",
      "HTTP/1",
      "HTTP/11",
      "HTTPS/1.1",
      "HTTP/1.x",
      "HTTP 1.1",
    ]) {
      const events = req(withHost(`GET / ${v}`));
      expect([v, errorOf(events)]).toEqual([
        v,
        v === "HTTP 1.1" ? "INVALID_REQUEST_LINE" : "INVALID_VERSION",
      ]);
    }
  });
});

describe("request-line limit (RFC 9112 §3)", () => {
  it("RFC 9112 §3: a request-line at the limit is accepted, one octet more is REQUEST_LINE_TOO_LONG (414)", () => {
    const limits = { maxRequestLine: 40 };
    const line = (n: number) => `GET /${"a".repeat(n - 14)} HTTP/1.1`;
    expect(line(40).length).toBe(40);
    expect(firstRequest(req(withHost(line(40)), { limits })).type).toBe("request");
    expect(req(withHost(line(41)), { limits })).toEqual([
      { type: "error", code: "REQUEST_LINE_TOO_LONG", status: 414 },
    ]);
  });

  it("RFC 9112 §3: an over-long request-line is detected before its CRLF arrives", () => {
    const p = new MessageParser({ kind: "request", limits: { maxRequestLine: 100 } });
    p.feed(bytes(`GET /${"a".repeat(95)}`));
    expect(p.next()).toBeNull();
    p.feed(bytes("aaaaaaaa"));
    const ev = p.next();
    expect(ev?.type === "error" && ev.error.code).toBe("REQUEST_LINE_TOO_LONG");
    expect(p.state).toBe("error");
    expect(p.next()).toBeNull();
  });
});

describe("line endings and empty lines (RFC 9112 §2.2)", () => {
  it("RFC 9112 §2.2: a server ignores empty lines before the request-line", () => {
    const events = req(`\r\n\r\n${withHost("GET / HTTP/1.1")}`);
    expect(firstRequest(events).target).toBe("/");
    // …also between pipelined requests
    const two = req(`${withHost("GET /a HTTP/1.1")}\r\n${withHost("GET /b HTTP/1.1")}`);
    expect(two.filter((e) => e.type === "request").length).toBe(2);
  });

  it("RFC 9112 §2.2: only a bounded number of empty lines is ignored", () => {
    expect(firstRequest(req(`${"\r\n".repeat(8)}${withHost("GET / HTTP/1.1")}`)).method).toBe(
      "GET",
    );
    expect(errorOf(req(`${"\r\n".repeat(9)}${withHost("GET / HTTP/1.1")}`))).toBe(
      "INVALID_REQUEST_LINE",
    );
  });

  it("RFC 9112 §2.2: a bare LF ends a line only with lenientLineEndings", () => {
    const input = "GET / HTTP/1.1\nHost: a\n\n";
    expect(errorOf(req(input))).toBe("BARE_LF");
    expect(firstRequest(req(input, { lenient: true })).fields).toEqual(["Host", "a"]);
    expect(firstRequest(req(`\n${input}`, { lenient: true })).method).toBe("GET");
  });

  it("RFC 9112 §2.2: a bare CR is BARE_CR, even with lenientLineEndings", () => {
    expect(errorOf(req(withHost("GET /\r HTTP/1.1")))).toBe("BARE_CR");
    expect(errorOf(req(withHost("GET / HTTP/1.1\r")))).toBe("BARE_CR");
    expect(errorOf(req("GET / HTTP/1.1\rHost: a\r\n\r\n", { lenient: true }))).toBe("BARE_CR");
  });
});

describe("status-line (RFC 9112 §4)", () => {
  it("RFC 9112 §4: parses HTTP-version, status-code and reason-phrase", () => {
    expect(res("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")).toEqual([
      {
        type: "response",
        status: 404,
        reason: "Not Found",
        version: "1.1",
        minor: 1,
        fields: ["Content-Length", "0"],
        framing: { kind: "length", length: 0 },
        interim: false,
        closeAfter: false,
      },
      { type: "end", trailers: null },
    ]);
  });

  it("RFC 9112 §4: an empty reason-phrase after SP", () => {
    expect(firstResponse(res("HTTP/1.1 204 \r\n\r\n")).reason).toBe("");
  });

  it("RFC 9112 §4: no SP before an empty reason-phrase is accepted (deliberate leniency)", () => {
    const ev = firstResponse(res("HTTP/1.1 204\r\n\r\n"));
    expect([ev.status, ev.reason]).toEqual([204, ""]);
  });

  it("RFC 9112 §4: the reason-phrase keeps HTAB, SP and obs-text (as latin1)", () => {
    expect(
      firstResponse(res("HTTP/1.0 200 Tr\xe8s\tbien  \r\n\r\n", [], { end: true })).reason,
    ).toBe("Tr\xe8s\tbien  ");
  });

  it("RFC 9112 §4: status-code is three digits in 100..599 (RFC 9110 §15)", () => {
    for (const line of [
      "HTTP/1.1 20 OK",
      "HTTP/1.1 2000 OK",
      "HTTP/1.1 099 X",
      "HTTP/1.1 600 X",
      "HTTP/1.1 2x0 X",
      "HTTP/1.1  200 OK",
      "HTTP/1.1",
    ]) {
      expect([line, errorOf(res(`${line}\r\n\r\n`))]).toEqual([line, "INVALID_STATUS_LINE"]);
    }
  });

  it("RFC 9112 §4: a control octet in the reason-phrase is rejected", () => {
    expect(errorOf(res("HTTP/1.1 200 O\x00K\r\n\r\n"))).toBe("INVALID_STATUS_LINE");
    expect(errorOf(res("HTTP/1.1 200 O\rK\r\n\r\n"))).toBe("BARE_CR");
  });

  it("RFC 9112 §4: a status-line starts with HTTP-version", () => {
    expect(errorOf(res("ICY 200 OK\r\n\r\n"))).toBe("INVALID_STATUS_LINE");
    expect(errorOf(res("\r\nHTTP/1.1 200 OK\r\n\r\n"))).toBe("INVALID_STATUS_LINE");
    expect(errorOf(res("HTTP/1.x 200 OK\r\n\r\n"))).toBe("INVALID_VERSION");
    expect(errorOf(res("HTTP/2.0 200 OK\r\n\r\n"))).toBe("UNSUPPORTED_VERSION");
  });

  it("status-line over maxStatusLine is STATUS_LINE_TOO_LONG, also before its CRLF", () => {
    const limits = { maxStatusLine: 30 };
    expect(errorOf(res(`HTTP/1.1 200 ${"x".repeat(18)}\r\n\r\n`, [], { limits }))).toBe(
      "STATUS_LINE_TOO_LONG",
    );
    const partial = run("response", `HTTP/1.1 200 ${"x".repeat(40)}`, { limits });
    expect(errorOf(partial.events)).toBe("STATUS_LINE_TOO_LONG");
  });
});
