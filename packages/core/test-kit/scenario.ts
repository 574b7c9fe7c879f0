/**
 * Scenarios as data: a server script, client steps at given times, pool
 * options, network faults, and what must come out. {@link runScenario}
 * plays one on the simulated network and sums up what happened in a
 * {@link ScenarioOutcome}; {@link checkScenario} compares it with the
 * expectation. A runner over real sockets only has to produce the same
 * outcome.
 */
import { ClientPool } from "../src/client-pool.ts";
import type { ConnectionCloseReason, PoolOptions } from "../src/pool-events.ts";
import type { RequestErrorCode, RetryReason } from "../src/request-errors.ts";
import { type Origin, originKey } from "../src/socket-actions.ts";
import type { ServerScript } from "./server-script.ts";
import { latin1 } from "./server-script.ts";
import { type Fault, SimNetwork } from "./sim-network.ts";

/** A request of a scenario. */
export interface ScenarioRequest {
  /** How the expectations refer to it. */
  readonly name: string;
  /** Default GET. */
  readonly method?: string;
  readonly target: string;
  /** The origin's host name (port 80). Default `origin.test`. */
  readonly origin?: string;
  /** `https`: the origin is `https://host` (port 443). Default `http`. */
  readonly scheme?: "http" | "https";
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  /** A streamed body: these chunks follow the request at once, then the body ends. */
  readonly stream?: readonly string[];
  /** The streamed body's declared length (Content-Length); default chunked. */
  readonly streamLength?: number;
  readonly version?: "1.0" | "1.1";
  /**
   * The caller holds the response until it is complete (`PoolRequest.buffered`,
   * as `request()` does). Default false: a streaming caller, as `fetch()`.
   */
  readonly buffered?: boolean;
}

/** What the client does, and when (virtual milliseconds). */
export type ClientStep =
  | { readonly at: number; readonly request: ScenarioRequest }
  | { readonly at: number; readonly cancel: string };

/** Pool options as plain data: the backoff is a table (index 0: first retry). */
export type PoolOptionsData = Omit<PoolOptions, "retryBackoffMs"> & {
  readonly retryBackoffMs?: readonly number[];
};

/** What one request must come to (every field optional). */
export interface ExpectedResult {
  readonly status?: number;
  readonly body?: string;
  /** Response fields that must be present with these values. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly error?: RequestErrorCode;
  /** The code of the error's cause (for RETRIES_EXHAUSTED). */
  readonly cause?: RequestErrorCode;
  readonly attempts?: number;
  readonly reused?: boolean;
  readonly retries?: readonly RetryReason[];
  readonly expected?: number;
  readonly received?: number;
  readonly switched?: boolean;
}

/** What must come out of a scenario. */
export interface ScenarioExpect {
  readonly results?: Readonly<Record<string, ExpectedResult>>;
  /** Connections the pool asked for. */
  readonly connectionsOpened?: number;
  /** `METHOD target` of every request the servers read, in order. */
  readonly serverReceived?: readonly string[];
  /** Most connections held at once. */
  readonly maxOpen?: number;
  /** The reasons of every `connection-closed` event, in order. */
  readonly closeReasons?: readonly ConnectionCloseReason[];
}

/** One scenario: see the module comment. */
export interface Scenario {
  /** The test's name: the rule it shows, in words. */
  readonly name: string;
  /** The rule, quoted or cited (issue text, RFC section). */
  readonly rule: string;
  readonly pool?: PoolOptionsData;
  readonly network?: {
    readonly latencyMs?: number;
    readonly chunkSize?: number;
    readonly faults?: readonly Fault[];
  };
  /** The server of every origin not in `servers`. */
  readonly server?: ServerScript;
  /** Servers by host name. */
  readonly servers?: Readonly<Record<string, ServerScript>>;
  readonly client: readonly ClientStep[];
  readonly expect: ScenarioExpect;
}

/** What one request came to. */
export interface ResultSummary {
  readonly outcome: "pending" | "end" | "error" | "switched";
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly error: RequestErrorCode | null;
  readonly cause: RequestErrorCode | null;
  readonly attempts: number;
  readonly reused: boolean | null;
  readonly retries: readonly RetryReason[];
  readonly expected: number | null;
  readonly received: number | null;
}

/** What happened in a scenario. */
export interface ScenarioOutcome {
  readonly results: Readonly<Record<string, ResultSummary>>;
  readonly connectionsOpened: number;
  readonly serverReceived: readonly string[];
  readonly maxOpen: number;
  readonly closeReasons: readonly ConnectionCloseReason[];
  /** Broken contracts: unsettled requests, leaked sockets, server-side mismatches. */
  readonly problems: readonly string[];
}

/** The origin of a host name in scenarios (`http`, port 80; `https`, port 443). */
export function scenarioOrigin(host = "origin.test", scheme: "http" | "https" = "http"): Origin {
  return { scheme, host, port: scheme === "https" ? 443 : 80 };
}

/** Pool options from their data form. */
export function poolOptions(data: PoolOptionsData = {}): PoolOptions {
  const { retryBackoffMs, ...rest } = data;
  if (retryBackoffMs === undefined) return rest;
  return {
    ...rest,
    retryBackoffMs: (n) => retryBackoffMs[Math.min(n, retryBackoffMs.length) - 1] ?? 0,
  };
}

/** Plays a scenario on the simulated network. Also returns the network, for closer looks. */
export function runScenario(s: Scenario): ScenarioOutcome & { readonly sim: SimNetwork } {
  const servers: Record<string, ServerScript> = {};
  for (const [host, script] of Object.entries(s.servers ?? {})) {
    servers[originKey(scenarioOrigin(host))] = script;
  }
  const pool = new ClientPool(poolOptions(s.pool));
  const sim = new SimNetwork(pool, {
    ...s.network,
    servers,
    ...(s.server ? { server: s.server } : {}),
  });
  const ids = new Map<string, number>();
  for (const step of s.client) {
    sim.at(step.at, () => {
      if ("cancel" in step) {
        const id = ids.get(step.cancel);
        if (id !== undefined) sim.cancel(id);
        return;
      }
      const r = step.request;
      const body =
        r.stream !== undefined
          ? {
              stream: true as const,
              ...(r.streamLength !== undefined ? { length: r.streamLength } : {}),
            }
          : r.body !== undefined
            ? latin1(r.body)
            : null;
      const id = sim.request({
        origin: scenarioOrigin(r.origin, r.scheme),
        method: r.method ?? "GET",
        target: r.target,
        fields: r.headers ?? [],
        body,
        ...(r.version !== undefined ? { version: r.version } : {}),
        ...(r.buffered === true ? { buffered: true } : {}),
      });
      ids.set(r.name, id);
      for (const chunk of r.stream ?? []) sim.writeBody(id, latin1(chunk));
      if (r.stream !== undefined) sim.endBody(id);
    });
  }
  sim.run({ maxSteps: 200_000 });
  return { ...summarize(sim, ids), sim };
}

function summarize(sim: SimNetwork, ids: ReadonlyMap<string, number>): ScenarioOutcome {
  const results: Record<string, ResultSummary> = {};
  const problems: string[] = [...sim.violations];
  for (const [name, id] of ids) {
    const r = sim.results.get(id);
    if (r === undefined) continue;
    if (r.outcome === "pending") problems.push(`${name} never settled`);
    const err = r.error;
    const cause = err?.cause;
    const headers: Record<string, string> = {};
    for (const [n, v] of r.head?.fields ?? []) headers[n.toLowerCase()] = v;
    results[name] = {
      outcome: r.outcome,
      status: r.head?.status ?? null,
      headers,
      body: r.body,
      error: err?.code ?? null,
      cause: cause !== undefined && "attempts" in cause ? cause.code : null,
      attempts: err?.attempts.count ?? attemptsOf(sim, id),
      reused: r.reused,
      retries: r.retries,
      expected: err?.expected ?? null,
      received: err?.received ?? null,
    };
  }
  const serverReceived: string[] = [];
  const logs = [...sim.serverLogs()].flatMap((l) => l.requests);
  logs.sort((a, b) => a.at - b.at);
  for (const req of logs) serverReceived.push(`${req.method} ${req.target}`);
  for (const log of sim.serverLogs()) problems.push(...log.problems);
  if (sim.open.size > 0)
    problems.push(`sockets still held at the end: ${[...sim.open].join(", ")}`);
  if (sim.pool.nextDeadline() !== null) problems.push("a pool timer is still armed at the end");
  const closeReasons: ConnectionCloseReason[] = [];
  for (const { event } of sim.events)
    if (event.type === "connection-closed") closeReasons.push(event.reason);
  return {
    results,
    connectionsOpened: sim.connects,
    serverReceived,
    maxOpen: sim.maxOpen,
    closeReasons,
    problems,
  };
}

/** The attempts of a request's last response (a buffered one may have had several). */
function attemptsOf(sim: SimNetwork, id: number): number {
  let count = 0;
  for (const { event } of sim.events) {
    if (event.type === "response" && event.id === id) count = event.attempts.count;
  }
  return count;
}

/** The differences between an outcome and an expectation (empty when it passes), problems included. */
export function checkScenario(outcome: ScenarioOutcome, expect: ScenarioExpect): string[] {
  const out: string[] = [...outcome.problems];
  for (const [name, want] of Object.entries(expect.results ?? {})) {
    const got = outcome.results[name];
    if (got === undefined) {
      out.push(`${name}: no such request`);
      continue;
    }
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        out.push(`${name}: ${what} is ${JSON.stringify(a)}, expected ${JSON.stringify(b)}`);
      }
    };
    if (want.status !== undefined) same("status", got.status, want.status);
    if (want.body !== undefined) same("body", got.body, want.body);
    if (want.error !== undefined) same("error", got.error, want.error);
    if (want.error === undefined && want.switched === undefined && want.status !== undefined) {
      same("outcome", got.outcome, "end");
    }
    if (want.cause !== undefined) same("cause", got.cause, want.cause);
    if (want.attempts !== undefined) same("attempts", got.attempts, want.attempts);
    if (want.reused !== undefined) same("reused", got.reused, want.reused);
    if (want.retries !== undefined) same("retries", got.retries, want.retries);
    if (want.expected !== undefined) same("expected", got.expected, want.expected);
    if (want.received !== undefined) same("received", got.received, want.received);
    if (want.switched !== undefined) same("switched", got.outcome === "switched", want.switched);
    for (const [h, v] of Object.entries(want.headers ?? {}))
      same(h, got.headers[h.toLowerCase()], v);
  }
  if (expect.connectionsOpened !== undefined) {
    if (outcome.connectionsOpened !== expect.connectionsOpened) {
      out.push(
        `connections opened: ${outcome.connectionsOpened}, expected ${expect.connectionsOpened}`,
      );
    }
  }
  if (expect.maxOpen !== undefined && outcome.maxOpen !== expect.maxOpen) {
    out.push(`most connections at once: ${outcome.maxOpen}, expected ${expect.maxOpen}`);
  }
  if (expect.serverReceived !== undefined) {
    const a = JSON.stringify(outcome.serverReceived);
    if (a !== JSON.stringify(expect.serverReceived)) {
      out.push(`server received ${a}, expected ${JSON.stringify(expect.serverReceived)}`);
    }
  }
  if (expect.closeReasons !== undefined) {
    const a = JSON.stringify(outcome.closeReasons);
    if (a !== JSON.stringify(expect.closeReasons)) {
      out.push(`close reasons ${a}, expected ${JSON.stringify(expect.closeReasons)}`);
    }
  }
  return out;
}
