/**
 * `ServerSession.actionsWaiting`: whether {@link ServerSession.takeActions}
 * would give anything now. An adapter asks it after a call that may or may
 * not have produced actions (`writable`), to skip an empty take; it must
 * never say "none" while an action waits, or the action (a close once the
 * last answer is flushed, RFC 9112 §9.6) would be left undone.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerSession } from "../src/server-session.ts";
import { bytes, GET } from "./server-harness.ts";

function answered(request: string): ServerSession {
  const s = new ServerSession(1, 0);
  s.received(bytes(request), 0);
  s.takeEvents();
  s.respond({ status: 200 }, 0, { body: bytes("ok") });
  return s;
}

describe("ServerSession.actionsWaiting", () => {
  it("a fresh session has none", () => {
    expect(new ServerSession(1, 0).actionsWaiting).toBe(false);
  });

  it("RFC 9112 §9.3: an answer's write waits until taken (alone or as a list)", () => {
    const s = answered(GET());
    expect(s.actionsWaiting).toBe(true);
    expect(s.takeLoneWrite()).not.toBeNull();
    expect(s.actionsWaiting).toBe(false);
    const t = answered(GET());
    expect(t.takeActions()).toHaveLength(1);
    expect(t.actionsWaiting).toBe(false);
  });

  it("RFC 9112 §9.3: a keep-alive answer flushed leaves nothing to do", () => {
    const s = answered(GET());
    s.takeLoneWrite();
    s.writable(1);
    expect(s.actionsWaiting).toBe(false);
    expect(s.takeActions()).toEqual([]);
  });

  it("RFC 9112 §9.6: the last answer flushed leaves the close to carry out", () => {
    const s = answered("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    s.takeActions();
    expect(s.actionsWaiting).toBe(false);
    s.writable(1);
    expect(s.actionsWaiting).toBe(true);
    expect(s.takeActions().map((a) => a.type)).toEqual(["shutdown-write"]);
    expect(s.actionsWaiting).toBe(false);
  });

  it("RFC 9112 §9.3.2: pausing reading at the read-ahead limit is an action", () => {
    const s = new ServerSession(1, 0, { maxPipelinedRequests: 1 });
    s.received(bytes(GET("/1") + GET("/2")), 0);
    expect(s.actionsWaiting).toBe(true);
    expect(s.takeActions().map((a) => a.type)).toEqual(["pause-read"]);
    expect(s.actionsWaiting).toBe(false);
  });

  it("a compacted session has none", () => {
    const s = answered(GET());
    s.takeActions();
    s.writable(0);
    s.takeEvents();
    expect(s.compact(60_000)).toBe(true);
    expect(s.actionsWaiting).toBe(false);
  });

  it("says exactly whether takeActions gives anything, whatever happened before", () => {
    const step = fc.constantFrom("get", "get-close", "respond", "writable", "tick", "end");
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const s = new ServerSession(1, 0, { maxPipelinedRequests: 2 });
        let now = 0;
        for (const st of steps) {
          now += 100;
          try {
            if (st === "get") s.received(bytes(GET()), now);
            else if (st === "get-close") {
              s.received(bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), now);
            } else if (st === "respond") s.respond({ status: 200 }, now, { body: bytes("ok") });
            else if (st === "writable") s.writable(now);
            else if (st === "tick") s.tick(now + 10_000);
            else s.peerEnded(now);
          } catch {
            // A respond with nothing to answer, or after the close: refused, nothing changes.
          }
          s.takeEvents();
          const waiting = s.actionsWaiting;
          expect(s.takeActions().length > 0).toBe(waiting);
          expect(s.actionsWaiting).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
