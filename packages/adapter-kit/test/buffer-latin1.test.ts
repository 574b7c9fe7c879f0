import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { decodeLatin1 as portable } from "../../core/src/latin1.ts";
import { latin1SliceDecoder } from "../src/buffer-latin1.ts";

describe("latin1SliceDecoder", () => {
  it("RFC 9110 §5.5: every octet 0x00–0xFF decodes to the code point of the same value, as core's portable decoder", () => {
    const decode = latin1SliceDecoder(Buffer.prototype);
    expect(decode).toBeDefined();
    const all = new Uint8Array(256).map((_, i) => i);
    // A plain Uint8Array (not a Buffer), read at an offset inside a larger buffer.
    const outer = new Uint8Array(300);
    outer.set(all, 20);
    const got = decode?.(outer, 20, 276);
    expect(got).toBe(portable(all, 0, 256));
    for (let i = 0; i < 256; i++) expect(got?.charCodeAt(i)).toBe(i);
  });

  it("a range inside the bytes, and an empty range", () => {
    const decode = latin1SliceDecoder(Buffer.prototype);
    const bytes = new Uint8Array([0x48, 0x6f, 0x73, 0x74, 0xe9, 0x9f]);
    expect(decode?.(bytes, 1, 5)).toBe("ost\u00e9");
    expect(decode?.(bytes, 3, 3)).toBe("");
  });

  it("a runtime whose Buffer has no latin1Slice gets no decoder (core's portable one is used)", () => {
    expect(latin1SliceDecoder({})).toBeUndefined();
    expect(latin1SliceDecoder({ latin1Slice: "not a function" })).toBeUndefined();
  });
});
