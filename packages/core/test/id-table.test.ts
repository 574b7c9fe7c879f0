import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdTable } from "../src/id-table.ts";

// id-table.ts: a ring of slots by id, growing while it stays dense, with a
// Map of stragglers for old ids among many newer ones. It must answer
// exactly as a Map keyed by id would, in id order.
interface Item {
  readonly id: number;
  readonly tag: string;
}
const item = (id: number, tag = ""): Item => ({ id, tag });

describe("IdTable", () => {
  it("holds, finds, replaces and lets go of items by id", () => {
    const t = new IdTable<Item>();
    expect(t.size).toBe(0);
    expect(t.get(1)).toBeUndefined();
    t.set(item(1, "a"));
    t.set(item(2, "b"));
    expect(t.size).toBe(2);
    expect(t.get(1)?.tag).toBe("a");
    t.set(item(1, "c"));
    expect(t.size).toBe(2);
    expect(t.get(1)?.tag).toBe("c");
    expect(t.delete(1)).toBe(true);
    expect(t.delete(1)).toBe(false);
    expect(t.get(1)).toBeUndefined();
    expect(t.size).toBe(1);
  });

  it("ids that meet on a slot are both kept (the ring grows)", () => {
    const t = new IdTable<Item>();
    for (let id = 1; id <= 40; id++) t.set(item(id));
    // 17 and 33 share a slot of a 16-slot ring.
    for (let id = 1; id <= 40; id++) expect(t.get(id)?.id).toBe(id);
    expect(t.size).toBe(40);
  });

  it("one long-lived id among many newer ones stays found, and the ring stays small", () => {
    const t = new IdTable<Item>();
    const old = item(1, "old");
    t.set(old);
    for (let id = 2; id <= 100_000; id++) {
      t.set(item(id));
      t.delete(id - 1 === 1 ? 0 : id - 1);
    }
    expect(t.get(1)).toBe(old);
    expect(t.get(100_000)?.id).toBe(100_000);
    expect(t.size).toBe(2);
    // Never wider than SPREAD (8) slots per item held at once: at most 3 here.
    expect((t as unknown as { slots: unknown[] }).slots.length).toBeLessThanOrEqual(32);
    // A straggler can be replaced and deleted.
    t.set(item(1, "again"));
    expect(t.get(1)?.tag).toBe("again");
    expect(t.delete(1)).toBe(true);
    expect(t.get(1)).toBeUndefined();
    expect(t.size).toBe(1);
  });

  it("after a burst the ring shrinks back, and still finds what is left", () => {
    const t = new IdTable<Item>();
    const slots = () => (t as unknown as { slots: unknown[] }).slots.length;
    for (let id = 1; id <= 5_000; id++) t.set(item(id));
    expect(slots()).toBeGreaterThanOrEqual(4_096);
    const kept = [7, 2_500, 4_999];
    for (let id = 1; id <= 5_000; id++) if (!kept.includes(id)) t.delete(id);
    expect(slots()).toBeLessThanOrEqual(256);
    expect(t.size).toBe(3);
    for (const id of kept) expect(t.get(id)?.id).toBe(id);
    expect(t.values().map((i) => i.id)).toEqual(kept);
    for (let id = 5_001; id <= 5_100; id++) t.set(item(id));
    expect(t.get(5_050)?.id).toBe(5_050);
    expect(t.size).toBe(103);
  });

  it("values() lists every item in id order, stragglers included", () => {
    const t = new IdTable<Item>();
    for (const id of [5, 3, 900, 1, 4_096 + 5, 2]) t.set(item(id));
    expect(t.values().map((i) => i.id)).toEqual([1, 2, 3, 5, 900, 4_101]);
  });

  it("property: answers as a Map keyed by id would, under any mix of operations", () => {
    // Ids mostly increase (new requests), with some jumps; deletions hit
    // live ids, mostly the oldest; lookups hit live, gone and unknown ids;
    // bursts and drains make the ring grow and shrink.
    const op = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant("add" as const), jump: fc.nat(300) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }) },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("replace" as const), pick: fc.nat() }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("get" as const), id: fc.nat(5_000) }) },
      // A burst of requests, and all but the newest few settling (grows, then shrinks the ring).
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("burst" as const), n: fc.nat(300) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("drain" as const), keep: fc.nat(3) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const t = new IdTable<Item>();
        const model = new Map<number, Item>();
        let next = 1;
        for (const o of ops) {
          if (o.kind === "add") {
            next += o.jump > 250 ? o.jump * 10 : 1;
            const it = item(next++);
            t.set(it);
            model.set(it.id, it);
          } else if (o.kind === "delete" || o.kind === "replace") {
            const live = [...model.keys()];
            if (live.length === 0) continue;
            // Mostly the oldest, as requests settle.
            const id = (o.pick % 3 === 0 ? live[0] : live[o.pick % live.length]) as number;
            if (o.kind === "delete") {
              expect(t.delete(id)).toBe(true);
              model.delete(id);
            } else {
              const it = item(id, "replaced");
              t.set(it);
              model.set(id, it);
            }
          } else if (o.kind === "burst") {
            for (let k = 0; k < o.n; k++) {
              const it = item(next++);
              t.set(it);
              model.set(it.id, it);
            }
          } else if (o.kind === "drain") {
            const live = [...model.keys()];
            for (const id of live.slice(0, Math.max(0, live.length - o.keep))) {
              expect(t.delete(id)).toBe(true);
              model.delete(id);
            }
          } else {
            expect(t.get(o.id)).toBe(model.get(o.id));
          }
          expect(t.size).toBe(model.size);
        }
        for (const [id, it] of model) expect(t.get(id)).toBe(it);
        expect(t.values()).toEqual([...model.values()].sort((a, b) => a.id - b.id));
      }),
      { numRuns: 300 },
    );
  });
});
