/** The byte pool: small regions carved out of write-once slabs, never handed out twice. */
import assert from "node:assert/strict";
import { BytePool } from "../src/byte-pool.ts";
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
