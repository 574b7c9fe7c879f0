/**
 * Core's pool scenarios (test-kit data) replayed over real sockets: the
 * servers are {@link ScriptServer}s playing the scenario's own scripts, the
 * client is the adapter's `createClient()`, and the outcome is summed up in
 * the test-kit's {@link ScenarioOutcome} form and checked with its own
 * `checkScenario`, so the simulated network and real TCP answer to the same
 * expectations.
 *
 * What changes on the way:
 * - Ports. Scenarios name origins by host (`origin.test`, port 80); each host
 *   gets its own server on a free port of 127.0.0.1, and requests go there.
 * - Time. Client steps run at their virtual times, read as real milliseconds.
 *   Only scenarios whose outcome does not hang on sub-millisecond timing
 *   replay faithfully; {@link replayIssue} turns away the ones that cannot
 *   run at all, and the suite picks the rest by name.
 * - What `request()` shows. A failed request rejects with a `RequestError`,
 *   so its status, body, headers and `reused` flag are unknown: those
 *   expectations are dropped for results that expect an error. A successful
 *   request's retry reasons come from the client's `request-retried` events.
 * - The end. The simulated network runs until every timer fired, so the
 *   pool's last idle connections close with `idle-timeout`; a replay stops
 *   once every request settled. Trailing `idle-timeout` close reasons are
 *   left out on both sides.
 */
import type { ClientOptions, ConnectionEvent, CreateClient } from "@tether/adapter-kit";
import type { ConnectionCloseReason, RequestError, RetryReason } from "@tether/core";
import {
  checkScenario,
  type ExpectedResult,
  fromLatin1,
  type ResultSummary,
  type Scenario,
  type ScenarioExpect,
  type ScenarioOutcome,
  type ScenarioRequest,
} from "@tether/core/test-kit";
import { ScriptServer } from "./script-server.ts";

/** Longest virtual time a replayed scenario may span (the suite's waits stay short). */
const MAX_SPAN_MS = 1500;

/** How long a replay waits for its requests to settle after the last step. */
const SETTLE_MS = 3000;

/** The faults a {@link ScriptServer} reproduces (see script-server.ts). */
const REPLAYED_FAULTS: ReadonlySet<string> = new Set([
  "fin",
  "reset",
  "reset-request",
  "delay",
  "idle-close",
]);

/** Why a scenario cannot be replayed over real sockets, or `null` when it can. */
export function replayIssue(s: Scenario): string | null {
  const faults = s.network?.faults ?? [];
  if (s.pool?.proxy !== undefined) return "proxy origins are not mapped to ports";
  if (s.pool?.retryBackoffMs !== undefined) return "createClient() takes no retryBackoffMs";
  if (s.network?.latencyMs !== undefined || s.network?.chunkSize !== undefined) {
    return "loopback latency and segment sizes are not ours to choose";
  }
  if (faults.some((f) => f.kind === "refuse")) return "a real refusal needs no listener at all";
  const unknown = faults.find((f) => !REPLAYED_FAULTS.has(f.kind));
  if (unknown !== undefined) return `no real-socket ${unknown.kind} fault`;
  for (const step of s.client) {
    if ("cancel" in step) return "request() cannot be cancelled";
    const r = step.request;
    // Read loosely: newer scenario data may name other schemes.
    const scheme = (r as { readonly scheme?: string }).scheme;
    if (scheme !== undefined && scheme !== "http") return `no ${scheme} servers to replay against`;
    if (r.stream !== undefined) return "request() takes no streamed body";
    if (r.version !== undefined) return "request() takes no per-request version";
    if (step.at > MAX_SPAN_MS) return `a step at ${step.at} ms (longer than ${MAX_SPAN_MS} ms)`;
  }
  for (const want of Object.values(s.expect.results ?? {})) {
    if (want.switched !== undefined) return "request() does not offer protocol switches";
  }
  for (const step of s.client) {
    if (!("request" in step) || step.request.buffered === true) continue;
    const want = s.expect.results?.[step.request.name];
    if (want?.error === "TRUNCATED_BODY" || want?.cause === "TRUNCATED_BODY") {
      // A streaming caller's cut response; request() buffers and sends it again.
      return "request() buffers: a streamed response cut short is fetch()'s case";
    }
  }
  const hosts = new Set(s.client.map((c) => ("request" in c ? (c.request.origin ?? "") : "")));
  if (faults.length > 0 && hosts.size > 1) {
    return "faults are placed by connection number across origins";
  }
  return null;
}

/** Options of {@link replayScenario}. */
export interface ReplayOptions {
  /**
   * Requests (by name) sent in the very turn of the event loop in which the
   * server of their origin first closes a connection, instead of at their
   * step's time: the stale-connection race, made deterministic (the client
   * cannot have read the FIN yet). Their step's time is not used.
   */
  readonly atServerClose?: readonly string[];
  /**
   * Replay over TLS (issue #9): every server speaks `https://` with this
   * identity, and the client trusts `ca`. The scenario's octets and faults
   * apply to the decrypted streams (script-server.ts).
   */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
}

/** Replays `s` with a client from `createClient`; resolves with the differences (empty: it passes). */
export async function replayScenario(
  s: Scenario,
  createClient: CreateClient,
  options: ReplayOptions = {},
): Promise<string[]> {
  const issue = replayIssue(s);
  if (issue !== null) return [`not replayable: ${issue}`];
  const hosts = new Set<string>(Object.keys(s.servers ?? {}));
  for (const step of s.client)
    if ("request" in step) hosts.add(step.request.origin ?? "origin.test");
  const servers = new Map<string, ScriptServer>();
  const faults = s.network?.faults ?? [];
  for (const host of hosts) {
    const script = s.servers?.[host] ?? s.server ?? {};
    const tls = options.tls === undefined ? {} : { tls: options.tls };
    servers.set(host, await ScriptServer.start(script, { faults, ...tls }));
  }
  const { retryBackoffMs: _unused, ...pool } = s.pool ?? {};
  const trust = options.tls === undefined ? {} : { tls: { ca: options.tls.ca } };
  const client = createClient({ ...(pool as ClientOptions), ...trust });
  const watch = watchClient(client.on.bind(client));
  const results: Record<string, ResultSummary> = {};
  const pending: Promise<void>[] = [];
  const problems: string[] = [];
  let closeReasons: ConnectionCloseReason[] = [];
  try {
    const send = (r: ScenarioRequest): void => {
      const server = servers.get(r.origin ?? "origin.test") as ScriptServer;
      // Ids are given in order from 1, one per request() (see ClientPool.request).
      const id = client.stats().requests + 1;
      pending.push(
        client
          .request({
            url: `${server.url}${r.target}`,
            method: r.method ?? "GET",
            headers: r.headers ?? [],
            body: r.body ?? null,
          })
          .then(
            (res) => {
              const headers: Record<string, string> = {};
              for (const [n, v] of res.fields) headers[n.toLowerCase()] = v;
              results[r.name] = {
                ...EMPTY,
                outcome: "end",
                status: res.status,
                headers,
                body: fromLatin1(res.body),
                attempts: res.attempts,
                reused: res.reused,
                retries: watch.retries.get(id) ?? [],
              };
            },
            (error: RequestError) => {
              const cause = error.cause;
              results[r.name] = {
                ...EMPTY,
                outcome: "error",
                error: error.code,
                cause: cause !== undefined && "attempts" in cause ? cause.code : null,
                attempts: error.attempts.count,
                retries: error.attempts.retries,
                expected: error.expected ?? null,
                received: error.received ?? null,
              };
            },
          ),
      );
    };
    const racing = new Set(options.atServerClose ?? []);
    const fired = s.client.map(
      (step) =>
        new Promise<void>((resolve) => {
          if (!("request" in step)) return resolve();
          const r = step.request;
          if (racing.has(r.name)) {
            const server = servers.get(r.origin ?? "origin.test") as ScriptServer;
            const off = server.onClose(() => {
              off();
              send(r);
              resolve();
            });
            return;
          }
          setTimeout(() => {
            send(r);
            resolve();
          }, step.at);
        }),
    );
    if (!(await within(Promise.all(fired), MAX_SPAN_MS + SETTLE_MS))) {
      problems.push("a request waiting for a server close was never sent");
    }
    const settled = await within(Promise.all(pending), SETTLE_MS);
    if (!settled) {
      for (const step of s.client) {
        if ("request" in step && results[step.request.name] === undefined) {
          problems.push(`${step.request.name} never settled`);
        }
      }
    }
  } finally {
    closeReasons = withoutTrailingIdle(watch.closeReasons);
    await client.close();
    for (const server of servers.values()) await server.close();
  }
  const logs = [...servers.values()].flatMap((sv) => sv.log.requests);
  logs.sort((a, b) => a.at - b.at);
  for (const sv of servers.values()) problems.push(...sv.log.problems);
  const outcome: ScenarioOutcome = {
    results,
    connectionsOpened: [...servers.values()].reduce((n, sv) => n + sv.connections, 0),
    serverReceived: logs.map((r) => `${r.method} ${r.target}`),
    maxOpen: watch.maxOpen,
    closeReasons,
    problems,
  };
  return checkScenario(outcome, adjusted(s.expect));
}

const EMPTY: ResultSummary = {
  outcome: "pending",
  status: null,
  headers: {},
  body: "",
  error: null,
  cause: null,
  attempts: 0,
  reused: null,
  retries: [],
  expected: null,
  received: null,
};

/** What the client's events say: retries per request id, open connections, close reasons. */
function watchClient(on: (listener: (e: ConnectionEvent) => void) => () => void): {
  retries: Map<number, RetryReason[]>;
  maxOpen: number;
  closeReasons: ConnectionCloseReason[];
} {
  const state = {
    retries: new Map<number, RetryReason[]>(),
    maxOpen: 0,
    closeReasons: [] as ConnectionCloseReason[],
  };
  let open = 0;
  on((e) => {
    if (e.type === "request-retried") {
      const list = state.retries.get(e.request) ?? [];
      list.push(e.reason as RetryReason);
      state.retries.set(e.request, list);
    } else if (e.type === "connection-opened") {
      open++;
      state.maxOpen = Math.max(state.maxOpen, open);
    } else if (e.type === "connection-closed") {
      open--;
      state.closeReasons.push(e.reason);
    }
  });
  return state;
}

/** The expectation as a replay can check it (see the module comment). */
function adjusted(expect: ScenarioExpect): ScenarioExpect {
  const results: Record<string, ExpectedResult> = {};
  for (const [name, want] of Object.entries(expect.results ?? {})) {
    if (want.error === undefined) {
      results[name] = want;
      continue;
    }
    const { status: _s, body: _b, headers: _h, reused: _r, ...rest } = want;
    results[name] = rest;
  }
  return {
    ...expect,
    results,
    ...(expect.closeReasons !== undefined
      ? { closeReasons: withoutTrailingIdle(expect.closeReasons) }
      : {}),
  } as ScenarioExpect;
}

function withoutTrailingIdle<T extends string>(reasons: readonly T[]): T[] {
  const out = [...reasons];
  while (out.at(-1) === "idle-timeout") out.pop();
  return out;
}

async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
