/**
 * The socket outbox (action-queue.ts): adjacent writes merge into one write
 * action; a write queued alone may be taken as its buffers
 * (`takeLoneWrite`) with exactly the effect `take` would have had.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ActionQueue } from "../src/action-queue.ts";
import type { SocketAction } from "../src/socket-actions.ts";

const b = (n: number) => new Uint8Array([n]);

describe("ActionQueue", () => {
  it("a lone write is taken as its buffers, and the queue is empty after", () => {
    const q = new ActionQueue(7);
    q.writePair(b(1), b(2));
    q.writeOne(b(3));
    expect(q.empty).toBe(false);
    expect(q.takeLoneWrite()).toEqual([b(1), b(2), b(3)]);
    expect(q.empty).toBe(true);
    expect(q.take()).toEqual([]);
    expect(q.takeLoneWrite()).toBeNull();
  });

  it("take() gives a lone write as one write action, as before", () => {
    const q = new ActionQueue(7);
    q.writeOne(b(1));
    expect(q.take()).toEqual([{ type: "write", socket: 7, data: [b(1)] }]);
    expect(q.takeLoneWrite()).toBeNull();
  });

  it("a write with other actions is not lone, and keeps its order", () => {
    const q = new ActionQueue(7);
    q.writeOne(b(1));
    q.reading(true);
    expect(q.takeLoneWrite()).toBeNull();
    expect(q.take()).toEqual([
      { type: "write", socket: 7, data: [b(1)] },
      { type: "pause-read", socket: 7 },
    ]);
    q.reading(false);
    q.writeOne(b(2));
    expect(q.takeLoneWrite()).toBeNull();
    expect(q.take()).toEqual([
      { type: "resume-read", socket: 7 },
      { type: "write", socket: 7, data: [b(2)] },
    ]);
    q.writeOne(b(3));
    q.push([{ type: "shutdown-write", socket: 7 }]);
    q.writeOne(b(4));
    expect(q.take()).toEqual([
      { type: "write", socket: 7, data: [b(3)] },
      { type: "shutdown-write", socket: 7 },
      { type: "write", socket: 7, data: [b(4)] },
    ]);
  });

  it("empty buffers are dropped and make no write", () => {
    const q = new ActionQueue(7);
    q.writeOne(new Uint8Array(0));
    q.writePair(new Uint8Array(0), b(1));
    expect(q.takeLoneWrite()).toEqual([b(1)]);
  });

  it("property: takeLoneWrite() ?? take() hands out what take() alone would", () => {
    type Op = ["one", number] | ["pair", number] | ["pause"] | ["resume"] | ["close"];
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.tuple(fc.constant("one" as const), fc.nat(3)),
      fc.tuple(fc.constant("pair" as const), fc.nat(3)),
      fc.tuple(fc.constant("pause" as const)),
      fc.tuple(fc.constant("resume" as const)),
      fc.tuple(fc.constant("close" as const)),
    );
    const apply = (q: ActionQueue, o: Op) => {
      if (o[0] === "one") q.writeOne(new Uint8Array(o[1]));
      else if (o[0] === "pair") q.writePair(b(o[1]), new Uint8Array(o[1]));
      else if (o[0] === "pause") q.reading(true);
      else if (o[0] === "resume") q.reading(false);
      else q.push([{ type: "close", socket: 1 }]);
    };
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 6 }), { maxLength: 5 }), (turns) => {
        const a = new ActionQueue(1);
        const c = new ActionQueue(1);
        for (const turn of turns) {
          for (const o of turn) {
            apply(a, o);
            apply(c, o);
          }
          const want = a.take();
          const lone = c.takeLoneWrite();
          const got: readonly SocketAction[] =
            lone !== null ? [{ type: "write", socket: 1, data: lone }] : c.take();
          expect(got).toEqual(want);
          expect(c.empty).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("ServerSession.takeLoneWrite", () => {
  it("RFC 9112 §9.3: an answer's head and body are one lone write; the answer that ends persistence is not lone", async () => {
    const { ServerSession } = await import("../src/server-session.ts");
    const s = new ServerSession(3, 0);
    const enc = new TextEncoder();
    expect(s.takeLoneWrite()).toBeNull();
    s.received(enc.encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
    expect(s.takeEvents().map((e) => e.type)).toEqual(["request", "end"]);
    s.respond({ status: 200, fields: [] }, 2, { body: enc.encode("ok") });
    const lone = s.takeLoneWrite();
    expect(lone?.map((x) => new TextDecoder().decode(x)).join("")).toBe(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    );
    expect(s.takeActions()).toEqual([]);
    s.received(enc.encode("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 3);
    s.takeEvents();
    s.respond({ status: 200, fields: [] }, 4, { body: enc.encode("ok") });
    expect(s.takeLoneWrite()).toBeNull();
    // RFC 9112 §9.6: reading stops with the last request: not a lone write.
    const types = s.takeActions().map((a) => a.type);
    expect(types.slice(0, 2)).toEqual(["pause-read", "write"]);
  });
});
