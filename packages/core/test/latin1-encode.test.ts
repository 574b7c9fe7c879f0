/**
 * Outgoing octets (latin1-encode.ts): one octet per code unit (RFC 9112 §2.2:
 * protocol elements are octets; RFC 9110 §5.5: obs-text goes out as the
 * single octet), by the portable path or by a runtime's installed writer —
 * which must write exactly the same octets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodeLatin1, installLatin1Writer, joinToLastRegion } from "../src/latin1-encode.ts";
import { serializeResponseHead } from "../src/serializer.ts";

/** Every octet value once, as a string of code units 0x00–0xFF. */
const ALL_OCTETS = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

/** A stand-in for a native writer: the definition itself, counting its calls. */
let calls = 0;
function referenceWriter(text: string, into: Uint8Array): void {
  calls++;
  for (let i = 0; i < text.length; i++) into[i] = text.charCodeAt(i);
}

afterEach(() => {
  installLatin1Writer(null);
  calls = 0;
});

describe("encodeLatin1", () => {
  it("RFC 9112 §2.2: writes every code unit 0x00–0xFF as that one octet (portable path)", () => {
    const out = encodeLatin1(ALL_OCTETS, false);
    expect([...out]).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });

  it("RFC 9112 §2.2: the ASCII path writes the same octets as the latin1 path", () => {
    const text = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n";
    expect([...encodeLatin1(text, true)]).toEqual([...encodeLatin1(text, false)]);
  });

  it("an installed writer is used for every head, with a view exactly as long as the text", () => {
    const seen: number[] = [];
    installLatin1Writer((text, into) => {
      seen.push(into.length);
      referenceWriter(text, into);
    });
    const out = encodeLatin1("abc\u00e9", false);
    expect([...out]).toEqual([0x61, 0x62, 0x63, 0xe9]);
    encodeLatin1("HTTP/1.1", true);
    expect(seen).toEqual([4, 8]);
  });

  it("RFC 9110 §5.5: a head with obs-text is the same octets with or without a writer", () => {
    const head = {
      status: 200,
      fields: [
        ["x-note", "caf\u00e9"],
        ["content-type", "text/plain"],
      ] as [string, string][],
    };
    const framing = { kind: "length", length: 2 } as const;
    const portable = [...serializeResponseHead(head, framing)];
    installLatin1Writer(referenceWriter);
    const written = [...serializeResponseHead(head, framing)];
    expect(calls).toBe(1);
    expect(written).toEqual(portable);
  });

  it("installLatin1Writer(null) goes back to the portable path", () => {
    installLatin1Writer(referenceWriter);
    installLatin1Writer(null);
    expect([...encodeLatin1(ALL_OCTETS, false)]).toHaveLength(256);
    expect(calls).toBe(0);
  });

  it("regions handed out are never rewritten by later heads (with a writer)", () => {
    installLatin1Writer(referenceWriter);
    const first = encodeLatin1("first head", true);
    for (let i = 0; i < 5000; i++) encodeLatin1(`later head ${i}`, true);
    expect(new TextDecoder().decode(first)).toBe("first head");
  });
});

describe("joinToLastRegion", () => {
  const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b);

  it("joins a short tail to the region handed out last, leaving the region's octets alone", () => {
    const head = encodeLatin1("HEAD\r\n\r\n", true);
    const tail = new TextEncoder().encode("body");
    const joined = joinToLastRegion(head, tail);
    expect(joined === null ? null : text(joined)).toBe("HEAD\r\n\r\nbody");
    expect(text(head)).toBe("HEAD\r\n\r\n");
    // Nothing handed out later overwrites the joined octets.
    const next = encodeLatin1("next", true);
    expect(joined === null ? null : text(joined)).toBe("HEAD\r\n\r\nbody");
    expect(text(next)).toBe("next");
  });

  it("refuses a region that is not the last one handed out", () => {
    const first = encodeLatin1("first", true);
    encodeLatin1("second", true);
    expect(joinToLastRegion(first, new Uint8Array(3))).toBeNull();
  });

  it("refuses a buffer that is not a slab region, and a long tail", () => {
    expect(joinToLastRegion(new Uint8Array(4), new Uint8Array(3))).toBeNull();
    const head = encodeLatin1("head", true);
    expect(joinToLastRegion(head, new Uint8Array(5000))).toBeNull();
  });

  it("refuses when the slab has no room, then joins in the next slab", () => {
    let refused = false;
    for (let i = 0; i < 64 && !refused; i++) {
      const head = encodeLatin1("x".repeat(1000), true);
      if (joinToLastRegion(head, new Uint8Array(1000).fill(0x62)) === null) refused = true;
    }
    expect(refused).toBe(true);
    const head = encodeLatin1("h", true);
    const joined = joinToLastRegion(head, new Uint8Array([0x62]));
    expect(joined === null ? null : text(joined)).toBe("hb");
  });
});
