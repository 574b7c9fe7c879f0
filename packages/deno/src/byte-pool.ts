/**
 * Small byte buffers carved out of shared slabs. Every `new Uint8Array()`
 * on Deno costs an ArrayBuffer with its own backing store (no typed array is
 * kept on V8's heap there): about 1 µs, plus work for the garbage collector,
 * which for a small keep-alive exchange — one read copied out, one response
 * merged from its head and body — is a tenth of the server's CPU time.
 * Carving is a view on a slab (a plain heap object).
 *
 * The pool is write-once: a region is handed out once and no byte of a slab
 * is ever written again after its region was handed out, so regions may be
 * kept, aliased and handed to `Deno.Conn.write()` without copies or
 * hand-backs. The price is Node's `Buffer.allocUnsafe` pool's: a region kept
 * alive keeps its whole slab alive, so slabs are small and only small
 * regions come from them.
 */

/** Slab size: what a kept region may keep alive at most. */
const SLAB_SIZE = 8 * 1024;
/** Regions up to this size are carved; larger ones get a buffer of their own. */
const MAX_CARVED = 4 * 1024;

/** Write-once slabs of bytes; see the module comment. */
export class BytePool {
  private slab = new Uint8Array(0);
  private used = 0;
  private readonly slabSize: number;
  private readonly maxCarved: number;

  /** Regions up to `maxCarved` bytes come from slabs of `slabSize` bytes. */
  constructor(slabSize = SLAB_SIZE, maxCarved = MAX_CARVED) {
    if (maxCarved > slabSize) throw new RangeError("maxCarved exceeds slabSize");
    this.slabSize = slabSize;
    this.maxCarved = maxCarved;
  }

  /** `size` fresh bytes (zeroes: no region was ever written before it is handed out). */
  take(size: number): Uint8Array {
    if (size > this.maxCarved) return new Uint8Array(size);
    if (this.slab.length - this.used < size) {
      this.slab = new Uint8Array(this.slabSize);
      this.used = 0;
    }
    const start = this.used;
    this.used = start + size;
    // A view made with the constructor (slabs start at offset 0): cheaper on V8 than subarray().
    return new Uint8Array(this.slab.buffer, start, size);
  }

  /** A copy of `bytes` that no one else holds. */
  copy(bytes: Uint8Array): Uint8Array {
    const out = this.take(bytes.length);
    out.set(bytes);
    return out;
  }
}

/** The pool of the Deno socket layer's write batches (reads have a pool of their own, read-buffer.ts). */
export const sharedPool = new BytePool();
