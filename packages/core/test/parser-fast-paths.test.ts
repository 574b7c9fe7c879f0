/**
 * The parser's fast paths agree with its full scanners:
 * - FieldSection.run (one pass over field lines of the common shape) records
 *   a line only when field-line.ts's scanner accepts it, with the same parts,
 *   and within the same limits;
 * - the plain `1*HEXDIG CRLF` chunk-size line gives the size the full
 *   chunk-size reader gives;
 * - an injected `decodeLatin1` gives the same events as the default decoder.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FieldLineParts, scanFieldLine } from "../src/field-line.ts";
import { FieldSection } from "../src/field-section.ts";
import type { Latin1Decoder } from "../src/latin1.ts";
import { MessageParser } from "../src/parser.ts";
import { mutate, mutation, requestMessage, responseMessage, split } from "./message-generators.ts";
import { bytes, drain, merged, type Seen, text } from "./parser-helpers.ts";

/** Octets that matter to a field line, weighted towards the valid ones. */
const lineOctet = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(..."aZ0-_~!|`^.".split("")) },
  { weight: 3, arbitrary: fc.constantFrom(":", " ", "\t") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("\r", "\n", "\0", "\x7f", "\x80", "\xff", '"', "(", "@", "\x01"),
  },
);
const fieldLineText = fc.string({ unit: lineOctet, minLength: 1, maxLength: 40 });

/** Runs a fresh section over `b` (one head starting at 0) and returns what it recorded. */
function runSection(
  b: Uint8Array,
  maxLine = 8192,
  sectionEnd = 1 << 30,
  maxFields = 100,
): { next: number; fields: string[]; section: FieldSection } {
  const section = new FieldSection(maxFields);
  const next = section.run(b, 0, 0, b.length, maxLine, sectionEnd);
  return { next, fields: section.build(text(b)).raw.slice(), section };
}

describe("FieldSection.run, the one-pass field-line check", () => {
  it("RFC 9110 §5.1, §5.5: a line it records is one the full scanner accepts, with the same parts", () => {
    fc.assert(
      fc.property(fieldLineText, (line) => {
        // One candidate line, then the empty line (where run stops). A CRLF
        // inside the text would make it two lines: not this property's case.
        fc.pre(!line.includes("\r\n"));
        const b = bytes(`${line}\r\n\r\n`);
        const { next, fields } = runSection(b);
        const parts = new FieldLineParts();
        const scanned = scanFieldLine(b, 0, b.length, false, parts, 0);
        if (next > 0) {
          expect(scanned).toBe(next);
          const t = text(b);
          expect(fields).toEqual([
            t.slice(0, parts.nameEnd),
            t.slice(parts.valueStart, parts.valueEnd),
          ]);
        } else if (scanned > 0) {
          // The scanner's only extra: nothing (CRLF lines it accepts are all taken).
          throw new Error(`run left a line the scanner accepts: ${JSON.stringify(line)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("RFC 9110 §5.5: the four-octets-at-a-time value check stops at any other octet, in any place", () => {
    // Every octet class around SP/VCHAR (%x20-7E), at every place of values
    // of 1 to 12 octets: in a turn of four octets, or in the octets read one
    // at a time after the last such turn.
    const others = [0x00, 0x08, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xbf, 0xff];
    for (let len = 1; len <= 12; len++) {
      for (let at = 0; at < len; at++) {
        for (const c of others) {
          const value = `${"v".repeat(at)}${String.fromCharCode(c)}${"w".repeat(len - at - 1)}`;
          const line = `Name: ${value}\r\n`;
          const b = bytes(`${line}\r\n`);
          const { next, fields, section } = runSection(b);
          const parts = new FieldLineParts();
          const scanned = scanFieldLine(b, 0, b.length, false, parts, 0);
          const where = `octet ${c} at ${at} of ${len}`;
          if (next > 0) {
            expect(scanned, where).toBe(line.length);
            const t = text(b);
            expect(fields, where).toEqual([
              t.slice(0, parts.nameEnd),
              t.slice(parts.valueStart, parts.valueEnd),
            ]);
            // obs-text must be seen, for the head to be decoded as latin1.
            expect(section.nonAscii, where).toBe(c >= 0x80);
          } else {
            // Left to the line-by-line reader: CR, LF and the octets it rejects.
            expect(c === 0x0d || c === 0x0a || scanned < 0, where).toBe(true);
          }
        }
      }
    }
  });

  it("RFC 9112 §2.2: a bare-LF line is left to the line-by-line reader", () => {
    expect(runSection(bytes("A: b\nB: c\r\n\r\n")).next).toBe(0);
    expect(runSection(bytes("A: b\r\nB: c\n\r\n")).next).toBe(6);
  });

  it("RFC 9112 §5.2: an obs-fold line stops the run (the reader handles it)", () => {
    expect(runSection(bytes("A: b\r\n c\r\n\r\n")).next).toBe(6);
  });

  it("RFC 6585 §5: a line over maxFieldLine, past the section limit or over maxFields is not recorded", () => {
    const b = bytes("Aa: bbbb\r\nC: d\r\n\r\n");
    // "Aa: bbbb" is 8 octets long, CRLF excluded
    expect(runSection(b, 8).next).toBe(16);
    expect(runSection(b, 7).next).toBe(0);
    // section end: the first line ends at 10, the second at 16
    expect(runSection(b, 8192, 16).next).toBe(16);
    expect(runSection(b, 8192, 15).next).toBe(10);
    expect(runSection(b, 8192, 9).next).toBe(0);
    const one = runSection(b, 8192, 1 << 30, 1);
    expect(one.next).toBe(10);
    expect(one.section.count).toBe(1);
  });

  it("RFC 9110 §5.5: obs-text is recorded and marks the head for latin1 decoding", () => {
    const { next, fields, section } = runSection(bytes("X: caf\xe9\r\n\r\n"));
    expect(next).toBe(9);
    expect(fields).toEqual(["X", "caf\xe9"]);
    expect(section.nonAscii).toBe(true);
  });

  it("RFC 9110 §5.6.3: OWS around the value is not part of it", () => {
    expect(runSection(bytes("X: \t v a l \t \r\n\r\n")).fields).toEqual(["X", "v a l"]);
    expect(runSection(bytes("X:\r\n\r\n")).fields).toEqual(["X", ""]);
    expect(runSection(bytes("X: \t \r\n\r\n")).fields).toEqual(["X", ""]);
  });
});

describe("chunk-size lines", () => {
  /** The first event after the head of a chunked request whose body starts with `sizeLine`. */
  function afterHead(sizeLine: string): Seen {
    const p = new MessageParser({ kind: "request" });
    p.feed(bytes(`POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${sizeLine}`));
    const events: Seen[] = [];
    drain(p, events);
    return events[1] as Seen; // after the request event
  }

  it("RFC 9112 §7.1: a plain 1*HEXDIG CRLF line gives the size of its digits (up to 16, a safe integer)", () => {
    const hex = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF"), maxLength: 18 });
    fc.assert(
      fc.property(hex, (digits) => {
        const size = digits === "" ? Number.NaN : Number.parseInt(digits, 16);
        const valid = digits.length >= 1 && digits.length <= 16 && size <= Number.MAX_SAFE_INTEGER;
        const ev = afterHead(`${digits}\r\nx`);
        if (!valid) expect(ev).toEqual({ type: "error", code: "INVALID_CHUNK_SIZE", status: 400 });
        else if (size === 0)
          expect(ev).toBeUndefined(); // the last chunk: a trailer line is next
        else expect(ev).toEqual({ type: "data", data: "x" });
      }),
      { numRuns: 500 },
    );
  });
});

/** A portable latin1 decoder that counts its calls. */
function countingDecoder(): { decode: Latin1Decoder; calls: () => number } {
  let calls = 0;
  return {
    decode: (b, start, end) => {
      calls++;
      let out = "";
      for (let i = start; i < end; i++) out += String.fromCharCode(b[i] as number);
      return out;
    },
    calls: () => calls,
  };
}

function parseWith(
  kind: "request" | "response",
  pieces: readonly Uint8Array[],
  decodeLatin1?: Latin1Decoder,
): Seen[] {
  const p = new MessageParser({ kind, ...(decodeLatin1 !== undefined ? { decodeLatin1 } : {}) });
  for (let i = 0; i < 8; i++) if (kind === "response") p.expectResponse("GET");
  const events: Seen[] = [];
  for (const piece of pieces) {
    if (p.state === "switched" || p.state === "error") break;
    p.feed(piece);
    drain(p, events);
  }
  return merged(events);
}

describe("ParserOptions.decodeLatin1", () => {
  it("RFC 9110 §5.5: an injected latin1 decoder gives the same events as the default one", () => {
    const message = fc.oneof(
      requestMessage.map((m) => ({ kind: "request" as const, wire: m.wire })),
      responseMessage.map((m) => ({ kind: "response" as const, wire: m.wire })),
    );
    fc.assert(
      fc.property(
        message,
        fc.array(mutation, { maxLength: 2 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (m, muts, cuts) => {
          const wire = mutate(bytes(m.wire), muts);
          const pieces = split(wire, cuts);
          const injected = countingDecoder();
          expect(parseWith(m.kind, pieces, injected.decode)).toEqual(parseWith(m.kind, pieces));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("is used for heads and trailers, with obs-text kept as latin1 code points", () => {
    const injected = countingDecoder();
    const events = parseWith(
      "request",
      [
        bytes(
          "POST /cafe HTTP/1.1\r\nHost: a\r\nX: \xe9t\xe9\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "0\r\nT: \x80\xff\r\n\r\n",
        ),
      ],
      injected.decode,
    );
    expect(events[0]).toMatchObject({
      type: "request",
      fields: ["Host", "a", "X", "\xe9t\xe9", "Transfer-Encoding", "chunked"],
    });
    expect(events[1]).toEqual({ type: "end", trailers: ["T", "\x80\xff"] });
    expect(injected.calls()).toBeGreaterThanOrEqual(3);
  });
});
