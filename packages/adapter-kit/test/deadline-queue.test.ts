import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DeadlineMember, DeadlineQueue } from "../src/deadline-queue.ts";

class Member implements DeadlineMember {
  queuedAt = -1;
  heapIndex = -1;
  reached = 0;
  constructor(readonly name: number) {}
  deadlineReached(): void {
    this.reached++;
  }
}

/** The heap's members, read through its private array (test only). */
function members(q: DeadlineQueue<Member>): Member[] {
  return (q as unknown as { heap: Member[] }).heap;
}

function checkHeap(q: DeadlineQueue<Member>): void {
  const heap = members(q);
  heap.forEach((m, i) => {
    expect(m.heapIndex).toBe(i);
    if (i > 0) expect(heap[(i - 1) >> 1]?.queuedAt).toBeLessThanOrEqual(m.queuedAt);
  });
}

describe("DeadlineQueue (one timer per server)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps the heap ordered and indexed, and keeps no removed member", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ who: fc.nat(15), at: fc.nat(1000), remove: fc.boolean() }), {
          maxLength: 80,
        }),
        (ops) => {
          const q = new DeadlineQueue<Member>();
          const all = Array.from({ length: 16 }, (_, i) => new Member(i));
          const expected = new Map<Member, number>();
          for (const op of ops) {
            const m = all[op.who] as Member;
            if (op.remove) {
              q.remove(m);
              expected.delete(m);
            } else {
              q.schedule(m, op.at);
              const before = expected.get(m);
              expected.set(m, before === undefined ? op.at : Math.min(before, op.at));
            }
            checkHeap(q);
          }
          expect(q.size).toBe(expected.size);
          for (const m of all) {
            const at = expected.get(m);
            if (at === undefined) {
              expect(m.heapIndex).toBe(-1);
              expect(members(q)).not.toContain(m);
            } else expect(m.queuedAt).toBe(at);
          }
          for (const m of all) q.remove(m); // leaves no timer armed
          expect(q.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("tells each member once its deadline is reached, earliest first, and takes it out", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const q = new DeadlineQueue<Member>();
    const t0 = performance.now();
    const a = new Member(1);
    const b = new Member(2);
    const c = new Member(3);
    q.schedule(a, t0 + 30);
    q.schedule(b, t0 + 10);
    q.schedule(c, t0 + 20);
    q.remove(c); // closed: never told
    vi.advanceTimersByTime(15);
    expect([a.reached, b.reached, c.reached]).toEqual([0, 1, 0]);
    expect(b.heapIndex).toBe(-1);
    vi.advanceTimersByTime(20);
    expect([a.reached, b.reached, c.reached]).toEqual([1, 1, 0]);
    expect(q.size).toBe(0);
  });

  it("a member told that queues itself for later does not delay the members still queued", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const q = new DeadlineQueue<Member>();
    const t0 = performance.now();
    const late = new Member(2);
    const first = new Member(1);
    first.deadlineReached = () => {
      first.reached++;
      q.schedule(first, t0 + 5000); // e.g. a lingering close's deadline
    };
    q.schedule(first, t0 + 10);
    q.schedule(late, t0 + 12);
    vi.advanceTimersByTime(11);
    expect(first.reached).toBe(1);
    vi.advanceTimersByTime(2);
    expect(late.reached).toBe(1);
    q.remove(first);
    expect(q.size).toBe(0);
  });

  it("a member that throws does not cost the others their deadline (the error is thrown after)", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const q = new DeadlineQueue<Member>();
    const t0 = performance.now();
    const failing = new Member(1);
    failing.deadlineReached = () => {
      throw new Error("boom");
    };
    const other = new Member(2);
    const later = new Member(3);
    q.schedule(failing, t0 + 10);
    q.schedule(other, t0 + 10);
    q.schedule(later, t0 + 50);
    expect(() => vi.advanceTimersByTime(15)).toThrow("boom");
    expect(other.reached).toBe(1);
    vi.advanceTimersByTime(40);
    expect(later.reached).toBe(1);
    expect(q.size).toBe(0);
  });

  it("a later deadline for a queued member is ignored (it is told early and re-queues)", () => {
    const q = new DeadlineQueue<Member>();
    const m = new Member(1);
    q.schedule(m, 100);
    q.schedule(m, 500);
    expect(m.queuedAt).toBe(100);
    q.schedule(m, 50);
    expect(m.queuedAt).toBe(50);
    q.remove(m);
  });
});
