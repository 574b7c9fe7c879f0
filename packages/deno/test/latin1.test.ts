/**
 * The Deno layer's head decoder (src/latin1.ts) against core's portable one
 * (packages/core/src/latin1.ts): RFC 9110 §5.5 — every octet, obs-text
 * %x80–FF included, becomes the code point of the same value, so that a
 * head decodes to exactly what core's own path gives, and a server over the
 * layer answers exactly as one over core's path does, octet for octet.
 */
import assert from "node:assert/strict";
import { createServe, type SocketLayer } from "@tether/adapter-kit";
import { decodeLatin1 as portable } from "../../core/src/latin1.ts";
import { denoSocketLayer } from "../src/index.ts";
import { latin1Decoder } from "../src/latin1.ts";

Deno.test.sanitizer({ ops: true, resources: true });

/** Deno 2 has Node's latin1Slice: the layer offers it as its head decoder. */
const decode = latin1Decoder as (bytes: Uint8Array, start: number, end: number) => string;

Deno.test("this Deno has latin1Slice, and the layer hands it to core", () => {
  assert.equal(typeof latin1Decoder, "function");
  assert.equal(denoSocketLayer.decodeLatin1, latin1Decoder);
});

Deno.test("RFC 9110 §5.5: every octet 0x00–0xFF decodes to the code point of the same value", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = decode(all, 0, 256);
  assert.equal(text.length, 256);
  for (let i = 0; i < 256; i++) assert.equal(text.charCodeAt(i), i, `octet ${i}`);
  assert.equal(text, portable(all, 0, 256));
  // Each octet alone, at an odd place in a view on a larger buffer.
  const slab = new Uint8Array(1024);
  const view = slab.subarray(333, 700);
  for (let i = 0; i < 256; i++) {
    view[17] = i;
    assert.equal(decode(view, 17, 18), String.fromCharCode(i));
    assert.equal(decode(view, 17, 18), portable(view, 17, 18));
  }
  assert.equal(decode(view, 5, 5), "");
});

/** A small seeded generator (xorshift32): the same cases on every run. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

Deno.test("random octets, offsets and lengths decode exactly as core's portable decoder does", () => {
  const next = random(0x7e7e);
  // Lengths around core's chunk (4096), the read regions (4 KiB) and slabs (16 KiB).
  const lengths = [0, 1, 2, 7, 40, 255, 4095, 4096, 4097, 8192, 16383, 16384, 16385, 40000];
  for (let round = 0; round < 300; round++) {
    const slab = new Uint8Array(48 * 1024);
    // Mostly obs-text and controls in some rounds, plain ASCII in others.
    const mix = round % 3;
    for (let i = 0; i < slab.length; i++) {
      const r = next();
      slab[i] =
        mix === 0 ? (r * 256) | 0 : mix === 1 ? 0x80 + ((r * 128) | 0) : 0x20 + ((r * 95) | 0);
    }
    const offset = (next() * 2048) | 0;
    const view = slab.subarray(offset, offset + 44 * 1024);
    const length =
      round < lengths.length
        ? (lengths[round] as number)
        : (next() * (next() < 0.8 ? 512 : 20000)) | 0;
    const start = (next() * (view.length - length)) | 0;
    const got = decode(view, start, start + length);
    assert.equal(got.length, length);
    assert.equal(got, portable(view, start, start + length), `round ${round}`);
  }
});

/** A layer without the hook: core's portable decoder runs. */
const portableLayer = (() => {
  const layer: Record<string, unknown> = { ...denoSocketLayer };
  delete layer.decodeLatin1;
  return layer as unknown as SocketLayer;
})();

/** Sends `request` (closing our side after it) and returns every octet of the answer. */
async function exchange(port: number, request: Uint8Array): Promise<Uint8Array> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(request);
    await conn.closeWrite();
    const parts: Uint8Array[] = [];
    const buffer = new Uint8Array(8192);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      parts.push(buffer.slice(0, n));
    }
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  } finally {
    conn.close();
  }
}

/** The request with `octet` in a field value and in the target, as bytes. */
function requestWith(octet: number): Uint8Array {
  const before = new TextEncoder().encode("GET /t");
  const middle = new TextEncoder().encode(" HTTP/1.1\r\nHost: a\r\nX-Probe: a");
  const after = new TextEncoder().encode("z\r\nConnection: close\r\n\r\n");
  const target = octet % 2 === 0; // the octet in the target on even values, else in the field
  const parts = target ? [before, [octet], middle, after] : [before, middle, [octet], after];
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

Deno.test("RFC 9110 §5.5: servers with and without the hook answer every octet alike", async () => {
  const answer = {
    hostname: "127.0.0.1",
    port: 0,
    // Echo the field value (obs-text included) and the target back in a field.
    handler: (ex: {
      head: { target: string; fields: { get(n: string): string | null } };
      respond(s: number, f: [string, string][], b: string): void;
    }) => {
      const value = ex.head.fields.get("x-probe") ?? "";
      const codes = [...value].map((c) => c.charCodeAt(0).toString(16)).join(",");
      ex.respond(
        200,
        [
          ["x-echo", value],
          ["x-codes", codes],
        ],
        ex.head.target,
      );
    },
  };
  const withHook = await createServe(denoSocketLayer)(answer as never);
  const without = await createServe(portableLayer)(answer as never);
  try {
    for (let octet = 0; octet < 256; octet++) {
      const request = requestWith(octet);
      const a = await exchange(withHook.port, request);
      const b = await exchange(without.port, request);
      assert.deepEqual(a, b, `octet 0x${octet.toString(16)}`);
      // Field values take obs-text (RFC 9110 §5.5): its octet comes back as sent.
      if (octet >= 0x80 && octet % 2 === 1) {
        const text = portable(a, 0, a.length);
        assert.match(text, /^HTTP\/1\.1 200 /);
        assert.ok(text.includes(`x-echo: a${String.fromCharCode(octet)}z\r\n`), text);
      }
    }
  } finally {
    await withHook.close();
    await without.close();
  }
});
