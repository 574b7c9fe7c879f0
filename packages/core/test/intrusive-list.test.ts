import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntrusiveList, type Listed } from "../src/intrusive-list.ts";

class Member implements Listed<Member> {
  prevListed: Member | null = null;
  nextListed: Member | null = null;
  constructor(readonly name: number) {}
}

describe("IntrusiveList (a server's open connections and sessions)", () => {
  it("behaves as a Set: add, delete, size, has and insertion order, deletion while iterating", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ who: fc.nat(9), add: fc.boolean(), iterDelete: fc.boolean() }), {
          maxLength: 60,
        }),
        (ops) => {
          const members = Array.from({ length: 10 }, (_, i) => new Member(i));
          const list = new IntrusiveList<Member>();
          const model = new Set<Member>();
          for (const o of ops) {
            const m = members[o.who] as Member;
            if (o.add) {
              list.add(m);
              model.add(m);
            } else expect(list.delete(m)).toBe(model.delete(m));
            if (o.iterDelete) {
              // Taking out the member being visited (as a closing connection does).
              const seen: number[] = [];
              for (const x of list) {
                seen.push(x.name);
                if (x === m) list.delete(x);
              }
              expect(seen).toEqual([...model].map((x) => x.name));
              model.delete(m);
            }
            expect(list.size).toBe(model.size);
            expect([...list]).toEqual([...model]);
            for (const x of members) expect(list.has(x)).toBe(model.has(x));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
