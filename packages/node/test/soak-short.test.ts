/**
 * The short, bounded version of the load scripts (packages/conformance/load;
 * the full runs are `pnpm load` and `pnpm soak`): 1000 concurrent keep-alive
 * connections, then a 10-second mixed soak (pipelining, resets mid-request
 * and mid-response, idle, head and body timeouts firing), each with the
 * server and the load client in processes of their own. The soak must end
 * with the server's connections, timers and descriptors back at their
 * baseline and its heap (after GC) within 4 MiB of it.
 */
import { runConnections, runSoak } from "@tether/conformance/load";
import { describe, expect, it } from "vitest";

describe("load and soak, short (Node)", () => {
  it("1000 concurrent keep-alive connections: all served, all held, no errors", async () => {
    const r = await runConnections({ runtime: "node", connections: 1000 });
    expect(r.firstErrors).toEqual([]);
    expect(r.connected).toBe(1000);
    expect(r.serverOpen).toBe(1000);
    expect(r.closedByServer).toBe(0);
    expect(r.after.open).toBe(0);
    expect(r.after.timers).toBe(r.baseline.timers);
    expect(r.ok).toBe(true);
  }, 60_000);

  it("a 10-second soak: no errors; connections, timers, descriptors and heap back to baseline", async () => {
    const r = await runSoak({ runtime: "node", seconds: 10, warmupSeconds: 2 });
    expect(r.tally.firstErrors).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.after.open).toBe(0);
    expect(r.after.timers).toBeLessThanOrEqual(r.baseline.timers);
    expect(r.after.fds).toBeLessThanOrEqual(r.baseline.fds);
    // The mix ran: idle, head and body timeouts fired, resets happened.
    expect(r.after.closeReasons["idle-timeout"] ?? 0).toBeGreaterThan(0);
    expect(r.after.closeReasons["read-timeout"] ?? 0).toBeGreaterThan(0);
    expect(r.after.closeReasons["transport-error"] ?? 0).toBeGreaterThan(0);
    expect(r.ok).toBe(true);
  }, 60_000);
});
