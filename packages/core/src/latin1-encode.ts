/**
 * String → octets, one octet per code unit (ISO-8859-1), for outgoing heads.
 * The inverse of latin1.ts.
 *
 * HTTP/1.1 protocol elements are octets, not characters (RFC 9112 §2.2).
 * Outgoing heads are built as one string whose every code unit is ≤ 0xFF
 * (the serializer checks this first), so an obs-text octet (RFC 9110 §5.5)
 * such as 0xE9 goes out as the single octet 0xE9, never as UTF-8.
 *
 * Speed: allocating one small `Uint8Array` per head costs more than writing
 * the head itself (measured ~1.5 µs vs ~0.25 µs on Node 20), so heads are
 * carved out of a shared slab, the way runtimes pool small buffers. A slab
 * region is handed out once and never written again, so returned views are
 * safe to keep; they only share their `ArrayBuffer` with other heads (do not
 * transfer or write into it).
 *
 * A runtime with a native latin1 writer (Node's `Buffer#latin1Write`) may
 * install it ({@link installLatin1Writer}); the adapter kit does so for a
 * socket layer that offers one. Core itself never touches a runtime type:
 * it only calls the function it is given, with the same inputs and the
 * same required output as its own portable path.
 */

// TextEncoder is declared in globals.d.ts (Web standard; Node, Bun, Deno).
const encoder = new TextEncoder();

/** Size of one slab; texts longer than a quarter of it get their own buffer. */
const SLAB_SIZE = 16384;
let slab = new Uint8Array(SLAB_SIZE);
let slabOffset = 0;

/** A fresh, never-before-returned region of `length` octets. */
function take(length: number): Uint8Array {
  if (length > SLAB_SIZE >>> 2) return new Uint8Array(length);
  if (slabOffset + length > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOffset = 0;
  }
  const out = slab.subarray(slabOffset, slabOffset + length);
  slabOffset += length;
  return out;
}

/**
 * Writes `text` into `into` from index 0, one octet per code unit:
 * `into[i] = text.charCodeAt(i)` for every `i` below `text.length`
 * (`into.length`). Every code unit is ≤ 0xFF when it is called.
 */
export type Latin1Writer = (text: string, into: Uint8Array) => void;

/** The installed native writer, or null for the portable path. */
let nativeWriter: Latin1Writer | null = null;

/**
 * Installs a runtime's native {@link Latin1Writer} for every outgoing head
 * (or removes it, with `null`). One per process: the runtime is. It must
 * write exactly what the portable path writes (tested in
 * latin1-encode.test.ts); it is only faster.
 */
export function installLatin1Writer(writer: Latin1Writer | null): void {
  nativeWriter = writer;
}

/**
 * Writes `text` as octets, one per code unit.
 *
 * @param text - every code unit must be ≤ 0xFF (callers validate first)
 * @param ascii - true when every code unit is ≤ 0x7F: then UTF-8 equals
 *   ISO-8859-1 and the native `encodeInto` does the copy
 */
export function encodeLatin1(text: string, ascii: boolean): Uint8Array {
  const out = take(text.length);
  const native = nativeWriter;
  if (native !== null) {
    native(text, out);
  } else if (ascii) {
    encoder.encodeInto(text, out);
  } else {
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  }
  return out;
}
