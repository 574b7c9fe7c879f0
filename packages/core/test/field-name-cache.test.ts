/**
 * The names of the last head are reused when the next head repeats their
 * octets at the same place (src/field-name-cache.ts). These tests check that
 * a parser that has read other heads before gives exactly what a fresh
 * parser gives: names as received (RFC 9110 §5.1: case kept, matched
 * case-insensitively), the same framing, the same errors.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ParseEvent } from "../src/message.ts";
import { MessageParser } from "../src/parser.ts";
import { bytes } from "./parser-helpers.ts";

/** Every event for `input`, fed in one piece (or one octet at a time). */
function events(parser: MessageParser, input: string, octetwise = false): ParseEvent[] {
  const b = bytes(input);
  const out: ParseEvent[] = [];
  const pull = () => {
    for (let ev = parser.next(); ev !== null; ev = parser.next()) out.push(ev);
  };
  if (octetwise) {
    for (let i = 0; i < b.length; i++) {
      parser.feed(b.subarray(i, i + 1));
      pull();
    }
  } else {
    parser.feed(b);
    pull();
  }
  return out;
}

/** What a fresh parser gives for `input`. */
function fresh(input: string): ParseEvent[] {
  return events(new MessageParser({ kind: "request" }), input);
}

function head(target: string, fields: readonly (readonly [string, string])[]): string {
  let out = `GET ${target} HTTP/1.1\r\n`;
  for (const [n, v] of fields) out += `${n}: ${v}\r\n`;
  return `${out}\r\n`;
}

/** A parser that has read a head of `fields` (its names now kept). */
function parserAfter(fields: readonly (readonly [string, string])[]): MessageParser {
  const parser = new MessageParser({ kind: "request" });
  events(parser, head("/", fields));
  return parser;
}

/** The field lines `parser` gives for a head of `fields`. */
function rawNext(parser: MessageParser, fields: readonly (readonly [string, string])[]): string[] {
  return rawOf(events(parser, head("/", fields))[0]);
}

function rawOf(ev: ParseEvent | undefined): string[] {
  if (ev?.type !== "request") throw new Error(`expected a request event, got ${ev?.type}`);
  return ev.head.fields.raw;
}

describe("field names reused from the last head (field-name-cache.ts)", () => {
  it("RFC 9110 §5.1: a repeated head gives the same names, in the case received", () => {
    const parser = new MessageParser({ kind: "request" });
    const input = head("/a", [
      ["Host", "example.com"],
      ["User-Agent", "t/1"],
      ["accept-encoding", "gzip"],
    ]);
    const first = rawOf(events(parser, input)[0]);
    const second = rawOf(events(parser, input)[0]);
    expect(second).toEqual(first);
    expect(second).toEqual(["Host", "example.com", "User-Agent", "t/1", "accept-encoding", "gzip"]);
  });

  it("RFC 9110 §5.1: a name repeated in another case is given as received, not as before", () => {
    const parser = parserAfter([
      ["Host", "a"],
      ["Accept", "x"],
    ]);
    expect(
      rawNext(parser, [
        ["HOST", "a"],
        ["accept", "x"],
      ]),
    ).toEqual(["HOST", "a", "accept", "x"]);
  });

  it("RFC 9110 §5.1: a longer or a shorter name at the same place is read in full", () => {
    const parser = parserAfter([
      ["Host", "a"],
      ["Accept", "x"],
    ]);
    expect(
      rawNext(parser, [
        ["Host", "a"],
        ["Accept-Encoding", "y"],
      ]),
    ).toEqual(["Host", "a", "Accept-Encoding", "y"]);
    expect(
      rawNext(parser, [
        ["Host", "a"],
        ["Accept", "z"],
      ]),
    ).toEqual(["Host", "a", "Accept", "z"]);
  });

  it("RFC 9112 §6.3 item 6: a repeated Content-Length name still frames the body", () => {
    const parser = new MessageParser({ kind: "request" });
    const post = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
    for (let round = 0; round < 3; round++) {
      const evs = events(parser, post);
      expect(evs.map((e) => e.type)).toEqual(["request", "data", "end"]);
    }
    // The same place, another name of the same length: no body any more.
    const other = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Lengtx: 3\r\n\r\n";
    expect(events(parser, other).map((e) => e.type)).toEqual(["request", "end"]);
  });

  it("RFC 9112 §3.2: a repeated Host name is still checked (value and count)", () => {
    const evs = events(parserAfter([["Host", "a"]]), head("/", [["Host", "a b"]]));
    expect(evs[0]?.type).toBe("error");
    if (evs[0]?.type === "error") expect(evs[0].error.code).toBe("INVALID_HOST");
  });

  it("RFC 9112 §5.1: whitespace before the colon after a repeated name is still rejected", () => {
    const parser = parserAfter([
      ["Host", "a"],
      ["Accept", "x"],
    ]);
    const evs = events(parser, "GET / HTTP/1.1\r\nHost: a\r\nAccept : x\r\n\r\n");
    expect(evs).toEqual(fresh("GET / HTTP/1.1\r\nHost: a\r\nAccept : x\r\n\r\n"));
    expect(evs[0]?.type === "error" && evs[0].error.code).toBe("WHITESPACE_BEFORE_COLON");
  });

  it("RFC 9110 §5.1: a name that differs from the kept one in its last octet is scanned", () => {
    const parser = parserAfter([
      ["Host", "a"],
      ["X-Abcd", "1"],
    ]);
    const bad = "GET / HTTP/1.1\r\nHost: a\r\nX-Abc\u0001: 1\r\n\r\n";
    const evs = events(parser, bad);
    expect(evs).toEqual(fresh(bad));
    expect(evs[0]?.type).toBe("error");
  });

  it("RFC 9110 §5.1: a kept name of any length is matched on every octet of its last word", () => {
    // Lengths 1 to 9 cover a last word of one to four octets; each octet in turn differs.
    for (let len = 1; len <= 9; len++) {
      const name = "abcdefghi".slice(0, len);
      for (let k = 0; k < len; k++) {
        const parser = parserAfter([
          ["Host", "a"],
          [name, "1"],
        ]);
        const other = `${name.slice(0, k)}z${name.slice(k + 1)}`;
        const fields = [
          ["Host", "a"],
          [other, "1"],
        ] as const;
        expect(rawNext(parser, fields), `${name} → ${other}`).toEqual(["Host", "a", other, "1"]);
        // The same name again is reused as kept.
        expect(rawNext(parserAfter(fields), fields)).toEqual(["Host", "a", other, "1"]);
      }
    }
  });

  it("RFC 9110 §5.1: heads with more field lines than are kept read every name", () => {
    const parser = new MessageParser({ kind: "request" });
    const fields: [string, string][] = [["Host", "a"]];
    for (let i = 0; i < 50; i++) fields.push([`X-Field-${i}`, `${i}`]);
    const input = head("/", fields);
    const expected = fields.flat();
    for (let round = 0; round < 3; round++)
      expect(rawOf(events(parser, input)[0])).toEqual(expected);
  });

  it("RFC 9112 §2.1: a repeated head fed one octet at a time gives the same events", () => {
    const parser = new MessageParser({ kind: "request" });
    const input = head("/x", [
      ["Host", "a"],
      ["Accept-Language", "en"],
      ["Cookie", "c=1"],
    ]);
    events(parser, input);
    expect(events(parser, input, true)).toEqual(fresh(input));
  });

  it("property: a parser that read other heads gives what a fresh parser gives", () => {
    const names = [
      "Host",
      "host",
      "HOST",
      "Accept",
      "Accept-Encoding",
      "Accept-Encodin",
      "X-A",
      "Cookie",
    ];
    const name = fc.oneof(
      fc.constantFrom(...names),
      fc.stringMatching(/^[A-Za-z-]{1,12}$/),
      fc.constantFrom("Ho st", "Host ", "X\u0000Y", ""),
    );
    const line = fc.tuple(name, fc.constantFrom("a", "b.example", "gzip, br", "x\u0001y", ""));
    const request = fc.array(line, { maxLength: 6 }).map((fields) => head("/", fields));
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 6 }), (heads) => {
        const parser = new MessageParser({ kind: "request" });
        for (const input of heads) {
          const got = events(parser, input);
          expect(got).toEqual(fresh(input));
          // After an error the parser is done; carry on with a new one.
          if (got.some((e) => e.type === "error")) return;
        }
      }),
      { numRuns: 300 },
    );
  });
});
