/** The link model as arithmetic (link-model.ts): no clock, times passed in. */
import { describe, expect, it } from "vitest";
import {
  Bottleneck,
  type LinkParameters,
  linkParameters,
  Sender,
  tlsHandshakeRtts,
} from "../src/link-model.ts";

const P: LinkParameters = linkParameters({
  rttMs: 50,
  bandwidthMbps: 8,
  initialWindow: 10,
  maxWindow: 40,
});
const MSS = P.mss;

/** Sends `bytes` starting at `t`, asking again whenever told to wait; returns when the last byte arrives and how many rounds it took. */
function transfer(s: Sender, t: number, bytes: number): { arrive: number; rounds: number } {
  let left = bytes;
  let arrive = t;
  let rounds = 0;
  while (left > 0) {
    const r = s.send(t, left);
    if (r.kind === "wait") {
      t = r.until;
      continue;
    }
    rounds++;
    for (const g of r.grants) {
      left -= g.bytes;
      arrive = Math.max(arrive, g.arriveAt);
    }
  }
  return { arrive, rounds };
}

describe("link model", () => {
  it("8 Mbit/s is 1000 bytes per millisecond", () => {
    expect(P.bytesPerMs).toBe(1000);
  });

  it("a new connection's first byte waits for the handshake (one RTT)", () => {
    const s = new Sender(P, new Bottleneck(P.bytesPerMs), 50);
    expect(s.send(0, 100)).toEqual({ kind: "wait", until: 50 });
    const r = s.send(50, 100);
    expect(r).toEqual({ kind: "sent", grants: [{ bytes: 100, arriveAt: 50 + 0.1 + 25 }] });
  });

  it("TLS adds its handshake's round trips: 1 for TLS 1.3 (RFC 8446 §2), 2 for TLS 1.2 (RFC 5246 §7.3)", () => {
    expect(P.tlsRtts).toBe(0);
    expect(tlsHandshakeRtts(undefined)).toBe(0);
    expect(linkParameters({ ...P, bandwidthMbps: 8, tls: "1.3" }).tlsRtts).toBe(1);
    expect(linkParameters({ ...P, bandwidthMbps: 8, tls: "1.2" }).tlsRtts).toBe(2);
  });

  it("bytes arrive after serialization plus half the RTT", () => {
    const s = new Sender(P, new Bottleneck(P.bytesPerMs), 0);
    expect(transfer(s, 0, 1000).arrive).toBeCloseTo(1 + 25);
  });

  it("the first round carries the initial window (10 segments, RFC 6928), then waits for its ACK", () => {
    const s = new Sender(P, new Bottleneck(P.bytesPerMs), 0);
    const first = s.send(0, 100_000);
    expect(first.kind).toBe("sent");
    if (first.kind !== "sent") return;
    expect(first.grants.reduce((n, g) => n + g.bytes, 0)).toBe(10 * MSS);
    expect(first.grants.every((g) => g.bytes <= MSS)).toBe(true);
    const again = s.send(0, 100_000 - 10 * MSS);
    // The first segment left at 1.46 ms; its ACK is back one RTT later.
    expect(again).toEqual({ kind: "wait", until: MSS / 1000 + 50 });
    expect(s.slowStartRounds).toBe(1);
  });

  it("slow start: the window grows by the bytes acknowledged (doubling per busy round) up to the cap", () => {
    const s = new Sender(P, new Bottleneck(P.bytesPerMs), 0);
    const windows: number[] = [];
    let t = 0;
    let left = 200_000;
    while (left > 0) {
      const r = s.send(t, left);
      if (r.kind === "wait") {
        t = r.until;
        continue;
      }
      windows.push(s.window);
      for (const g of r.grants) left -= g.bytes;
    }
    expect(windows.slice(0, 3)).toEqual([10 * MSS, 20 * MSS, 40 * MSS]);
    expect(Math.max(...windows)).toBe(40 * MSS);
    // Rounds that waited with the window below the cap: the first two.
    expect(s.slowStartRounds).toBe(2);
  });

  it("a reused connection keeps its window: the second transfer needs fewer rounds than the first", () => {
    const s = new Sender(P, new Bottleneck(P.bytesPerMs), 0);
    const first = transfer(s, 0, 40_000);
    const second = transfer(s, first.arrive + 1000, 40_000);
    expect(first.rounds).toBe(2);
    expect(second.rounds).toBe(1);
    const fresh = new Sender(P, new Bottleneck(P.bytesPerMs), 0);
    expect(transfer(fresh, 0, 40_000).rounds).toBe(2);
  });

  it("one bottleneck per direction is shared: two connections sending at once take twice as long", () => {
    const link = new Bottleneck(P.bytesPerMs);
    const a = new Sender(P, link, 0);
    const b = new Sender(P, link, 0);
    const ra = transfer(a, 0, 10_000);
    const rb = transfer(b, 0, 10_000);
    expect(ra.arrive).toBeCloseTo(10 + 25);
    expect(rb.arrive).toBeCloseTo(20 + 25);
  });
});
