/**
 * The chunked transfer coding (RFC 9112 §7.1): chunk sizes, extensions
 * (§7.1.1), data, the last chunk and the trailer section (§7.1.2).
 */
import { describe, expect, it } from "vitest";
import { MessageParser } from "../src/parser.ts";
import { bytes, errorOf, req, res, run } from "./parser-helpers.ts";

const chunked = (body: string) =>
  `POST /c HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
/** The events after the head. */
const body = (b: string, options = {}) => req(chunked(b), options).slice(1);

describe("chunks (RFC 9112 §7.1)", () => {
  it("RFC 9112 §7.1: chunks are de-chunked into data, the last chunk ends the message", () => {
    expect(body("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")).toEqual([
      { type: "data", data: "hello world" },
      { type: "end", trailers: null },
    ]);
  });

  it("RFC 9112 §7.1: chunk-size is HEXDIG, either case, leading zeros allowed", () => {
    expect(
      body(`A\r\n${"0123456789"}\r\na\r\n${"abcdefghij"}\r\n0005\r\nvwxyz\r\n000\r\n\r\n`),
    ).toEqual([
      { type: "data", data: "0123456789abcdefghijvwxyz" },
      { type: "end", trailers: null },
    ]);
  });

  it("RFC 9112 §7.1: a chunk-size that is not 1*HEXDIG is INVALID_CHUNK_SIZE (400)", () => {
    for (const size of ["x", "", "-1", "+1", "0x5", "5 ", " 5", "5\t"]) {
      expect([size, errorOf(body(`${size}\r\nhello\r\n0\r\n\r\n`))]).toEqual([
        size,
        "INVALID_CHUNK_SIZE",
      ]);
    }
  });

  it("RFC 9112 §7.1: chunk-size is bounded (16 HEXDIG, a safe integer)", () => {
    expect(errorOf(body(`${"0".repeat(17)}1\r\nx\r\n0\r\n\r\n`))).toBe("INVALID_CHUNK_SIZE");
    expect(errorOf(body("FFFFFFFFFFFFFFFF\r\n"))).toBe("INVALID_CHUNK_SIZE");
    expect(errorOf(body("20000000000000\r\n"))).toBe("INVALID_CHUNK_SIZE");
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(chunked("1FFFFFFFFFFFFF\r\nabc")));
    expect(p.next()?.type).toBe("request");
    expect(p.next()?.type).toBe("data");
  });

  it("RFC 9112 §7.1: chunk-data must be followed by CRLF (INVALID_CHUNK_DATA_END)", () => {
    expect(errorOf(body("5\r\nhelloX\r\n0\r\n\r\n"))).toBe("INVALID_CHUNK_DATA_END");
    expect(errorOf(body("5\r\nhello\rX0\r\n\r\n"))).toBe("INVALID_CHUNK_DATA_END");
    expect(errorOf(body("5\r\nhello\n0\r\n\r\n"))).toBe("INVALID_CHUNK_DATA_END");
  });

  it("RFC 9112 §2.2: chunk lines may end with a bare LF only with lenientLineEndings", () => {
    expect(errorOf(body("5\nhello\r\n0\r\n\r\n"))).toBe("BARE_LF");
    expect(body("5\nhello\n0\n\n", { lenient: true })).toEqual([
      { type: "data", data: "hello" },
      { type: "end", trailers: null },
    ]);
  });

  it("RFC 9112 §7.1: the next message follows the last chunk", () => {
    const events = req(`${chunked("1\r\na\r\n0\r\n\r\n")}GET /next HTTP/1.1\r\nHost: a\r\n\r\n`);
    expect(events.map((e) => e.type)).toEqual(["request", "data", "end", "request", "end"]);
  });

  it("RFC 9110 §15.5.14: chunks over maxBodyBytes are BODY_TOO_LARGE (413), before their data", () => {
    const events = body("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", { limits: { maxBodyBytes: 10 } });
    expect(events).toEqual([
      { type: "data", data: "hello" },
      { type: "error", code: "BODY_TOO_LARGE", status: 413 },
    ]);
  });
});

describe("chunk extensions (RFC 9112 §7.1.1)", () => {
  it("RFC 9112 §7.1.1: extensions with token or quoted-string values are accepted and ignored", () => {
    for (const ext of [
      ";name",
      ";name=value",
      " ; name = value",
      "\t;\tn\t=\tv",
      ';a="quoted ; \\" string"',
      ';a;b=c;d=""',
    ]) {
      expect([ext, body(`5${ext}\r\nhello\r\n0${ext}\r\n\r\n`)]).toEqual([
        ext,
        [
          { type: "data", data: "hello" },
          { type: "end", trailers: null },
        ],
      ]);
    }
  });

  it("RFC 9112 §7.1.1: a malformed extension is INVALID_CHUNK_EXTENSION (400)", () => {
    for (const ext of [
      ";",
      ";=x",
      ";a=",
      ';a="open',
      ";a b",
      ";a=b c",
      ";a=\x01",
      ';a="\x00"',
      ";a;",
    ]) {
      expect([ext, errorOf(body(`5${ext}\r\nhello\r\n0\r\n\r\n`))]).toEqual([
        ext,
        "INVALID_CHUNK_EXTENSION",
      ]);
    }
  });

  it("RFC 9112 §7.1.1: extensions over maxChunkExtensions are CHUNK_EXTENSIONS_TOO_LONG, even without CRLF", () => {
    const limits = { maxChunkExtensions: 20 };
    expect(errorOf(body(`5;${"a".repeat(19)}\r\nhello\r\n0\r\n\r\n`, { limits }))).toBeNull();
    expect(errorOf(body(`5;${"a".repeat(20)}\r\nhello\r\n0\r\n\r\n`, { limits }))).toBe(
      "CHUNK_EXTENSIONS_TOO_LONG",
    );
    const partial = run("request", chunked(`5;${"a".repeat(200)}`), { limits });
    expect(errorOf(partial.events)).toBe("CHUNK_EXTENSIONS_TOO_LONG");
    const digits = run("request", chunked("1".repeat(100)), { limits });
    expect(errorOf(digits.events)).toBe("INVALID_CHUNK_SIZE");
  });
});

describe("trailer section (RFC 9112 §7.1.2)", () => {
  it("RFC 9112 §7.1.2: trailer fields come with the end event", () => {
    expect(body("2\r\nhi\r\n0\r\nX-Checksum:  abc \r\nx-more: 1\r\n\r\n")).toEqual([
      { type: "data", data: "hi" },
      { type: "end", trailers: ["X-Checksum", "abc", "x-more", "1"] },
    ]);
  });

  it("RFC 9112 §7.1.2: trailer lines follow the field-line rules", () => {
    expect(errorOf(body("0\r\nX-A : b\r\n\r\n"))).toBe("WHITESPACE_BEFORE_COLON");
    expect(errorOf(body("0\r\nNoColon\r\n\r\n"))).toBe("INVALID_FIELD_NAME");
    expect(errorOf(body("0\r\nX-A: a\x00\r\n\r\n"))).toBe("INVALID_OCTET");
    expect(errorOf(body("0\r\nX-A: a\rb\r\n\r\n"))).toBe("BARE_CR");
    expect(errorOf(body("0\r\nX-A: b\r\n\n"))).toBe("BARE_LF");
  });

  it("RFC 9112 §5.2: obs-fold in a request trailer is OBS_FOLD; in a response it is unfolded", () => {
    expect(errorOf(body("0\r\nX-A: one\r\n two\r\n\r\n"))).toBe("OBS_FOLD");
    const events = res(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: one\r\n two\r\n\r\n",
      ["GET"],
    );
    expect(events[events.length - 1]).toEqual({ type: "end", trailers: ["X-A", "one two"] });
  });

  it("trailer obs-text is kept as latin1", () => {
    expect(body("0\r\nX-A: caf\xe9\r\n\r\n")).toEqual([
      { type: "end", trailers: ["X-A", "caf\xe9"] },
    ]);
  });

  it("maxTrailerBytes: a larger trailer section is TRAILERS_TOO_LARGE (431), also before its end", () => {
    const limits = { maxTrailerBytes: 30 };
    expect(errorOf(body("0\r\nX-A: 0123456789\r\n\r\n", { limits }))).toBeNull();
    expect(body("0\r\nX-A: 0123456789\r\nX-B: 0123456789\r\n\r\n", { limits })).toEqual([
      { type: "error", code: "TRAILERS_TOO_LARGE", status: 431 },
    ]);
    expect(
      errorOf(
        run("request", chunked(`0\r\nX-A: 0123456789\r\nX-B: ${"x".repeat(40)}`), { limits })
          .events,
      ),
    ).toBe("TRAILERS_TOO_LARGE");
  });

  it("maxFields and maxFieldLine apply to trailer lines", () => {
    expect(errorOf(body("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", { limits: { maxFields: 2 } }))).toBe(
      "TOO_MANY_FIELDS",
    );
    expect(
      errorOf(body(`0\r\nX-A: ${"v".repeat(30)}\r\n\r\n`, { limits: { maxFieldLine: 30 } })),
    ).toBe("FIELD_TOO_LARGE");
  });
});

describe("chunked data", () => {
  it("chunk data is a view of the fed bytes", () => {
    const input = bytes(chunked("5\r\nhello\r\n0\r\n\r\n"));
    const p = new MessageParser({ kind: "request" });
    p.feed(input);
    p.next();
    const ev = p.next();
    if (ev?.type !== "data") throw new Error("expected data");
    expect(ev.data.buffer).toBe(input.buffer);
    expect(ev.data.byteOffset).toBe(input.length - "hello\r\n0\r\n\r\n".length);
  });

  it("a chunk split across feeds is delivered as it arrives", () => {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(chunked("a\r\n01234")));
    expect(p.next()?.type).toBe("request");
    const first = p.next();
    expect(first?.type === "data" && first.data.length).toBe(5);
    expect(p.next()).toBeNull();
    p.feed(bytes("56789\r\n0\r\n\r\n"));
    const second = p.next();
    expect(second?.type === "data" && second.data.length).toBe(5);
    expect(p.next()).toEqual({ type: "end", trailers: null });
  });
});
