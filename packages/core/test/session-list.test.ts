import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerSession } from "../src/server-session.ts";
import { SessionList } from "../src/session-list.ts";

describe("SessionList (a policy's open sessions)", () => {
  it("behaves as a Map from session to client key: set, get, delete, size, keys() in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ who: fc.nat(7), set: fc.boolean(), key: fc.constantFrom("a", "b") }), {
          maxLength: 50,
        }),
        (ops) => {
          const sessions = Array.from({ length: 8 }, (_, i) => new ServerSession(i + 1, 0));
          const list = new SessionList<ServerSession>();
          const model = new Map<ServerSession, string>();
          for (const o of ops) {
            const s = sessions[o.who] as ServerSession;
            if (o.set) {
              list.set(s, o.key);
              model.set(s, o.key);
            } else expect(list.delete(s)).toBe(model.delete(s));
            expect(list.size).toBe(model.size);
            expect([...list.keys()]).toEqual([...model.keys()]);
            for (const x of sessions) expect(list.get(x)).toBe(model.get(x));
          }
          // Taking sessions out while walking the list (as closing ones do).
          const seen: ServerSession[] = [];
          for (const s of list.keys()) {
            seen.push(s);
            list.delete(s);
          }
          expect(seen).toEqual([...model.keys()]);
          expect(list.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
