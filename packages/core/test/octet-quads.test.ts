/**
 * Field values checked four octets at a time (src/octet-quads.ts) agree with
 * the octet-by-octet check (RFC 9110 §5.5: field-vchar, SP, HTAB, obs-text):
 * - valueBreak stops at exactly the first octet that is not SP or VCHAR, for
 *   every octet, at every alignment, whatever precedes the start;
 * - a parser that reads a long field section by words (fed whole) gives the
 *   same events as one that reads it octet by octet (fed one octet at a time,
 *   or in a buffer too long to be copied).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadQuads, valueBreak } from "../src/octet-quads.ts";
import { bytes, run } from "./parser-helpers.ts";

/** SP and VCHAR (%x20-7E): the octets valueBreak passes over. */
const passes = (c: number): boolean => c >= 0x20 && c <= 0x7e;

describe("valueBreak, the four-at-a-time value check", () => {
  it("RFC 9110 §5.5: stops at the first octet that is not SP or VCHAR, at every alignment", () => {
    // Octets before the start that would be flagged (and could borrow into
    // the first octet) must not matter.
    const before = [0x0d, 0x0a, 0x00, 0xff, 0x20, 0x7f, 0x09];
    for (let align = 0; align < 8; align++) {
      for (const run of [0, 1, 2, 3, 4, 5, 9]) {
        for (let c = 0; c < 256; c++) {
          const b = new Uint8Array(align + run + 3);
          for (let i = 0; i < align; i++) b[i] = before[i % before.length]!;
          b.fill(0x20 + (run % 0x5e), align, align + run);
          b[align + run] = c;
          b[align + run + 1] = 0x41;
          b[align + run + 2] = 0x0a;
          expect(loadQuads(b)).toBe(true);
          const expected = passes(c) ? align + run + 2 : align + run;
          expect(valueBreak(align)).toBe(expected);
        }
      }
    }
  });

  it("a buffer larger than the scratch is not loaded (the caller checks octet by octet)", () => {
    expect(loadQuads(new Uint8Array(16385))).toBe(false);
    expect(loadQuads(new Uint8Array(16384))).toBe(true);
  });
});

/** Value octets weighted towards valid ones, with every kind of invalid one. */
const valueOctet = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...'abcXYZ019 ;=,/"()~'.split("")) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("\t", "\x7f", "\x80", "\xff", "\0", "\x01", "\x1f", "\r", "\n"),
  },
);
const fieldLines = fc.array(
  fc.tuple(
    fc.constantFrom("Host", "Accept", "X-Long-Name", "Cookie", "User-Agent", "Content-Length"),
    fc.string({ unit: valueOctet, minLength: 0, maxLength: 70 }),
  ),
  { minLength: 4, maxLength: 20 },
);

describe("a long field section read by words", () => {
  it("RFC 9110 §5.5, RFC 9112 §5: gives the same events as octet-by-octet reading", () => {
    fc.assert(
      fc.property(fieldLines, (lines) => {
        const section = lines.map(([n, v]) => `${n}: ${v}\r\n`).join("");
        fc.pre(section.length >= 256);
        const head = `GET /x HTTP/1.1\r\n${section}\r\n`;
        const whole = run("request", head).events;
        const octets = run("request", head, { feed: "octets" }).events;
        expect(whole).toEqual(octets);
        // In a buffer too long to be copied, the octet loop reads the same head.
        const first = whole[0];
        if (first !== undefined) {
          const long = bytes(`${head}${"x".repeat(4096)}`);
          expect(run("request", long).events[0]).toEqual(first);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("RFC 9110 §5.5: a control octet late in a long value is rejected like a short one", () => {
    const long = "v".repeat(300);
    for (const bad of ["\x01", "\x7f", "\0"]) {
      const head = `GET / HTTP/1.1\r\nHost: a\r\nX: ${long}${bad}${long}\r\n\r\n`;
      const whole = run("request", head).events;
      expect(whole).toEqual(run("request", head, { feed: "octets" }).events);
      expect(whole[0]?.type).toBe("error");
    }
    const ok = `GET / HTTP/1.1\r\nHost: a\r\nX: ${long}\t\xe9${long}\r\n\r\n`;
    const events = run("request", ok).events;
    expect(events[0]?.type).toBe("request");
    expect(events).toEqual(run("request", ok, { feed: "octets" }).events);
  });
});
