/**
 * Properties of the client pool over random workloads and random faults,
 * played on the simulated network (test-kit/sim-network.ts):
 *
 * 1. every request settles exactly once, and nothing about it follows;
 * 2. a completed request has the right status and the right octets, and its
 *    response names its own method and target (never another request's);
 * 3. a failed request fails with a typed RequestError after at most
 *    `maxAttempts` attempts (plus the `not-processed` re-queues, which do
 *    not count, retry.ts row 4);
 * 4. no non-idempotent request without an Idempotency-Key is written twice,
 *    buffered or not; a streaming (not buffered) request is never retried
 *    once its response head was delivered (retry.ts row 2);
 * 5. the pool never holds more connections than its caps;
 * 6. once everything has settled and the idle timeouts have passed, no
 *    connection and no timer is left;
 * 7. without faults, from a server that keeps its promises, every request
 *    completes;
 * 8. the deadline bounds hold after every flush (pool-deadline-bounds.test.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import type { PoolOptions } from "../src/pool-events.ts";
import type { PoolState } from "../src/pool-state.ts";
import type { PooledConnection } from "../src/pooled-connection.ts";
import { RequestError } from "../src/request-errors.ts";
import { isIdempotent } from "../src/retry.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import type { ServeOptions } from "../test-kit/server-script.ts";
import { bodyFor, latin1 } from "../test-kit/server-script.ts";
import { type Fault, SimNetwork } from "../test-kit/sim-network.ts";

interface Job {
  readonly method: string;
  readonly key: boolean;
  readonly size: number;
  readonly bodySize: number;
  readonly stream: boolean;
  readonly at: number;
  readonly origin: string;
  /** Cancelled this long after it was sent, if at all. */
  readonly cancelAfter: number | undefined;
  /** The caller holds the response until complete (`PoolRequest.buffered`). */
  readonly buffered: boolean;
}

const job: fc.Arbitrary<Job> = fc.record({
  method: fc.constantFrom("GET", "GET", "GET", "HEAD", "PUT", "DELETE", "POST", "POST", "PATCH"),
  key: fc.boolean(),
  size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 3000 })),
  bodySize: fc.integer({ min: 0, max: 400 }),
  stream: fc.boolean(),
  // Bursts (to fill pipelines and queues) and stragglers (to find idle connections).
  at: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3000 })),
  origin: fc.constantFrom("a.test", "a.test", "a.test", "b.test"),
  cancelAfter: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 9 },
    { arbitrary: fc.integer({ min: 0, max: 60 }), weight: 1 },
  ),
  buffered: fc.boolean(),
});

const poolOptions: fc.Arbitrary<PoolOptions> = fc.record({
  connectionsPerOrigin: fc.integer({ min: 1, max: 3 }),
  maxConnections: fc.constantFrom(Number.POSITIVE_INFINITY, 1, 2, 3),
  maxRequestsPerConnection: fc.constantFrom(
    Number.POSITIVE_INFINITY,
    Number.POSITIVE_INFINITY,
    1,
    3,
  ),
  idleTimeoutMs: fc.constantFrom(300, 4000),
  pipelining: fc.constantFrom(1, 2, 4),
  maxAttempts: fc.integer({ min: 1, max: 4 }),
  http10: fc.boolean(),
  connectTimeoutMs: fc.constantFrom(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 3),
  headersTimeoutMs: fc.constantFrom(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 25),
});

/** Present now and then: most servers are plain, some are hostile. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** Drops the keys whose value is undefined (exactOptionalPropertyTypes-friendly). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const serve: fc.Arbitrary<ServeOptions> = fc
  .record({
    version: sometimes(fc.constant("1.0" as const)),
    keepAlive: sometimes(fc.constant(false)),
    keepAliveHeader: sometimes(fc.constantFrom("timeout=1", "timeout=3, max=3", "max=2")),
    maxRequests: sometimes(fc.integer({ min: 1, max: 4 })),
    idleTimeoutMs: sometimes(fc.integer({ min: 50, max: 5000 })),
    delayMs: fc.integer({ min: 0, max: 30 }),
    chunked: fc.boolean(),
  })
  .map(defined);

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("reset" as const, "fin" as const),
    connection: fc.integer({ min: 0, max: 5 }),
    atByte: fc.integer({ min: 0, max: 1500 }),
  }),
  fc.record({
    kind: fc.constant("reset-request" as const),
    connection: fc.integer({ min: 0, max: 8 }),
    atByte: fc.integer({ min: 0, max: 800 }),
  }),
  fc.record({ kind: fc.constant("refuse" as const), connection: fc.integer({ min: 0, max: 8 }) }),
  fc.record({
    kind: fc.constant("delay" as const),
    connection: fc.integer({ min: 0, max: 8 }),
    atByte: fc.integer({ min: 0, max: 4000 }),
    ms: fc.integer({ min: 1, max: 300 }),
  }),
  fc.record({ kind: fc.constant("idle-close" as const), at: fc.integer({ min: 0, max: 4000 }) }),
);

const network = fc.record({
  latencyMs: fc.integer({ min: 0, max: 5 }),
  chunkSize: fc.constantFrom(Number.POSITIVE_INFINITY, 1, 7, 100, 1000),
});

interface Played {
  readonly sim: SimNetwork;
  readonly jobs: readonly Job[];
  readonly ids: readonly number[];
  readonly capBreaches: string[];
}

/** Plays a workload; each job gets a unique target so that it can be told apart on the wire. */
function play(
  jobs: readonly Job[],
  options: PoolOptions,
  server: ServeOptions,
  faults: readonly Fault[],
  net: { latencyMs: number; chunkSize: number },
): Played {
  const pool = new ClientPool(options);
  const sim = new SimNetwork(pool, { ...net, faults, server: { otherwise: { serve: server } } });
  const ids: number[] = [];
  const capBreaches: string[] = [];
  // Deadline bounds (pool-deadline-bounds.test.ts): a deadline `nextDeadline()` reports
  // was either held at the previous flush or announced by `takeNewDeadline()` since.
  let known = Number.POSITIVE_INFINITY;
  sim.onFlush = () => {
    const held = pool.stats().connections;
    if (held > (options.maxConnections ?? Number.POSITIVE_INFINITY)) {
      capBreaches.push(`the pool held ${held} connections`);
    }
    const announced = pool.takeNewDeadline() ?? Number.POSITIVE_INFINITY;
    const next = pool.nextDeadline() ?? Number.POSITIVE_INFINITY;
    if (next < Math.min(known, announced)) {
      capBreaches.push(`deadline ${next} unannounced (held ${known}, new ${announced})`);
    }
    known = next;
    capBreaches.push(...idleBoundBreaches(pool));
  };
  jobs.forEach((j, i) => {
    sim.at(j.at, () => {
      const target = `/job/${i}?size=${j.size}`;
      const fields: [string, string][] = j.key ? [["Idempotency-Key", `key-${i}`]] : [];
      const hasBody = j.method === "POST" || j.method === "PUT" || j.method === "PATCH";
      const payload = latin1("x".repeat(j.bodySize));
      const stream = hasBody && j.stream;
      const id = sim.request({
        origin: scenarioOrigin(j.origin),
        method: j.method,
        target,
        fields,
        // HTTP/1.0 cannot chunk: a streamed body then declares its length.
        body: !hasBody ? null : stream ? { stream: true, length: j.bodySize } : payload,
        buffered: j.buffered,
      });
      ids[i] = id;
      if (j.cancelAfter !== undefined) sim.at(j.at + j.cancelAfter, () => sim.cancel(id));
      if (stream) {
        sim.writeBody(id, payload.subarray(0, j.bodySize >> 1));
        sim.writeBody(id, payload.subarray(j.bodySize >> 1));
        sim.endBody(id);
      }
    });
  });
  sim.run({ maxSteps: 500_000 });
  if (sim.maxOpen > (options.maxConnections ?? Number.POSITIVE_INFINITY)) {
    capBreaches.push(`${sim.maxOpen} sockets at once`);
  }
  for (const [key, n] of sim.maxOpenPerOrigin) {
    if (n > (options.connectionsPerOrigin ?? 6)) capBreaches.push(`${n} sockets to ${key} at once`);
  }
  return { sim, jobs, ids, capBreaches };
}

/**
 * The idle-expiry bound (pool-state.ts `idleCheckAt`) is no later than any
 * idle connection's reuse deadline, and each connection's `inIdleStack`
 * says whether its origin's idle stack holds it (read from the pool's
 * internals: the bound is not observable but through timing).
 */
function idleBoundBreaches(pool: ClientPool): string[] {
  const s = (pool as unknown as { s: PoolState }).s;
  const out: string[] = [];
  for (const origin of s.origins.values()) {
    const stack = (origin as unknown as { idleStack: PooledConnection[] }).idleStack;
    for (const conn of origin.connections) {
      if (conn.inIdleStack !== stack.includes(conn)) out.push(`socket ${conn.socket}: inIdleStack`);
    }
    for (const conn of stack) {
      if (conn.idleDeadline < s.idleCheckAt) {
        out.push(`socket ${conn.socket} idle until ${conn.idleDeadline}, bound ${s.idleCheckAt}`);
      }
    }
  }
  return out;
}

/** Checks properties 1–6; returns the broken ones. */
function check(p: Played, options: PoolOptions): string[] {
  const { sim, jobs, ids } = p;
  const out = [...sim.violations, ...p.capBreaches];
  const maxAttempts = options.maxAttempts ?? 3;
  const lines = sim.requestLinesWritten();
  jobs.forEach((j, i) => {
    const id = ids[i] as number;
    const r = sim.results.get(id);
    const target = `/job/${i}?size=${j.size}`;
    if (r === undefined || r.outcome === "pending") {
      out.push(`${j.method} ${target} never settled`);
      return;
    }
    const notProcessed = r.retries.filter((x) => x === "not-processed").length;
    if (r.outcome === "end") {
      const head = r.head;
      if (head?.status !== 200) out.push(`${target}: status ${head?.status}`);
      if (head?.fields.get("x-target") !== target || head?.fields.get("x-method") !== j.method) {
        out.push(
          `${target}: answered with the response of ${head?.fields.get("x-method")} ${head?.fields.get("x-target")}`,
        );
      }
      const want = j.method === "HEAD" ? "" : bodyFor(j.method, target);
      if (r.body !== want)
        out.push(`${target}: body of ${r.body.length} octets, wanted ${want.length}`);
      const hasBody = j.method === "POST" || j.method === "PUT" || j.method === "PATCH";
      if (head?.fields.get("x-request-body") !== String(hasBody ? j.bodySize : 0)) {
        out.push(`${target}: the server got ${head?.fields.get("x-request-body")} body octets`);
      }
      const attempts = sim.events.find((e) => e.event.type === "response" && e.event.id === id);
      const count = attempts?.event.type === "response" ? attempts.event.attempts.count : 0;
      if (count > maxAttempts + notProcessed) out.push(`${target}: ${count} attempts`);
    } else if (r.outcome === "error") {
      const err = r.error;
      if (!(err instanceof RequestError)) out.push(`${target}: untyped error ${String(err)}`);
      else if (err.attempts.count > maxAttempts + notProcessed) {
        out.push(`${target}: failed after ${err.attempts.count} attempts`);
      }
    } else out.push(`${target}: unexpected outcome ${r.outcome}`);
    if (!j.buffered) {
      // Row 2: once the head reached a streaming caller, no second answer.
      let headSeen = false;
      for (const { event } of sim.events) {
        if (!("id" in event) || event.id !== id) continue;
        if (event.type === "response") headSeen = true;
        if (event.type === "request-retried" && headSeen) {
          out.push(`${target}: a streaming request was retried after its head was delivered`);
        }
      }
    }
    if (!isIdempotent(j.method) && !j.key) {
      const written = lines.filter((l) => l === `${j.method} ${target} HTTP/1.1`).length;
      if (written > 1) out.push(`${j.method} ${target} written ${written} times`);
    }
  });
  if (sim.open.size > 0) out.push(`leaked sockets ${[...sim.open].join(",")}`);
  if (sim.pool.nextDeadline() !== null)
    out.push(`a timer is still armed at ${sim.pool.nextDeadline()}`);
  const stats = sim.pool.stats();
  if (stats.connections + stats.queued + stats.inFlight > 0)
    out.push(`pool not empty: ${JSON.stringify(stats)}`);
  return out;
}

describe("client pool properties (fast-check, simulated network)", () => {
  it("under random workloads and random faults: settles each request once, right bytes or a typed error, bounded attempts, no POST twice, within caps, nothing leaked", () => {
    fc.assert(
      fc.property(
        fc.array(job, { minLength: 1, maxLength: 16 }),
        poolOptions,
        serve,
        fc.array(fault, { maxLength: 4 }),
        network,
        (jobs, options, server, faults, net) => {
          const played = play(jobs, options, server, faults, net);
          expect(check(played, options)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("pipelined bursts on one connection, with faults at random octets: the same invariants hold", () => {
    const burst = job.map((j) => ({ ...j, at: j.at % 50, origin: "a.test" }));
    const pipelined = poolOptions.map((o) => ({
      ...o,
      connectionsPerOrigin: 1,
      maxConnections: Number.POSITIVE_INFINITY,
      pipelining: Math.max(2, o.pipelining ?? 2),
    }));
    const nearFault = fault.map((f) =>
      "connection" in f ? { ...f, connection: f.connection % 3 } : f,
    );
    fc.assert(
      fc.property(
        fc.array(burst, { minLength: 2, maxLength: 16 }),
        pipelined,
        serve,
        fc.array(nearFault, { maxLength: 3 }),
        network,
        (jobs, options, server, faults, net) => {
          const played = play(jobs, options, server, faults, net);
          expect(check(played, options)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("without faults, from a server that keeps its promises, every request completes", () => {
    const honest = fc
      .record({
        version: sometimes(fc.constant("1.0" as const)),
        keepAlive: sometimes(fc.constant(false)),
        keepAliveHeader: sometimes(fc.constantFrom("max=3", "max=1", "timeout=3")),
        maxRequests: sometimes(fc.integer({ min: 1, max: 4 })),
        delayMs: fc.integer({ min: 0, max: 30 }),
        chunked: fc.boolean(),
      })
      .map(defined);
    fc.assert(
      fc.property(
        fc.array(job, { minLength: 1, maxLength: 16 }),
        poolOptions.map((o) => ({
          ...o,
          connectTimeoutMs: Number.POSITIVE_INFINITY,
          headersTimeoutMs: Number.POSITIVE_INFINITY,
        })),
        honest,
        network,
        (withCancels, options, server, net) => {
          const jobs = withCancels.map((j) => ({ ...j, cancelAfter: undefined }));
          const played = play(jobs, options, server, [], net);
          expect(check(played, options)).toEqual([]);
          for (const id of played.ids) expect(played.sim.results.get(id)?.outcome).toBe("end");
        },
      ),
      { numRuns: 150 },
    );
  });
});
