/**
 * FieldSection.run scans field lines without bounds checks, up to an LF it
 * found first (field-section.ts, `lineFeedAfter`): the buffer's last octet
 * when it is LF, else the last LF within a window after the line, else the
 * first LF after it. These tests put the octets that follow a head where
 * each of those searches matters — body octets with and without LF, heads
 * longer than the window — and check that the records are those of the
 * head read alone, and that the one-pass scan still leaves every line the
 * full scanner must judge.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FieldSection } from "../src/field-section.ts";
import { bytes, req, text } from "./parser-helpers.ts";

/** Runs a fresh section over `b` (one head starting at 0) and returns what it recorded. */
function runSection(b: Uint8Array): { next: number; fields: string[] } {
  const section = new FieldSection(1000);
  const next = section.run(b, 0, 0, b.length, 8192, 1 << 30);
  return { next, fields: section.build(text(b)).raw.slice() };
}

/** `n` field lines of the common shape, each about 30 octets. */
function fieldLines(n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += `X-Field-${i}: value number ${i} here\r\n`;
  return out;
}

/** Octets that may follow a head (a body): with or without LF, CR and other octets. */
const tailOctet = fc.constantFrom("a", "z", "0", " ", "\r", "\n", "\0", "\xff", ":");
const tail = fc.string({ unit: tailOctet, maxLength: 1200 });

describe("FieldSection.run: the LF it scans up to", () => {
  it("RFC 9112 §5: the records do not depend on the octets after the head", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), tail, (n, after) => {
        const head = `${fieldLines(n)}\r\n`;
        const alone = runSection(bytes(head));
        const followed = runSection(bytes(head + after));
        expect(followed).toEqual(alone);
        expect(alone.fields.length).toBe(2 * n);
      }),
      { numRuns: 300 },
    );
  });

  it("RFC 9112 §2.1: an incomplete last line is not recorded, whatever octets it holds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), tail, (n, partial) => {
        // No LF in the partial line: the run must stop at its start.
        const line = `Y: ${partial.replace(/[\r\n]/g, "")}`;
        const complete = fieldLines(n);
        const { next, fields } = runSection(bytes(complete + line));
        expect(next).toBe(complete.length);
        expect(fields.length).toBe(2 * n);
      }),
      { numRuns: 300 },
    );
  });

  it("RFC 9112 §5: a head longer than the search window, followed by body octets without LF", () => {
    const head = `POST /upload HTTP/1.1\r\nHost: a\r\n${fieldLines(60)}Content-Length: 2000\r\n\r\n`;
    expect(head.length).toBeGreaterThan(1024);
    const events = req(head + "b".repeat(2000));
    expect(events[0]?.type).toBe("request");
    if (events[0]?.type !== "request") return;
    expect(events[0].fields.length).toBe(2 * 62);
    expect(events[1]).toEqual({ type: "data", data: "b".repeat(2000) });
    expect(events[2]).toEqual({ type: "end", trailers: null });
  });

  it("RFC 9112 §2.2: a bare CR or LF inside a line is left to the line reader, which rejects it", () => {
    for (const bad of ["A: x\ry\r\n", "A: x\ny\r\n", "A\n: x\r\n", "A: x\r\r\n"]) {
      const b = bytes(`B: ok\r\n${bad}\r\n`);
      expect(runSection(b).next).toBe(7);
      const events = req(`GET / HTTP/1.1\r\nHost: a\r\nB: ok\r\n${bad}\r\n`);
      expect(events.at(-1)?.type).toBe("error");
    }
  });
});
