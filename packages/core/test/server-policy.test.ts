import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.ts";
import { clientKey, ServerPolicy } from "../src/server-policy.ts";
import { advance, answer, GET, SimSocket, VirtualClock } from "./server-harness.ts";

/** Accepts a connection and wraps its session in a simulated socket. */
function connect(
  policy: ServerPolicy,
  clock: VirtualClock,
  address: string,
  armTimer = true,
): SimSocket {
  const r = policy.accept(address, clock.now);
  if (!r.accept) throw new Error(`refused: ${r.reason}`);
  expect(r.session.socket).toBe(r.socket);
  return new SimSocket(r.session, clock, armTimer);
}

describe("ServerPolicy: options", () => {
  it("checks every session option when made, not at the first connection", () => {
    for (const bad of [
      { keepAliveTimeoutMs: -1 },
      { compactIdleAfterMs: -5 },
      { maxConnectionsPerClient: 0 },
      { headersTimeoutMs: Number.NaN },
    ]) {
      expect(() => new ServerPolicy(bad)).toThrow(UsageError);
    }
    expect(() => new ServerPolicy({ compactIdleAfterMs: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});

describe("ServerPolicy: connections per client address", () => {
  it("per-address cap: connections beyond maxConnectionsPerClient are refused; other clients are not affected", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy({ maxConnectionsPerClient: 2 });
    const a1 = connect(policy, clock, "192.0.2.1");
    connect(policy, clock, "192.0.2.1");
    expect(policy.accept("192.0.2.1", clock.now)).toEqual({
      accept: false,
      reason: "too-many-connections-from-client",
    });
    const b = connect(policy, clock, "198.51.100.7");
    b.send(GET());
    answer(b);
    expect(b.read()).toContain("200 OK");
    expect(policy.connectionsFrom("192.0.2.1")).toBe(2);
    expect(policy.connections).toBe(3);
    // A slot frees once one of the client's sockets is closed.
    a1.session.abort("transport-error", clock.now);
    a1.run();
    expect(policy.connectionsFrom("192.0.2.1")).toBe(1);
    expect(policy.accept("192.0.2.1", clock.now).accept).toBe(true);
  });

  it("a slot frees only when the socket is closed, not when its graceful close begins", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy({ maxConnectionsPerClient: 1 });
    const a = connect(policy, clock, "192.0.2.1");
    a.send(GET("/", "Connection: close\r\n"));
    answer(a);
    expect(a.session.state).toBe("closing");
    expect(policy.accept("192.0.2.1", clock.now).accept).toBe(false);
    a.fin();
    expect(a.closed).toBe(true);
    expect(policy.accept("192.0.2.1", clock.now).accept).toBe(true);
  });

  it("one client is one key however the transport spells its address", () => {
    expect(clientKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(clientKey("2001:DB8::1")).toBe("2001:db8::1");
    expect(clientKey("fe80::1%eth0")).toBe("fe80::1");
    const clock = new VirtualClock();
    const policy = new ServerPolicy({ maxConnectionsPerClient: 1 });
    connect(policy, clock, "192.0.2.1");
    expect(policy.accept("::ffff:192.0.2.1", clock.now).accept).toBe(false);
  });

  it("usage: a cap below 1 is refused", () => {
    expect(() => new ServerPolicy({ maxConnectionsPerClient: 0 })).toThrow(UsageError);
  });
});

describe("ServerPolicy: graceful shutdown (RFC 9112 §9.6)", () => {
  it("RFC 9112 §9.6: graceful shutdown with in-flight requests — stop accepting, finish them with Connection: close, close idle ones, then drained", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy();
    const idle = connect(policy, clock, "192.0.2.1");
    const busy = connect(policy, clock, "192.0.2.2");
    const pipelined = connect(policy, clock, "192.0.2.3");
    busy.send(GET("/slow"));
    pipelined.send(GET("/1") + GET("/2"));
    const touched = policy.shutdown(clock.now);
    for (const s of [idle, busy, pipelined]) {
      expect(touched).toContain(s.session);
      s.run();
    }
    expect(policy.state).toBe("draining");
    expect(policy.accept("192.0.2.9", clock.now)).toEqual({
      accept: false,
      reason: "shutting-down",
    });
    // The idle connection is closed at once (gracefully: FIN first).
    expect(idle.finSent).toBe(true);
    expect(idle.count("write")).toBe(0);
    // The busy ones finish what they owe; only the last response says close.
    expect(busy.finSent).toBe(false);
    answer(busy, "slow");
    expect(busy.read()).toContain("Connection: close");
    answer(pipelined, "one");
    expect(pipelined.read()).not.toContain("Connection: close");
    answer(pipelined, "two");
    expect(pipelined.read()).toContain("Connection: close");
    for (const s of [idle, busy, pipelined]) {
      expect(s.finSent).toBe(true);
      s.fin();
      expect(s.closed).toBe(true);
      expect(s.reset).toBe(false);
    }
    expect(policy.drained).toBe(true);
    expect(policy.connections).toBe(0);
  });

  it("shutdown with a grace period: whatever is still busy at its end is aborted", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy();
    const busy = connect(policy, clock, "192.0.2.1", false);
    busy.send(GET("/never-answered"));
    policy.shutdown(clock.now, 10_000);
    busy.run();
    expect(policy.nextDeadline()).toBe(10_000);
    advance(clock, 10_000);
    expect(policy.tick(clock.now)).toEqual([busy.session]);
    busy.run();
    expect(busy.closed).toBe(true);
    expect(busy.events.at(-1)).toEqual({ type: "close", reason: "shutdown" });
    expect(policy.drained).toBe(true);
    expect(policy.nextDeadline()).toBeNull();
  });

  it("policy.tick fires the sessions' own timers (idle timeouts) across connections", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy({ keepAliveTimeoutMs: 1000 });
    const a = connect(policy, clock, "192.0.2.1", false);
    advance(clock, 500);
    const b = connect(policy, clock, "192.0.2.2", false);
    expect(policy.nextDeadline()).toBe(1000);
    advance(clock, 500);
    expect(policy.tick(clock.now)).toEqual([a.session]);
    a.run();
    expect(a.finSent).toBe(true);
    expect(b.finSent).toBe(false);
    advance(clock, 500);
    for (const s of policy.tick(clock.now)) expect(s).toBe(b.session);
    b.run();
    expect(b.finSent).toBe(true);
  });

  it("options reach every session (maxRequestsPerConnection)", () => {
    const clock = new VirtualClock();
    const policy = new ServerPolicy({ maxRequestsPerConnection: 1 });
    const a = connect(policy, clock, "192.0.2.1");
    a.send(GET());
    answer(a);
    expect(a.read()).toContain("Connection: close");
  });
});
