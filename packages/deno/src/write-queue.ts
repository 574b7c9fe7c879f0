import { type BytePool, sharedPool } from "./byte-pool.ts";

/** An emptied queue keeps its array of slots up to this length. */
const KEPT_SLOTS = 64;

/**
 * The bytes a connection still has to write, in order. Deno has no writev:
 * each `Deno.Conn.write()` is one operation and one system call, so the
 * writer takes queued buffers merged into one batch up to a size, and only
 * large buffers go out on their own, without a copy. Batches are taken from
 * a {@link BytePool}: a small response's head and body merge into a view on
 * a shared slab, not into a buffer of their own.
 */
export class WriteQueue {
  /**
   * Queued buffers are `chunks[head..tail)`. The array is kept and its slots
   * reused once it has emptied (a fresh array per response would be garbage
   * of every keep-alive exchange); taken slots are cleared, so that nothing
   * written stays reachable from here.
   */
  private chunks: (Uint8Array | undefined)[] = [];
  private head = 0;
  private tail = 0;
  private queued = 0;
  private readonly mergeUpTo: number;
  private readonly pool: BytePool;

  /** `mergeUpTo`: buffers are merged into batches of at most this many bytes. */
  constructor(mergeUpTo: number, pool: BytePool = sharedPool) {
    this.mergeUpTo = mergeUpTo;
    this.pool = pool;
  }

  /** Bytes queued, including those of a batch taken but not yet written. */
  get bytes(): number {
    return this.queued;
  }

  /** Nothing left to take. */
  get empty(): boolean {
    return this.head === this.tail;
  }

  /** Queues buffers (empty ones are skipped). They must not change until written. */
  push(chunks: readonly Uint8Array[]): void {
    const queue = this.chunks;
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i] as Uint8Array;
      if (chunk.length === 0) continue;
      queue[this.tail++] = chunk;
      this.queued += chunk.length;
    }
  }

  /**
   * Takes the next batch: the next buffer as it is when it is large or
   * alone, else it and the buffers after it, copied into one, while they
   * fit in `mergeUpTo`. Call {@link WriteQueue.written} once it is out.
   */
  take(): Uint8Array {
    const chunks = this.chunks;
    const tail = this.tail;
    const start = this.head;
    const first = chunks[start] as Uint8Array;
    let end = start + 1;
    let total = first.length;
    while (end < tail && total + (chunks[end] as Uint8Array).length <= this.mergeUpTo) {
      total += (chunks[end] as Uint8Array).length;
      end++;
    }
    let batch = first;
    if (end - start > 1) {
      batch = this.pool.take(total);
      let at = 0;
      for (let i = start; i < end; i++) {
        const chunk = chunks[i] as Uint8Array;
        batch.set(chunk, at);
        at += chunk.length;
      }
    }
    for (let i = start; i < end; i++) chunks[i] = undefined;
    if (end === tail) this.reset();
    else this.head = end;
    return batch;
  }

  /** A batch of `count` bytes has been written. */
  written(count: number): void {
    this.queued -= count;
  }

  /** Drops everything (a reset). */
  clear(): void {
    this.chunks.fill(undefined, this.head, this.tail);
    this.reset();
    this.queued = 0;
  }

  /** Empty again: slots are reused from the start; a long array left by a burst is dropped. */
  private reset(): void {
    if (this.chunks.length > KEPT_SLOTS) this.chunks = [];
    this.head = 0;
    this.tail = 0;
  }
}
