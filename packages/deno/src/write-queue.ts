import { type BytePool, sharedPool } from "./byte-pool.ts";

/**
 * The bytes a connection still has to write, in order. Deno has no writev:
 * each `Deno.Conn.write()` is one operation and one system call, so the
 * writer takes queued buffers merged into one batch up to a size, and only
 * large buffers go out on their own, without a copy. Batches are taken from
 * a {@link BytePool}: a small response's head and body merge into a view on
 * a shared slab, not into a buffer of their own.
 */
export class WriteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
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
    return this.head === this.chunks.length;
  }

  /** Queues buffers (empty ones are skipped). They must not change until written. */
  push(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
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
    const first = chunks[this.head] as Uint8Array;
    let end = this.head + 1;
    let total = first.length;
    while (end < chunks.length && total + (chunks[end] as Uint8Array).length <= this.mergeUpTo) {
      total += (chunks[end] as Uint8Array).length;
      end++;
    }
    let batch = first;
    if (end - this.head > 1) {
      batch = this.pool.take(total);
      let at = 0;
      for (let i = this.head; i < end; i++) {
        const chunk = chunks[i] as Uint8Array;
        batch.set(chunk, at);
        at += chunk.length;
      }
    }
    if (end === chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else this.head = end;
    return batch;
  }

  /** A batch of `count` bytes has been written. */
  written(count: number): void {
    this.queued -= count;
  }

  /** Drops everything (a reset). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
  }
}
