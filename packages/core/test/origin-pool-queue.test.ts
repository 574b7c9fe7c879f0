import { describe, expect, it } from "vitest";
import { OriginPool } from "../src/origin-pool.ts";
import type { PoolEntry } from "../src/pool-request.ts";
import type { Route } from "../src/route.ts";

// The queue's order rules (origin-pool.ts module comment): FIFO by request
// id, a retried request back at its original place, never queued twice.
const route = { key: "http://a.test:80" } as Route;
const entry = (id: number): PoolEntry => ({ id }) as PoolEntry;
const ids = (pool: OriginPool): number[] => pool.queue.map((e) => e.id);

describe("OriginPool queue", () => {
  it("new requests go last, in id order", () => {
    const pool = new OriginPool(route);
    for (const id of [1, 2, 3]) pool.enqueue(entry(id));
    expect(ids(pool)).toEqual([1, 2, 3]);
  });

  it("a retried request goes back at its original place, once", () => {
    const pool = new OriginPool(route);
    const e2 = entry(2);
    for (const e of [entry(1), entry(3), entry(4)]) pool.enqueue(e);
    pool.enqueue(e2);
    pool.enqueue(e2);
    expect(ids(pool)).toEqual([1, 2, 3, 4]);
    const e5 = entry(5);
    pool.enqueue(e5);
    pool.enqueue(e5);
    expect(ids(pool)).toEqual([1, 2, 3, 4, 5]);
  });

  it("dequeue takes the head or any other entry; an absent one is a no-op", () => {
    const pool = new OriginPool(route);
    const [a, b, c] = [entry(1), entry(2), entry(3)];
    for (const e of [a, b, c]) pool.enqueue(e);
    pool.dequeue(a);
    expect(ids(pool)).toEqual([2, 3]);
    pool.dequeue(c);
    expect(ids(pool)).toEqual([2]);
    pool.dequeue(a);
    expect(ids(pool)).toEqual([2]);
    pool.dequeue(b);
    expect(pool.queue).toHaveLength(0);
  });
});
