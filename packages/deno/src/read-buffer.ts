import { BytePool } from "./byte-pool.ts";

/** Size of a small read region, carved from the read pool's shared slabs. */
const REGION_SIZE = 4 * 1024;
/** The read pool's slab size: four regions each. */
const SLAB_SIZE = 16 * 1024;
/** The pool every connection's small read regions come from. */
const readPool = new BytePool(SLAB_SIZE, REGION_SIZE);
/** A region is read into again while at least this much of it is left. */
const MIN_SPACE = 2 * 1024;
/** Size of a bulk read buffer, once reads fill what they are given. */
const BULK_SIZE = 64 * 1024;
/** In bulk, reads of at least this many bytes are handed over as they are. */
const BULK_HAND_OVER = 16 * 1024;

/**
 * Where a connection's reads go. A Deno connection always has a `read()`
 * pending, also while idle, and that read holds its buffer: a 64 KiB buffer
 * per connection costs 64 KiB per idle keep-alive connection. So reads go
 * into small regions of the shared {@link BytePool}, the bytes read are
 * handed over in place (a view: no copy) and the next read goes into the rest
 * of the region — an idle connection holds a few KiB of a shared slab. Only
 * when a read fills all it was given (a body streaming in) do reads go into
 * a 64 KiB buffer of the connection's own, large reads again handed over in
 * place; the first short read ends that (it is copied out, and the large
 * buffer dropped), so a connection that goes idle holds a small region again.
 *
 * Every byte handed over is never written again (the pool's write-once
 * rule), so the socket layer can promise `reusesReadBuffers: false`.
 * Regions come from a pool of their own, so that four idle connections
 * share one slab (the writers' small batches would leave gaps in it).
 */
export class ReadBuffer {
  private space: Uint8Array;
  private bulk = false;
  private readonly pool: BytePool;

  constructor(pool: BytePool = readPool) {
    this.pool = pool;
    this.space = pool.take(REGION_SIZE);
  }

  /** Where the next `read()` goes. Never empty. */
  get target(): Uint8Array {
    return this.space;
  }

  /** True while reads go into a large buffer of this connection's own. */
  get inBulk(): boolean {
    return this.bulk;
  }

  /**
   * `count` (≥ 1) bytes were read into {@link ReadBuffer.target}: returns
   * them, to keep as long as wanted, and prepares the next target.
   */
  filled(count: number): Uint8Array {
    const space = this.space;
    if (this.bulk && count < BULK_HAND_OVER) {
      // The burst is over: copy the tail out and go back to small regions.
      this.bulk = false;
      this.space = this.pool.take(REGION_SIZE);
      return this.pool.copy(space.subarray(0, count));
    }
    // Views made with the constructor: cheaper on V8 than subarray().
    const bytes = new Uint8Array(space.buffer, space.byteOffset, count);
    if (!this.bulk && count === space.length) {
      this.bulk = true; // more is likely waiting
      this.space = new Uint8Array(BULK_SIZE);
      return bytes;
    }
    const rest = new Uint8Array(space.buffer, space.byteOffset + count, space.length - count);
    if (rest.length >= (this.bulk ? BULK_HAND_OVER : MIN_SPACE)) this.space = rest;
    else this.space = this.bulk ? new Uint8Array(BULK_SIZE) : this.pool.take(REGION_SIZE);
    return bytes;
  }
}
