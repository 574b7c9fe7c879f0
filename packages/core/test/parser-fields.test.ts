/**
 * Field lines (RFC 9112 §5, RFC 9110 §5), obs-fold (§5.2), the field limits,
 * Host (RFC 9112 §3.2) and Expect (RFC 9110 §10.1.1).
 */
import { describe, expect, it } from "vitest";
import { MessageParser } from "../src/parser.ts";
import { bytes, errorOf, firstRequest, firstResponse, req, res, run } from "./parser-helpers.ts";

const get = (fields: string) => `GET / HTTP/1.1\r\nHost: example.com\r\n${fields}\r\n`;
const fieldsOf = (fields: string) => firstRequest(req(get(fields))).fields.slice(2);

describe("field lines (RFC 9112 §5)", () => {
  it("RFC 9112 §5: OWS around the value is trimmed; names keep their case; order and duplicates kept", () => {
    expect(fieldsOf("X-A:  one \t\r\nx-a:two\r\nX-B:\tthree  four\t\r\n")).toEqual([
      "X-A",
      "one",
      "x-a",
      "two",
      "X-B",
      "three  four",
    ]);
  });

  it("RFC 9112 §5: an empty field value is allowed", () => {
    expect(fieldsOf("X-Empty:\r\nX-Blank:   \r\n")).toEqual(["X-Empty", "", "X-Blank", ""]);
  });

  it("RFC 9110 §5.1: lookups on the parsed fields are case-insensitive", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(get("Accept: a\r\nACCEPT: b\r\n")));
    const ev = p.next();
    if (ev?.type !== "request") throw new Error("no request");
    expect(ev.head.fields.get("accept")).toBe("a, b");
    expect(ev.head.fields.getAll("Accept")).toEqual(["a", "b"]);
  });

  it("RFC 9112 §5.1: whitespace between the field name and colon is WHITESPACE_BEFORE_COLON (400)", () => {
    expect(req(get("X-A : b\r\n"))).toEqual([
      { type: "error", code: "WHITESPACE_BEFORE_COLON", status: 400 },
    ]);
    expect(errorOf(req(get("X-A\t: b\r\n")))).toBe("WHITESPACE_BEFORE_COLON");
    expect(errorOf(res("HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n"))).toBe("WHITESPACE_BEFORE_COLON");
  });

  it("RFC 9110 §5.1: a field name is a non-empty token followed by a colon", () => {
    expect(errorOf(req(get("X(a): b\r\n")))).toBe("INVALID_FIELD_NAME");
    expect(errorOf(req(get(": b\r\n")))).toBe("INVALID_FIELD_NAME");
    expect(errorOf(req(get("NoColon\r\n")))).toBe("INVALID_FIELD_NAME");
    expect(errorOf(req(get("X a: b\r\n")))).toBe("INVALID_FIELD_NAME");
    expect(errorOf(req(get("X\xe9: b\r\n")))).toBe("INVALID_FIELD_NAME");
    expect(errorOf(req(get("X\x00: b\r\n")))).toBe("INVALID_OCTET");
  });

  it("RFC 9110 §5.5: obs-text in a value is kept, one latin1 code point per octet", () => {
    expect(fieldsOf("X-A: caf\xe9 \x80\xff\r\n")).toEqual(["X-A", "caf\xe9 \x80\xff"]);
  });

  it("RFC 9110 §5.5: NUL is INVALID_OCTET, other CTLs and DEL are INVALID_FIELD_VALUE", () => {
    expect(req(get("X-A: a\x00b\r\n"))).toEqual([
      { type: "error", code: "INVALID_OCTET", status: 400 },
    ]);
    expect(errorOf(req(get("X-A: a\x01b\r\n")))).toBe("INVALID_FIELD_VALUE");
    expect(errorOf(req(get("X-A: a\x1fb\r\n")))).toBe("INVALID_FIELD_VALUE");
    expect(errorOf(req(get("X-A: a\x7fb\r\n")))).toBe("INVALID_FIELD_VALUE");
    expect(errorOf(req(get(`X-A: ${"long value ".repeat(5)}\x0b\r\n`)))).toBe(
      "INVALID_FIELD_VALUE",
    );
  });

  it("RFC 9112 §2.2: a bare CR in a field line is BARE_CR; a bare LF needs lenientLineEndings", () => {
    expect(errorOf(req(get("X-A: a\rb\r\n")))).toBe("BARE_CR");
    expect(errorOf(req(get("X-A: a\r\r\n")))).toBe("BARE_CR");
    expect(errorOf(req(get("X-A\r: b\r\n")))).toBe("BARE_CR");
    expect(errorOf(req(get("X-A: b\n")))).toBe("BARE_LF");
    const lenient = firstRequest(
      req("GET / HTTP/1.1\r\nHost: h\nX-A: b \n\r\n", { lenient: true }),
    );
    expect(lenient.fields).toEqual(["Host", "h", "X-A", "b"]);
  });
});

describe("obs-fold (RFC 9112 §5.2) and whitespace after the start-line (§2.2)", () => {
  it("RFC 9112 §5.2: obs-fold in a request is OBS_FOLD (400)", () => {
    expect(req(get("X-A: one\r\n two\r\n"))).toEqual([
      { type: "error", code: "OBS_FOLD", status: 400 },
    ]);
    expect(errorOf(req(get("X-A: one\r\n\ttwo\r\n")))).toBe("OBS_FOLD");
  });

  it("RFC 9112 §5.2: a user agent replaces each obs-fold in a response with SP", () => {
    const ev = firstResponse(
      res(
        "HTTP/1.1 200 OK\r\nX-A: one \r\n  two\r\n\tthree\r\nX-B:\r\n four\r\nContent-Length: 0\r\n\r\n",
      ),
    );
    expect(ev.fields).toEqual(["X-A", "one two three", "X-B", "four", "Content-Length", "0"]);
  });

  it("RFC 9112 §5.2: an unfolded Content-Length is read as its unfolded value", () => {
    expect(errorOf(res("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n 0\r\n\r\n"))).toBe(
      "INVALID_CONTENT_LENGTH",
    );
    const ok = res("HTTP/1.1 200 OK\r\nContent-Length: 2,\r\n 2\r\n\r\nhi");
    expect(firstResponse(ok).framing).toEqual({ kind: "length", length: 2 });
  });

  it("RFC 9112 §2.2: whitespace between the request-line and the first field is rejected", () => {
    expect(req("GET / HTTP/1.1\r\n Host: a\r\n\r\n")).toEqual([
      { type: "error", code: "WHITESPACE_AFTER_START_LINE", status: 400 },
    ]);
  });

  it("RFC 9112 §2.2: in a response, whitespace lines before the first field are consumed", () => {
    const ev = firstResponse(
      res("HTTP/1.1 200 OK\r\n  junk\r\n\tmore\r\nContent-Length: 0\r\n\r\n"),
    );
    expect(ev.fields).toEqual(["Content-Length", "0"]);
  });
});

describe("field limits (RFC 6585 §5: 431)", () => {
  it("maxFieldLine: a line at the limit passes, one octet more is FIELD_TOO_LARGE (431)", () => {
    const limits = { maxFieldLine: 20 };
    const ok = req(`GET / HTTP/1.1\r\nHost: a\r\nX-A: ${"v".repeat(15)}\r\n\r\n`, { limits });
    expect(errorOf(ok)).toBeNull();
    expect(req(`GET / HTTP/1.1\r\nHost: a\r\nX-A: ${"v".repeat(16)}\r\n\r\n`, { limits })).toEqual([
      { type: "error", code: "FIELD_TOO_LARGE", status: 431 },
    ]);
  });

  it("maxFieldLine is enforced on a partial line (a slow peer cannot grow the buffer)", () => {
    const p = new MessageParser({ kind: "request", limits: { maxFieldLine: 100 } });
    p.feed(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-A: "));
    expect(p.next()).toBeNull();
    for (let i = 0; i < 200 && p.state !== "error"; i++) {
      p.feed(bytes("v"));
      const ev = p.next();
      if (ev !== null) expect(ev.type === "error" && ev.error.code).toBe("FIELD_TOO_LARGE");
    }
    expect(p.state).toBe("error");
    expect(p.buffered).toBeLessThanOrEqual(130);
  });

  it("maxHeaderBytes: the whole field section over the limit is HEADERS_TOO_LARGE (431)", () => {
    const limits = { maxHeaderBytes: 60 };
    const lines = (n: number) => "X-Field: 0123456789\r\n".repeat(n);
    expect(errorOf(req(`GET / HTTP/1.1\r\nHost: a\r\n${lines(2)}\r\n`, { limits }))).toBeNull();
    expect(req(`GET / HTTP/1.1\r\nHost: a\r\n${lines(3)}\r\n`, { limits })).toEqual([
      { type: "error", code: "HEADERS_TOO_LARGE", status: 431 },
    ]);
    // detected without the end of the head
    const partial = run("request", `GET / HTTP/1.1\r\nHost: a\r\n${lines(3)}`, { limits });
    expect(errorOf(partial.events)).toBe("HEADERS_TOO_LARGE");
  });

  it("maxFields: one field line more than allowed is TOO_MANY_FIELDS (431)", () => {
    const limits = { maxFields: 3 };
    expect(errorOf(req(get("A: 1\r\nB: 2\r\n"), { limits }))).toBeNull();
    expect(req(get("A: 1\r\nB: 2\r\nC: 3\r\n"), { limits })).toEqual([
      { type: "error", code: "TOO_MANY_FIELDS", status: 431 },
    ]);
  });
});

describe("Host (RFC 9112 §3.2)", () => {
  const host = (value: string, line = "GET / HTTP/1.1") =>
    errorOf(req(`${line}\r\nHost:${value}\r\n\r\n`));

  it("RFC 9112 §3.2: an HTTP/1.1 request without Host is MISSING_HOST (400)", () => {
    expect(req("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n")).toEqual([
      { type: "error", code: "MISSING_HOST", status: 400 },
    ]);
    expect(errorOf(req("GET / HTTP/1.9\r\n\r\n"))).toBe("MISSING_HOST");
  });

  it("RFC 9112 §3.2: an HTTP/1.0 request may omit Host", () => {
    expect(errorOf(req("GET / HTTP/1.0\r\n\r\n"))).toBeNull();
  });

  it("RFC 9112 §3.2: more than one Host line is DUPLICATE_HOST, in any version", () => {
    expect(errorOf(req("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"))).toBe("DUPLICATE_HOST");
    expect(errorOf(req("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n"))).toBe("DUPLICATE_HOST");
  });

  it('RFC 9112 §3.2: Host = uri-host [ ":" port ]', () => {
    for (const ok of [
      " example.com",
      " example.com:8080",
      " example.com:",
      " 192.0.2.1:80",
      " [2001:db8::1]",
      " [::1]:443",
      " [::ffff:192.0.2.1]",
      " [v1.fe80::a+en1]",
      " xn--bcher-kva.example",
      " a%2Db.example",
      " sub_domain.example!$&'()*+,;=",
    ]) {
      expect([ok, host(ok)]).toEqual([ok, null]);
    }
  });

  it("RFC 9112 §3.2: an invalid Host value is INVALID_HOST (400)", () => {
    for (const bad of [
      " a b",
      " example.com:80a",
      " example.com:80:80",
      " user@example.com",
      " [::1",
      " [1:2:3:4:5:6:7:8:9]",
      " [::1::2]",
      " [example.com]",
      " a%2",
      " a%zz",
      " exa/mple.com",
      ' "example.com"',
    ]) {
      expect([bad, host(bad)]).toEqual([bad, "INVALID_HOST"]);
    }
  });

  it("RFC 9112 §3.2: an empty Host is allowed only when the target has no authority", () => {
    expect(host("")).toBeNull();
    expect(host(" ", "OPTIONS * HTTP/1.1")).toBeNull();
    expect(host("", "GET urn:example:x HTTP/1.1")).toBeNull();
    expect(host("", "GET http://example.com/ HTTP/1.1")).toBe("INVALID_HOST");
    expect(host("", "CONNECT example.com:443 HTTP/1.1")).toBe("INVALID_HOST");
  });

  it("RFC 9112 §3.2.2: with absolute-form, a Host that differs from the target is accepted (it is ignored)", () => {
    expect(host(" other.example", "GET http://example.com/ HTTP/1.1")).toBeNull();
  });
});

describe("Expect (RFC 9110 §10.1.1)", () => {
  it("RFC 9110 §10.1.1: expectContinue for Expect: 100-continue (case-insensitive) in HTTP/1.1", () => {
    const expectOf = (input: string) => firstRequest(req(input)).expectContinue;
    expect(expectOf(get("Expect: 100-continue\r\nContent-Length: 0\r\n"))).toBe(true);
    expect(expectOf(get("expect: 100-Continue\r\nContent-Length: 0\r\n"))).toBe(true);
    expect(expectOf(get("Expect: something-else\r\n"))).toBe(false);
    expect(expectOf(get(""))).toBe(false);
  });

  it("RFC 9110 §10.1.1: an HTTP/1.0 request does not get expectContinue", () => {
    expect(
      firstRequest(req("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")).expectContinue,
    ).toBe(false);
  });
});
