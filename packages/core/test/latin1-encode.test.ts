/**
 * Outgoing octets (latin1-encode.ts): one octet per code unit (RFC 9112 §2.2:
 * protocol elements are octets; RFC 9110 §5.5: obs-text goes out as the
 * single octet), by the portable path or by a runtime's installed writer —
 * which must write exactly the same octets.
 */
import { afterEach, describe, expect, it } from "vitest";
import { encodeLatin1, installLatin1Writer } from "../src/latin1-encode.ts";
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
