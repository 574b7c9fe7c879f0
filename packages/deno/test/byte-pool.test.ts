/** The byte pool: small regions carved out of write-once slabs, never handed out twice. */
import assert from "node:assert/strict";
import { BytePool } from "../src/byte-pool.ts";
import { ReadBuffer } from "../src/read-buffer.ts";
import { WriteQueue } from "../src/write-queue.ts";

Deno.test("BytePool carves small regions from one slab, each fresh and never overlapping", () => {
  const pool = new BytePool(16, 8);
  const a = pool.take(5);
  const b = pool.take(6);
  assert.equal(a.buffer, b.buffer, "one slab");
  assert.equal(a.byteOffset + a.length <= b.byteOffset, true);
  assert.deepEqual(b, new Uint8Array(6), "fresh regions are zeroes");
  a.fill(1);
  b.fill(2);
  const c = pool.take(6); // 5 bytes left in the slab: a new one
  assert.notEqual(c.buffer, a.buffer);
  assert.deepEqual(c, new Uint8Array(6));
  assert.deepEqual(a, new Uint8Array(5).fill(1), "earlier regions are never written again");
  assert.deepEqual(b, new Uint8Array(6).fill(2));
});

Deno.test("BytePool gives regions above its carving limit a buffer of their own", () => {
  const pool = new BytePool(16, 8);
  const small = pool.take(8);
  const large = pool.take(9);
  assert.notEqual(large.buffer, small.buffer);
  assert.equal(large.byteOffset, 0);
  assert.equal(large.buffer.byteLength, 9);
  assert.throws(() => new BytePool(8, 16), RangeError);
});

Deno.test("BytePool.copy returns an equal copy that the source's later changes do not touch", () => {
  const pool = new BytePool(16, 8);
  const source = new Uint8Array([1, 2, 3]);
  const copy = pool.copy(source);
  source[0] = 9;
  assert.deepEqual(copy, new Uint8Array([1, 2, 3]));
  assert.notEqual(copy.buffer, source.buffer);
  assert.deepEqual(pool.copy(new Uint8Array(12).fill(4)), new Uint8Array(12).fill(4));
});

Deno.test("WriteQueue merges into its pool's slabs; a merged batch stays intact after later merges", () => {
  const pool = new BytePool(16, 16);
  const q = new WriteQueue(16, pool);
  q.push([new Uint8Array([1, 2]), new Uint8Array([3])]);
  const first = q.take();
  assert.deepEqual(first, new Uint8Array([1, 2, 3]));
  q.written(3);
  q.push([new Uint8Array([4]), new Uint8Array([5, 6])]);
  const second = q.take();
  assert.equal(second.buffer, first.buffer, "carved from the same slab");
  assert.deepEqual(second, new Uint8Array([4, 5, 6]));
  assert.deepEqual(first, new Uint8Array([1, 2, 3]), "not overwritten");
});

/** Simulates `count`-byte reads into `reads`, each filled with its own byte; returns what was handed over. */
function simulateReads(reads: ReadBuffer, counts: readonly number[]): Uint8Array[] {
  return counts.map((count, i) => {
    const target = reads.target;
    assert.ok(count <= target.length, `read ${i} fits its target`);
    target.fill(i % 251, 0, count);
    return reads.filled(count);
  });
}

Deno.test("ReadBuffer: small reads are handed over in place and the next goes into the rest of a small region", () => {
  const reads = new ReadBuffer(new BytePool());
  assert.ok(reads.target.length <= 4096, "an idle connection holds a small region, not 64 KiB");
  const first = reads.target;
  const [a, b] = simulateReads(reads, [40, 400]);
  assert.equal(a?.buffer, first.buffer, "no copy");
  assert.equal(b?.buffer, first.buffer);
  assert.equal((a?.byteOffset ?? 0) + 40, b?.byteOffset, "the next read went into the rest");
  assert.equal(reads.inBulk, false);
});

Deno.test("ReadBuffer: a read that fills its target switches to 64 KiB reads; the first short one switches back", () => {
  const reads = new ReadBuffer(new BytePool());
  simulateReads(reads, [reads.target.length]);
  assert.equal(reads.inBulk, true);
  assert.equal(reads.target.length, 64 * 1024);
  const [large] = simulateReads(reads, [20_000]);
  assert.equal(large?.length, 20_000);
  assert.equal(reads.inBulk, true);
  assert.ok(reads.target.length >= 16 * 1024, "the rest of the large buffer is read into");
  const bulkBuffer = reads.target.buffer;
  const [tail] = simulateReads(reads, [100]);
  assert.notEqual(tail?.buffer, bulkBuffer, "a short read in bulk is copied out");
  assert.equal(reads.inBulk, false);
  assert.ok(reads.target.length <= 4096);
});

Deno.test("ReadBuffer: bytes handed over are never written again by later reads (reusesReadBuffers: false)", () => {
  const reads = new ReadBuffer(new BytePool());
  const counts: number[] = [];
  for (let i = 0; i < 400; i++)
    counts.push([1, 37, 700, 2100, 4096, 16_384, 40_000, 65_536][i % 8] ?? 1);
  const kept: Uint8Array[] = [];
  for (const count of counts) {
    // Every read writes its whole target, so a target that overlapped bytes
    // handed over before would show in them.
    const target = reads.target;
    target.fill(0xff);
    const bytes = reads.filled(Math.min(count, target.length));
    bytes.fill(kept.length % 251);
    kept.push(bytes);
  }
  kept.forEach((bytes, i) => {
    assert.ok(
      bytes.every((byte) => byte === i % 251),
      `read ${i} intact`,
    );
  });
});
