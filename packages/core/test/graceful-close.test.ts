import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { DEFAULT_GRACEFUL_CLOSE, GracefulClose } from "../src/graceful-close.ts";

const SHUT = { type: "shutdown-write", socket: 7 } as const;
const CLOSE = { type: "close", socket: 7 } as const;

describe("GracefulClose: the lingering close (RFC 9112 §9.6)", () => {
  it("RFC 9112 §9.6: half-close first, linger, then close on the peer's FIN", () => {
    const gc = new GracefulClose(7);
    gc.wrote();
    expect(gc.begin(100)).toEqual([]);
    expect(gc.state).toBe("draining-writes");
    // Our FIN goes out only after our last bytes left the write buffer.
    expect(gc.writesFlushed(150)).toEqual([SHUT]);
    expect(gc.state).toBe("half-closed");
    expect(gc.nextDeadline()).toBe(150 + DEFAULT_GRACEFUL_CLOSE.lingerMs);
    // Input that keeps arriving is read and discarded, not left to cause a reset.
    expect(gc.received(1000, 160)).toEqual([]);
    expect(gc.discardedBytes).toBe(1000);
    expect(gc.peerEnded(170)).toEqual([CLOSE]);
    expect(gc.state).toBe("closed");
    expect(gc.nextDeadline()).toBeNull();
  });

  it("open → half-closed at once when nothing is waiting to be flushed", () => {
    const gc = new GracefulClose(7);
    expect(gc.begin(0)).toEqual([SHUT]);
    expect(gc.state).toBe("half-closed");
  });

  it("open → closed at once when the peer already sent its FIN (nothing can provoke a reset)", () => {
    const gc = new GracefulClose(7);
    expect(gc.peerEnded(0)).toEqual([]);
    expect(gc.state).toBe("open");
    expect(gc.begin(5)).toEqual([CLOSE]);
    expect(gc.state).toBe("closed");
  });

  it("draining-writes → closed on flush when the peer's FIN came while draining", () => {
    const gc = new GracefulClose(7);
    gc.wrote();
    gc.begin(0);
    expect(gc.peerEnded(1)).toEqual([]);
    expect(gc.state).toBe("draining-writes");
    expect(gc.writesFlushed(2)).toEqual([CLOSE]);
  });

  it("half-closed → closed at the linger deadline when the peer never closes", () => {
    const gc = new GracefulClose(7, { lingerMs: 500 });
    gc.begin(1000);
    expect(gc.tick(1499)).toEqual([]);
    expect(gc.nextDeadline()).toBe(1500);
    expect(gc.tick(1500)).toEqual([CLOSE]);
    expect(gc.nextDeadline()).toBeNull();
  });

  it("half-closed → closed once the peer sends more than the linger byte budget", () => {
    const gc = new GracefulClose(7, { lingerBytes: 100 });
    gc.begin(0);
    expect(gc.received(60, 1)).toEqual([]);
    expect(gc.received(40, 2)).toEqual([]);
    expect(gc.received(1, 3)).toEqual([CLOSE]);
    expect(gc.discardedBytes).toBe(101);
  });

  it("draining-writes → closed at the drain deadline when the peer stops reading", () => {
    const gc = new GracefulClose(7, { drainTimeoutMs: 3000 });
    gc.wrote();
    gc.begin(10);
    expect(gc.nextDeadline()).toBe(3010);
    expect(gc.tick(3009)).toEqual([]);
    expect(gc.tick(3010)).toEqual([CLOSE]);
  });

  it("draining-writes: input counts against the byte budget too", () => {
    const gc = new GracefulClose(7, { lingerBytes: 10 });
    gc.wrote();
    gc.begin(0);
    expect(gc.received(11, 1)).toEqual([CLOSE]);
  });

  it("lingerMs 0: FIN and close together (no linger at all)", () => {
    const gc = new GracefulClose(7, { lingerMs: 0 });
    expect(gc.begin(0)).toEqual([SHUT, CLOSE]);
  });

  it("an infinite bound arms no deadline", () => {
    const gc = new GracefulClose(7, { lingerMs: Number.POSITIVE_INFINITY });
    gc.begin(0);
    expect(gc.nextDeadline()).toBeNull();
  });

  it("abort closes at once from any state but closed, and only once", () => {
    for (const setup of [
      (_: GracefulClose) => {},
      (g: GracefulClose) => {
        g.wrote();
        g.begin(0);
      },
      (g: GracefulClose) => g.begin(0),
    ]) {
      const gc = new GracefulClose(7);
      setup(gc);
      expect(gc.abort()).toEqual([CLOSE]);
      expect(gc.abort()).toEqual([]);
      expect(gc.state).toBe("closed");
    }
  });

  it("received, ticks and flushes while open do nothing; begin is idempotent", () => {
    const gc = new GracefulClose(7);
    expect(gc.received(10, 0)).toEqual([]);
    expect(gc.tick(1e9)).toEqual([]);
    expect(gc.writesFlushed(0)).toEqual([]);
    expect(gc.discardedBytes).toBe(0);
    gc.begin(0);
    expect(gc.begin(1)).toEqual([]);
  });

  it("closed ignores every input", () => {
    const gc = new GracefulClose(7);
    gc.abort();
    expect(gc.begin(0)).toEqual([]);
    expect(gc.received(1, 0)).toEqual([]);
    expect(gc.peerEnded(0)).toEqual([]);
    expect(gc.writesFlushed(0)).toEqual([]);
    expect(gc.tick(1e12)).toEqual([]);
  });

  it("usage: writing after the close began is refused", () => {
    const gc = new GracefulClose(7);
    gc.begin(0);
    expect(() => gc.wrote()).toThrow(UsageError);
  });

  it("usage: a negative bound is refused", () => {
    expect(() => new GracefulClose(7, { lingerMs: -1 })).toThrow(UsageError);
    expect(() => new GracefulClose(7, { lingerBytes: Number.NaN })).toThrow(UsageError);
  });
});
