/**
 * What each strategy does to the connections, asserted from what the link
 * saw and what the client reported — counts and causal order, never times.
 */
import { describe, expect, it } from "vitest";
import { imagePaths } from "../src/origin.ts";
import { allImagesArrived, maxOpenAtOnce, perConnection, run } from "./helpers.ts";

const N = 6;
const SIZE = 20_000;

describe("strategies: connections opened and requests per connection", () => {
  it("serial-new: one connection per request (N+1), one at a time, HTTP/1.0 without keep-alive", async () => {
    const r = await run("serial-new", { images: N });
    expect(r.summary.connectionsOpened).toBe(N + 1);
    expect(r.links).toHaveLength(N + 1);
    expect(perConnection(r)).toEqual(Array(N + 1).fill(1));
    expect(maxOpenAtOnce(r)).toBe(1);
    for (const link of r.links) expect(link.requests[0]?.version).toBe("HTTP/1.0");
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("parallel-new: one connection per request, at most 6 open at once", async () => {
    const r = await run("parallel-new", { images: 10 });
    expect(r.summary.connectionsOpened).toBe(11);
    expect(perConnection(r)).toEqual(Array(11).fill(1));
    expect(maxOpenAtOnce(r)).toBeLessThanOrEqual(6);
    expect(maxOpenAtOnce(r)).toBeGreaterThan(1);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("persistent-serial: one connection carries all N+1 requests, one at a time (RFC 9112 §9.3)", async () => {
    const r = await run("persistent-serial", { images: N });
    expect(r.summary.connectionsOpened).toBe(1);
    expect(perConnection(r)).toEqual([N + 1]);
    const [link] = r.links;
    for (let k = 1; k < N + 1; k++) {
      // Not pipelined: each request leaves after the response before it arrived whole.
      expect(link?.requests[k]?.arrivedAt).toBeGreaterThanOrEqual(
        link?.responses[k - 1]?.lastByteAt ?? Infinity,
      );
    }
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("persistent-parallel: at most 6 connections, each reused", async () => {
    const r = await run("persistent-parallel", { images: 12 });
    expect(r.summary.connectionsOpened).toBeLessThanOrEqual(6);
    expect(r.summary.connectionsOpened).toBeGreaterThan(1);
    expect(perConnection(r).reduce((a, b) => a + b, 0)).toBe(13);
    expect(r.summary.requestsPerConnection).toBeGreaterThan(1);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("http10-keep-alive: one connection of HTTP/1.0 keep-alive requests, never pipelined", async () => {
    const r = await run("http10-keep-alive", { images: N });
    expect(r.summary.connectionsOpened).toBe(1);
    expect(perConnection(r)).toEqual([N + 1]);
    const [link] = r.links;
    for (const q of link?.requests ?? []) expect(q.version).toBe("HTTP/1.0");
    for (let k = 1; k < N + 1; k++) {
      expect(link?.requests[k]?.arrivedAt).toBeGreaterThanOrEqual(
        link?.responses[k - 1]?.lastByteAt ?? Infinity,
      );
    }
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });
});

describe("strategies: pipelining (RFC 9112 §9.3.2)", () => {
  it("pipelined: one connection; requests pipelined only after the first response proved it persistent", async () => {
    const r = await run("pipelined", { images: N, rttMs: 20 });
    expect(r.summary.connectionsOpened).toBe(1);
    expect(perConnection(r)).toEqual([N + 1]);
    const link = r.links[0];
    const req = link?.requests ?? [];
    const res = link?.responses ?? [];
    // The second request waits for the whole first response …
    expect(req[1]?.arrivedAt).toBeGreaterThanOrEqual(res[0]?.lastByteAt ?? Infinity);
    // … and then requests go out before the responses ahead of them are complete.
    const pipelined = req.slice(2).filter((q, i) => q.arrivedAt < (res[i + 1]?.lastByteAt ?? 0));
    expect(pipelined.length).toBeGreaterThan(0);
    expect(r.load.stats.pipelined).toBeGreaterThan(0);
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });

  it("pipelined: even when every request is asked for at once, the pool waits for the first response", async () => {
    const r = await run("pipelined", { images: N, rttMs: 20, imagesWithPage: imagePaths(N) });
    expect(r.summary.connectionsOpened).toBe(1);
    const link = r.links[0];
    expect(link?.requests[1]?.arrivedAt).toBeGreaterThanOrEqual(
      link?.responses[0]?.lastByteAt ?? Infinity,
    );
    expect(allImagesArrived(r, SIZE)).toBe(true);
  });
});
