/** The taps find message boundaries whatever the chunking (wire-tap.ts). */
import { describe, expect, it } from "vitest";
import { RequestTap, ResponseTap, type Span } from "../src/wire-tap.ts";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Feeds `text` in chunks of `size` and returns the spans with absolute offsets. */
function feedAll(tap: { feed(b: Uint8Array): Span[] }, text: string, size: number): Span[] {
  const bytes = enc(text);
  const out: Span[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    for (const s of tap.feed(bytes.subarray(at, at + size)))
      out.push({ ...s, from: s.from + at, to: s.to + at });
  }
  return out;
}

/** Joins adjacent spans of one message. */
function messages(spans: Span[]): { index: number; from: number; to: number }[] {
  const out: { index: number; from: number; to: number }[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last !== undefined && last.index === s.index) last.to = s.to;
    else out.push({ index: s.index, from: s.from, to: s.to });
  }
  return out;
}

const REQUESTS =
  "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /img/1 HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n";
const R1 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
const R2 = "HTTP/1.1 200 OK\r\ncontent-length: 3\r\nConnection: close\r\n\r\nabc";

describe("wire taps", () => {
  for (const size of [1, 2, 3, 7, 1000]) {
    it(`request tap splits pipelined heads (chunks of ${size})`, () => {
      const tap = new RequestTap();
      const spans = feedAll(tap, REQUESTS, size);
      expect(messages(spans)).toEqual([
        { index: 0, from: 0, to: 27 },
        { index: 1, from: 27, to: REQUESTS.length },
      ]);
      expect(spans.filter((s) => s.starts).map((s) => s.index)).toEqual([0, 1]);
      expect(spans.filter((s) => s.ends).map((s) => s.index)).toEqual([0, 1]);
      expect(tap.lines).toEqual([
        { method: "GET", target: "/", version: "HTTP/1.1" },
        { method: "GET", target: "/img/1", version: "HTTP/1.0" },
      ]);
    });

    it(`response tap frames by Content-Length (chunks of ${size})`, () => {
      const tap = new ResponseTap();
      const spans = feedAll(tap, R1 + R2, size);
      expect(messages(spans)).toEqual([
        { index: 0, from: 0, to: R1.length },
        { index: 1, from: R1.length, to: R1.length + R2.length },
      ]);
      expect(spans.filter((s) => s.starts).map((s) => s.index)).toEqual([0, 1]);
      expect(spans.filter((s) => s.ends).map((s) => s.index)).toEqual([0, 1]);
      expect(tap.completed).toBe(2);
      expect(tap.heads.map((h) => [h.status, h.contentLength, h.close])).toEqual([
        [200, 5, false],
        [200, 3, true],
      ]);
    });
  }

  it("response tap: a body without Content-Length ends at the close", () => {
    const tap = new ResponseTap();
    const spans = feedAll(tap, "HTTP/1.0 200 OK\r\n\r\nsome bytes", 4);
    expect(spans.every((s) => !s.ends)).toBe(true);
    expect(tap.closed()).toBe(true);
    expect(tap.completed).toBe(1);
  });
});
