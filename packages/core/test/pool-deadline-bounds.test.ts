/**
 * The two deadline bounds the pool keeps so that no input costs a look at
 * every connection:
 *
 * - `takeNewDeadline()`: the earliest deadline set since the last call. A
 *   driver whose timer was armed at `nextDeadline()` stays no later than
 *   every deadline held by this alone (adapter-kit client-timer.ts).
 * - the idle-expiry bound (pool-state.ts `idleCheckAt`): no idle
 *   connection's reuse deadline is earlier, so the scheduler scans the idle
 *   stacks only once it has passed — and still closes every expired one
 *   before reusing any (keep-alive.ts: reuse only while `now < deadline`).
 *
 * The property test (pool-properties.test.ts) checks both over random
 * workloads; these are the rules one by one.
 */
import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";

const ORIGIN = scenarioOrigin();
const enc = new TextEncoder();
const OK = enc.encode("HTTP/1.1 204 No Content\r\n\r\n");
/** RFC 9110 §9.3.1 GET, answered with a hint: `Keep-Alive: timeout=2` (RFC 2068 §19.7.1.1). */
const OK_SHORT = enc.encode("HTTP/1.1 204 No Content\r\nKeep-Alive: timeout=2\r\n\r\n");

const get = (pool: ClientPool, now: number): number =>
  pool.request({ origin: ORIGIN, method: "GET", target: "/" }, now);

describe("client pool: deadlines set since the driver last asked (takeNewDeadline)", () => {
  it("reports the connect, headers and idle deadlines as they are set, each once", () => {
    const pool = new ClientPool({ connectTimeoutMs: 100, headersTimeoutMs: 50 });
    expect(pool.takeNewDeadline()).toBeNull();
    get(pool, 0);
    expect(pool.takeNewDeadline()).toBe(100); // connecting
    expect(pool.takeNewDeadline()).toBeNull();
    pool.connected(1, 10);
    expect(pool.takeNewDeadline()).toBe(60); // the head is awaited
    expect(pool.nextDeadline()).toBe(60);
    pool.received(1, OK, 20);
    expect(pool.takeNewDeadline()).toBe(4020); // idle (default 4000 ms)
    expect(pool.nextDeadline()).toBe(4020);
    expect(pool.takeNewDeadline()).toBeNull();
  });

  it("keeps the earliest of several, and a dropped deadline only leaves it early", () => {
    const pool = new ClientPool({ connectTimeoutMs: 100 });
    get(pool, 0);
    get(pool, 30);
    expect(pool.takeNewDeadline()).toBe(100);
    pool.connected(1, 40);
    pool.received(1, OK, 41);
    // Connection 1 took the second request: its idle deadline is gone again.
    expect(pool.takeNewDeadline()).toBe(4041);
    expect(pool.nextDeadline()).toBe(130);
  });

  it("reports a retry's back-off (retry.ts), and not an immediate retry", () => {
    const pool = new ClientPool({ retryBackoffMs: () => 250 });
    get(pool, 0);
    pool.connected(1, 0);
    pool.received(1, OK, 1);
    pool.takeNewDeadline();
    get(pool, 10); // reuses connection 1
    // RFC 9112 §9.3.1: a reused connection closed before any response octet: retried.
    pool.peerEnded(1, 11);
    expect(pool.takeNewDeadline()).toBe(261);
    expect(pool.nextDeadline()).toBe(261);
    const now = new ClientPool({ retryBackoffMs: () => 0 });
    get(now, 0);
    now.connected(1, 0);
    now.received(1, OK, 1);
    now.takeNewDeadline();
    get(now, 10);
    now.peerEnded(1, 11);
    expect(now.takeNewDeadline()).toBeNull();
  });
});

describe("client pool: idle connections expire before reuse, without a tick (idle-expiry bound)", () => {
  it("RFC 9112 §9.3: an idle connection past its deadline is closed, not reused, by the next request", () => {
    const pool = new ClientPool();
    get(pool, 0);
    pool.connected(1, 0);
    pool.received(1, OK, 1); // idle until 4001
    pool.takeActions();
    pool.takeEvents();
    get(pool, 4001);
    expect(pool.takeActions()).toEqual([
      { type: "close", socket: 1 },
      { type: "connect", socket: 2, origin: ORIGIN },
    ]);
  });

  it("the earliest deadline among several idle connections counts, and the bound moves on after each scan", () => {
    const pool = new ClientPool();
    get(pool, 0);
    get(pool, 0);
    pool.connected(1, 0);
    pool.connected(2, 0);
    // keep-alive.ts: a 2 s hint less the 1 s safety margin: idle until 1001.
    pool.received(1, OK_SHORT, 1);
    pool.received(2, OK, 2); // idle until 4002
    pool.takeActions();
    // Before 1001 both are kept; the most recently used (2) is reused.
    get(pool, 500);
    expect(pool.takeActions().map((a) => [a.type, a.socket])).toEqual([["write", 2]]);
    pool.received(2, OK, 501); // idle again, until 4501
    pool.takeActions();
    pool.takeEvents();
    // At 1001 connection 1 has expired; 2 has not.
    get(pool, 1001);
    expect(pool.takeActions().map((a) => [a.type, a.socket])).toEqual([
      ["close", 1],
      ["write", 2],
    ]);
    pool.received(2, OK, 1002); // idle until 5002, later than the bound left at 4501
    pool.takeActions();
    get(pool, 4600); // the bound passed, nothing expired: reused
    expect(pool.takeActions().map((a) => [a.type, a.socket])).toEqual([["write", 2]]);
    pool.received(2, OK, 4601); // idle until 8601
    pool.takeActions();
    get(pool, 8601);
    expect(pool.takeActions().map((a) => [a.type, a.socket])).toEqual([
      ["close", 2],
      ["connect", 3],
    ]);
  });
});
