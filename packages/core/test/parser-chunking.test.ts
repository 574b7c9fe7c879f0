/**
 * The parser's verdicts do not depend on how the octets were chunked: the
 * same events, the same error code at the same point, whether the input
 * comes in one buffer, one octet at a time or in any other pieces.
 *
 * The rule that makes it so, for every line (start-line, field line,
 * chunk-size line, trailer line):
 * - a line is judged once its LF is there (RFC 9112 §2.1: the octets up to
 *   it are the line), or once it breaks a limit — an error found earlier in
 *   an unfinished line waits, and at EOF the message is incomplete;
 * - a limit counts as broken at the first octet after which no ending of the
 *   line could keep it; the limit broken first wins (the line's own limit on
 *   a tie), before any error in the line's content;
 * - but a request-line's method is judged octet by octet (RFC 9112 §3): an
 *   octet no method may hold fails the line as it arrives, unless a limit
 *   broke at or before that octet.
 * A close-delimited body over maxBodyBytes delivers the octets within the
 * limit, then the error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CL_NONE } from "../src/content-length.ts";
import { responseFraming } from "../src/framing.ts";
import type { ParserLimits } from "../src/limits.ts";
import { MessageParser, type ParserState } from "../src/parser.ts";
import { mutate, mutation, requestMessage, responseMessage, split } from "./message-generators.ts";
import { bytes, drain, merged, type Seen, text } from "./parser-helpers.ts";

interface Options {
  readonly methods?: readonly string[];
  readonly end?: boolean;
  readonly lenient?: boolean;
  readonly limits?: Partial<ParserLimits>;
}

/** Feeds the pieces, draining after each (bytes after a switch are the rest). */
function parsePieces(
  kind: "request" | "response",
  pieces: readonly Uint8Array[],
  options: Options,
): { events: Seen[]; state: ParserState } {
  const p = new MessageParser({
    kind,
    lenientLineEndings: options.lenient === true,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  for (const m of options.methods ?? []) p.expectResponse(m);
  const events: Seen[] = [];
  for (const piece of pieces) {
    if (p.state === "switched") {
      const last = events[events.length - 1];
      if (last?.type === "switched") last.rest += text(piece);
      continue;
    }
    if (p.state === "awaiting-switch") p.resume();
    p.feed(piece);
    drain(p, events);
  }
  if (options.end === true && p.state !== "switched") {
    p.end();
    drain(p, events);
  }
  return { events: merged(events), state: p.state };
}

const CUT_SETS: readonly (readonly number[])[] = [[1], [2, 5], [7, 19, 31, 64, 65], [3, 11, 40]];

/**
 * The events of `input` in one buffer, after checking that one octet at a
 * time and a few other chunkings give the same events and state.
 */
function allWays(
  kind: "request" | "response",
  input: string | Uint8Array,
  options: Options = {},
): { events: Seen[]; state: ParserState } {
  const b = typeof input === "string" ? bytes(input) : input;
  const whole = parsePieces(kind, [b], options);
  const octets: Uint8Array[] = [];
  for (let i = 0; i < b.length; i++) octets.push(b.subarray(i, i + 1));
  const expected = JSON.stringify(whole);
  expect(JSON.stringify(parsePieces(kind, octets, options)), "one octet at a time").toBe(expected);
  for (const cuts of CUT_SETS) {
    const chunked = JSON.stringify(parsePieces(kind, split(b, cuts), options));
    expect(chunked, `cut at ${cuts.join(",")}`).toBe(expected);
  }
  return whole;
}

/** The error code of a run's last event, or null. */
function lastError(r: { events: Seen[] }): string | null {
  const last = r.events[r.events.length - 1];
  return last?.type === "error" ? last.code : null;
}

describe("a line is judged once its LF is there (RFC 9112 §2.1, §2.2)", () => {
  // [kind, head up to the unfinished line, the unfinished line, its error once complete]
  const cases: readonly [
    kind: "request" | "response",
    before: string,
    line: string,
    code: string,
  ][] = [
    ["request", "GET / HTTP/1.1\r\nHost: a\r\n", "X: a\x00b", "INVALID_OCTET"],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\n", "X: a\x01b", "INVALID_FIELD_VALUE"],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\n", "X: a\rb", "BARE_CR"],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\n", "X : b", "WHITESPACE_BEFORE_COLON"],
    ["request", "GET / HTTP/1.1\r\nHost: a\r\n", " folded", "OBS_FOLD"],
    ["request", "GET / HTTP/1.1\r\n", " Host: a", "WHITESPACE_AFTER_START_LINE"],
    ["request", "", "T  ", "INVALID_REQUEST_LINE"],
    ["request", "", "GET /\x7f", "INVALID_TARGET"],
    ["request", "", "GET / HTTP/1.1 ", "INVALID_REQUEST_LINE"],
    ["response", "", "HTTP/1.1 200 \x00", "INVALID_STATUS_LINE"],
    ["response", "", "\rt", "BARE_CR"],
    ["response", "HTTP/1.1 200 OK\r\n", "\rX", "BARE_CR"],
  ];

  it("RFC 9112 §2.1: an error in an unfinished line waits for the LF, in any chunking", () => {
    for (const [kind, before, line, code] of cases) {
      const open = allWays(kind, before + line);
      expect([line, open.events, open.state]).toEqual([line, [], "idle"]);
      expect([line, lastError(allWays(kind, `${before + line}\r\n`))]).toEqual([line, code]);
    }
  });

  it("RFC 9112 §8: EOF inside such a line is INCOMPLETE_MESSAGE, in any chunking", () => {
    for (const [kind, before, line] of cases) {
      const closed = allWays(kind, before + line, { end: true });
      expect([line, lastError(closed)]).toEqual([line, "INCOMPLETE_MESSAGE"]);
    }
  });
});

describe("a request-line's method is judged octet by octet (RFC 9112 §3)", () => {
  // [the octets so far, the error they already decide]
  const cases: readonly [octets: string, code: string][] = [
    ["P/", "INVALID_METHOD"],
    ["GET\x00", "INVALID_METHOD"],
    ["\x16\x03\x01\x00\xa5\x01", "INVALID_REQUEST_LINE"], // a TLS ClientHello
    ["\x00", "INVALID_REQUEST_LINE"],
    [" GET", "INVALID_REQUEST_LINE"],
    ["\rGET", "BARE_CR"],
    ["GE\rT", "BARE_CR"],
    ["\r\n\r\nG\x80", "INVALID_METHOD"], // after empty lines (RFC 9112 §2.2)
  ];

  it("RFC 9112 §3: an octet no method may hold is a 400 when it arrives, in any chunking", () => {
    for (const [octets, code] of cases) {
      const open = allWays("request", octets);
      expect([octets, lastError(open), open.state]).toEqual([octets, code, "error"]);
    }
  });

  it("RFC 9112 §3: a method still possible waits, in any chunking", () => {
    for (const octets of ["G", "GET", "M-SEARCH", "GE\r", "\r\n", "PROPFIND"]) {
      const open = allWays("request", octets);
      expect([octets, open.events, open.state]).toEqual([octets, [], "idle"]);
    }
  });

  it("a method octet after the request-line limit is REQUEST_LINE_TOO_LONG; at it, too (a tie goes to the limit)", () => {
    const limits = { maxRequestLine: 8 };
    // The limit breaks at the 10th octet: 8 may be the line and 9 the CR of its end.
    expect(lastError(allWays("request", `${"A".repeat(8)}\x00`, { limits }))).toBe(
      "INVALID_METHOD",
    );
    expect(lastError(allWays("request", `${"A".repeat(9)}\x00`, { limits }))).toBe(
      "REQUEST_LINE_TOO_LONG",
    );
    expect(lastError(allWays("request", `${"A".repeat(12)}\x00`, { limits }))).toBe(
      "REQUEST_LINE_TOO_LONG",
    );
    // A CR decides with the octet after it.
    expect(lastError(allWays("request", `${"A".repeat(8)}\rX`, { limits }))).toBe(
      "REQUEST_LINE_TOO_LONG",
    );
    expect(lastError(allWays("request", `${"A".repeat(7)}\rX`, { limits }))).toBe("BARE_CR");
  });
});

describe("limits before content, the limit broken first wins", () => {
  const small = { maxRequestLine: 48, maxStatusLine: 48, maxFieldLine: 48 };

  it("a start-line over its limit is *_TOO_LONG, whatever else is wrong with it", () => {
    const status = "fffffffT http://example.com:8080/example.com:8080\r\n";
    expect(lastError(allWays("response", status, { limits: small }))).toBe("STATUS_LINE_TOO_LONG");
    // (The method is judged octet by octet: the error here is in the target.)
    const request = `GET /\x7f${"a".repeat(50)} HTTP/1.1\r\nHost: a\r\n\r\n`;
    expect(lastError(allWays("request", request, { limits: small }))).toBe("REQUEST_LINE_TOO_LONG");
    // At the limit, the content error stands.
    const within = `GET /\x7f${"a".repeat(30)} HTTP/1.1\r\nHost: a\r\n\r\n`;
    expect(lastError(allWays("request", within, { limits: small }))).toBe("INVALID_TARGET");
    // A method error before the limit decides at once, however long the line grows.
    const early = `G/T /${"a".repeat(50)} HTTP/1.1\r\nHost: a\r\n\r\n`;
    expect(lastError(allWays("request", early, { limits: small }))).toBe("INVALID_METHOD");
  });

  it("RFC 6585 §5: a field line over maxFieldLine is FIELD_TOO_LARGE (431), whatever else is wrong with it", () => {
    const head = (line: string) => `GET / HTTP/1.1\r\nHost: a\r\n${line}\r\n\r\n`;
    const limits = { maxFieldLine: 20 };
    // 20 octets with a NUL: the content error; 21: the limit.
    expect(lastError(allWays("request", head(`X: ${"v".repeat(16)}\x00`), { limits }))).toBe(
      "INVALID_OCTET",
    );
    expect(lastError(allWays("request", head(`X: ${"v".repeat(17)}\x00`), { limits }))).toBe(
      "FIELD_TOO_LARGE",
    );
    // A strict parser's bare LF: a line of 21 octets is too long before it is BARE_LF.
    const bare = `GET / HTTP/1.1\r\nHost: a\r\nX: ${"v".repeat(18)}\n\r\n`;
    expect(lastError(allWays("request", bare, { limits }))).toBe("FIELD_TOO_LARGE");
    expect(lastError(allWays("request", bare, { limits: { maxFieldLine: 21 } }))).toBe("BARE_LF");
  });

  it("RFC 6585 §5: a long field line that crosses maxHeaderBytes first is HEADERS_TOO_LARGE, in any chunking", () => {
    // The field section starts after the request-line; "Host: a\r\n" takes 9 octets.
    const input = `GET / HTTP/1.1\r\nHost: a\r\nX: ${"v".repeat(60)}\r\n\r\n`;
    // maxFieldLine 48 is broken at the line's 50th octet (section octet 59)…
    const limits = { maxFieldLine: 48 };
    // …maxHeaderBytes 40 at section octet 41: first.
    expect(
      lastError(allWays("request", input, { limits: { ...limits, maxHeaderBytes: 40 } })),
    ).toBe("HEADERS_TOO_LARGE");
    // …maxHeaderBytes 100 at section octet 101: later.
    expect(
      lastError(allWays("request", input, { limits: { ...limits, maxHeaderBytes: 100 } })),
    ).toBe("FIELD_TOO_LARGE");
    // …maxHeaderBytes 58: at the same octet; the line's own limit wins.
    expect(
      lastError(allWays("request", input, { limits: { ...limits, maxHeaderBytes: 58 } })),
    ).toBe("FIELD_TOO_LARGE");
  });
});

describe("chunk-size and trailer lines (RFC 9112 §7.1, §7.1.2)", () => {
  const chunked = (body: string) =>
    `POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
  const limits = { maxChunkExtensions: 12 };

  it("RFC 9112 §7.1: a chunk-size line past its bound is judged the same with or without its LF", () => {
    // 16 HEXDIG, not a safe integer: the size is wrong before the extensions are long.
    const unsafe = `FFFFFFFFFFFFFFFF;${"a".repeat(30)}`;
    expect(lastError(allWays("request", chunked(unsafe), { limits }))).toBe("INVALID_CHUNK_SIZE");
    expect(lastError(allWays("request", chunked(`${unsafe}\r\n`), { limits }))).toBe(
      "INVALID_CHUNK_SIZE",
    );
    const long = `5;${"a".repeat(30)}`;
    expect(lastError(allWays("request", chunked(long), { limits }))).toBe(
      "CHUNK_EXTENSIONS_TOO_LONG",
    );
    // Too long before its bare LF is looked at.
    expect(lastError(allWays("request", chunked(`${long}\n`), { limits }))).toBe(
      "CHUNK_EXTENSIONS_TOO_LONG",
    );
    expect(lastError(allWays("request", chunked("5;a\n"), { limits }))).toBe("BARE_LF");
  });

  it("RFC 6585 §5: a trailer line that crosses maxTrailerBytes first is TRAILERS_TOO_LARGE, in any chunking", () => {
    const line = `X-Long: ${"v".repeat(58)}`;
    const small = { maxFieldLine: 48, maxTrailerBytes: 40 };
    for (const tail of ["", "\r\n", "\r\n\r\n"]) {
      const input = chunked(`0\r\n${line}${tail}`);
      expect(lastError(allWays("request", input, { limits: small }))).toBe("TRAILERS_TOO_LARGE");
      const roomy = { maxFieldLine: 48, maxTrailerBytes: 400 };
      expect(lastError(allWays("request", input, { limits: roomy }))).toBe("FIELD_TOO_LARGE");
    }
  });

  it("RFC 9112 §7.1.2: a trailer line over maxFieldLine is FIELD_TOO_LARGE, whatever else is wrong with it", () => {
    const input = chunked(`0\r\nX\x0c${"v".repeat(60)}\r\n\r\n`);
    expect(lastError(allWays("request", input, { limits: { maxFieldLine: 48 } }))).toBe(
      "FIELD_TOO_LARGE",
    );
    const short = chunked(`0\r\nX\x0c${"v".repeat(10)}\r\n\r\n`);
    expect(lastError(allWays("request", short, { limits: { maxFieldLine: 48 } }))).toBe(
      "INVALID_FIELD_NAME",
    );
  });
});

describe("maxBodyBytes", () => {
  it("RFC 9112 §6.3 item 8: a close-delimited body delivers the octets within maxBodyBytes, then BODY_TOO_LARGE (413)", () => {
    const limits = { maxBodyBytes: 4 };
    expect(allWays("response", "HTTP/1.1 200 OK\r\n\r\nhello", { limits }).events.slice(1)).toEqual(
      [
        { type: "data", data: "hell" },
        { type: "error", code: "BODY_TOO_LARGE", status: 413 },
      ],
    );
    expect(
      allWays("response", "HTTP/1.1 200 OK\r\n\r\nhell", { limits, end: true }).events.slice(1),
    ).toEqual([
      { type: "data", data: "hell" },
      { type: "end", trailers: null },
    ]);
  });
});

describe("a 2xx to CONNECT", () => {
  it("RFC 9110 §9.3.6, RFC 9112 §6.3 item 2: a 204 to CONNECT opens a tunnel (item 1 only says it has no content)", () => {
    const r = allWays("response", "HTTP/1.1 204 No Content\r\n\r\nbytes", { methods: ["CONNECT"] });
    expect(r.events.map((e) => (e.type === "response" ? e.framing.kind : e.type))).toEqual([
      "tunnel",
      "switched",
    ]);
    expect(r.events[1]).toEqual({ type: "switched", rest: "bytes" });
    expect(responseFraming(204, "CONNECT", CL_NONE, null, 1)).toEqual({ kind: "tunnel" });
    expect(responseFraming(204, "GET", CL_NONE, null, 1)).toEqual({ kind: "none" });
    // Not 2xx: no tunnel.
    expect(responseFraming(304, "CONNECT", CL_NONE, null, 1)).toEqual({ kind: "none" });
  });
});

describe("property", () => {
  const SMALL: Partial<ParserLimits> = {
    maxRequestLine: 48,
    maxStatusLine: 48,
    maxFieldLine: 48,
    maxHeaderBytes: 160,
    maxFields: 6,
    maxChunkExtensions: 12,
    maxTrailerBytes: 40,
    maxBodyBytes: 64,
  };

  it("mutated messages give the same events in one buffer, one octet at a time and any chunking", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("request" as const, "response" as const),
        fc.array(requestMessage, { minLength: 1, maxLength: 2 }),
        fc.array(responseMessage, { minLength: 1, maxLength: 2 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.record({ end: fc.boolean(), lenient: fc.boolean(), small: fc.boolean() }),
        (kind, reqs, resps, ms, cuts, o) => {
          const msgs = kind === "request" ? reqs : resps;
          const input = mutate(bytes(msgs.map((m) => m.wire).join("")), ms);
          const options: Options = {
            end: o.end,
            lenient: o.lenient,
            ...(o.small ? { limits: SMALL } : {}),
          };
          const whole = JSON.stringify(parsePieces(kind, [input], options));
          const octets: Uint8Array[] = [];
          for (let i = 0; i < input.length; i++) octets.push(input.subarray(i, i + 1));
          expect(JSON.stringify(parsePieces(kind, octets, options))).toBe(whole);
          expect(JSON.stringify(parsePieces(kind, split(input, cuts), options))).toBe(whole);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("RFC 9112 §3: octets of request-lines (tchar, SP, CR, LF, control, high) give the same events in any chunking", () => {
    // Short request-lines, most of them broken, with a request-line limit
    // that some of them cross: the method's octet-by-octet verdict and the
    // limits must agree however the octets come.
    const octet = fc.oneof(
      fc.constantFrom(..."GETPOSTM-_.!~*'0a/ HTTP/1.1".split("").map((c) => c.charCodeAt(0))),
      fc.constantFrom(0x20, 0x0d, 0x0a, 0x00, 0x16, 0x7f, 0x80, 0xff, 0x09),
    );
    fc.assert(
      fc.property(
        fc.array(octet, { maxLength: 24 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.record({
          end: fc.boolean(),
          lenient: fc.boolean(),
          max: fc.integer({ min: 4, max: 20 }),
        }),
        (line, cuts, o) => {
          const input = Uint8Array.from([
            ...line,
            0x0d,
            0x0a,
            0x48,
            0x3a,
            0x61,
            0x0d,
            0x0a,
            0x0d,
            0x0a,
          ]);
          const options: Options = {
            end: o.end,
            lenient: o.lenient,
            limits: { maxRequestLine: o.max },
          };
          for (const cut of [input.subarray(0, line.length), input]) {
            const whole = JSON.stringify(parsePieces("request", [cut], options));
            const octets: Uint8Array[] = [];
            for (let i = 0; i < cut.length; i++) octets.push(cut.subarray(i, i + 1));
            expect(JSON.stringify(parsePieces("request", octets, options))).toBe(whole);
            expect(JSON.stringify(parsePieces("request", split(cut, cuts), options))).toBe(whole);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
