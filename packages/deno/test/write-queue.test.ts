/** The write queue's batching: order kept, small buffers merged, large ones passed as they are. */
import assert from "node:assert/strict";
import { WriteQueue } from "../src/write-queue.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("WriteQueue merges small buffers into one batch, in order", () => {
  const q = new WriteQueue(8);
  q.push([bytes(1, 2), bytes(3), bytes(4, 5, 6)]);
  assert.equal(q.bytes, 6);
  assert.deepEqual(q.take(), bytes(1, 2, 3, 4, 5, 6));
  assert.equal(q.empty, true);
  assert.equal(q.bytes, 6, "taken but not yet written");
  q.written(6);
  assert.equal(q.bytes, 0);
});

Deno.test("WriteQueue stops a batch before the limit and passes a large buffer without copying", () => {
  const q = new WriteQueue(4);
  const large = bytes(9, 9, 9, 9, 9);
  q.push([bytes(1, 2), bytes(3, 4), bytes(5), large, bytes(6)]);
  assert.deepEqual(q.take(), bytes(1, 2, 3, 4));
  assert.deepEqual(q.take(), bytes(5));
  assert.equal(q.take(), large, "the same buffer, not a copy");
  assert.deepEqual(q.take(), bytes(6));
  assert.equal(q.empty, true);
});

Deno.test("WriteQueue skips empty buffers and clear() drops everything", () => {
  const q = new WriteQueue(16);
  q.push([new Uint8Array(0)]);
  assert.equal(q.empty, true);
  q.push([bytes(1), bytes(2)]);
  q.clear();
  assert.equal(q.empty, true);
  assert.equal(q.bytes, 0);
});
