/**
 * The retry rules at work under the lab's faults (RFC 9112 §9.3.1, RFC 9110
 * §9.2.2): idempotent requests lost with a connection are sent again on a
 * connection opened after the loss, and the waterfall marks them.
 */
import { describe, expect, it } from "vitest";
import type { StrategyRun } from "../src/results.ts";
import { allImagesArrived, run, wireAttempts } from "./helpers.ts";

const SIZE = 20_000;

/** Every lost attempt is followed by one of the same target on a newer connection, opened after the loss. */
function expectRetriedOnFreshConnections(r: StrategyRun): number {
  const attempts = wireAttempts(r);
  let lost = 0;
  attempts.forEach((a, i) => {
    if (a.fate !== "dropped" && a.fate !== "server-closed") return;
    lost++;
    const next = attempts.slice(i + 1).find((b) => b.target === a.target);
    const failed = r.load.requests.find((q) => q.target === a.target);
    if (next === undefined) {
      // Given up: only after the attempts the rules allow (3 by default).
      expect(failed?.error).toMatch(/^RETRIES_EXHAUSTED/);
      expect(attempts.filter((b) => b.target === a.target)).toHaveLength(3);
      return;
    }
    expect(next.link.id).toBeGreaterThan(a.link.id);
    expect(next.link.acceptedAt).toBeGreaterThanOrEqual(a.link.clientFinAt ?? Infinity);
  });
  // The waterfall marks the retries: one bar per attempt, later attempts numbered.
  expect(r.bars).toHaveLength(attempts.length);
  expect(r.bars.filter((b) => b.attempt > 1).length).toBe(
    attempts.length - new Set(attempts.map((a) => a.target)).size,
  );
  return lost;
}

describe("faults: --drop-after N (the server side closes after N requests, unannounced)", () => {
  it("persistent-serial, drop after 3: lost requests retried on fresh connections (stale-connection); every image arrives", async () => {
    const r = await run("persistent-serial", { images: 8, dropAfter: 3 });
    for (const link of r.links) {
      expect(link.requests.filter((q) => q.fate === "delivered").length).toBeLessThanOrEqual(3);
    }
    expect(expectRetriedOnFreshConnections(r)).toBeGreaterThan(0);
    expect(r.summary.retries).toBeGreaterThan(0);
    expect(Object.keys(r.summary.retryReasons)).toEqual(["stale-connection"]);
    // 9 requests, 3 answered per connection: 3 connections, each lost request retried once.
    expect(r.summary.connectionsOpened).toBe(Math.ceil(9 / 3));
    expect(r.summary.retries).toBe(2);
    expect(r.bars.filter((b) => b.outcome === "dropped")).toHaveLength(2);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("persistent-parallel, drop after 3: every image arrives", async () => {
    const r = await run("persistent-parallel", { images: 12, dropAfter: 3 });
    for (const link of r.links) {
      expect(link.requests.filter((q) => q.fate === "delivered").length).toBeLessThanOrEqual(3);
    }
    expectRetriedOnFreshConnections(r);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("pipelined, drop after 3: unanswered pipelined requests are retried on fresh connections, given up only after 3 attempts", async () => {
    const r = await run("pipelined", { images: 8, dropAfter: 3, rttMs: 20 });
    expect(expectRetriedOnFreshConnections(r)).toBeGreaterThan(0);
    expect(r.summary.retries).toBeGreaterThan(0);
    for (const q of r.load.requests) {
      if (q.error !== null) expect(q.attempts).toBe(3);
      else if (q.kind === "image") expect(q.bytes).toBe(SIZE);
    }
  });

  it("serial-new, drop after 3: one request per connection never meets the fault", async () => {
    const r = await run("serial-new", { images: 4, dropAfter: 3 });
    expect(r.summary.retries).toBe(0);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });
});

describe("faults: --server-idle-timeout shorter than the round trip", () => {
  it("persistent-serial: each reuse meets a connection the server already closed; retried as stale on a fresh one", async () => {
    // The server closes 10 ms after answering; the next request needs at
    // least a round trip (100 ms) to reach it, so every reuse is stale.
    const r = await run("persistent-serial", { images: 3, rttMs: 100, serverIdleTimeoutMs: 10 });
    expect(expectRetriedOnFreshConnections(r)).toBe(3);
    expect(r.summary.retryReasons).toEqual({ "stale-connection": 3 });
    expect(r.bars.filter((b) => b.outcome === "server-closed")).toHaveLength(3);
    expect(r.summary.connectionsOpened).toBe(4);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });
});
