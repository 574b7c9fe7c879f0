/**
 * The client child's side of the client section: `count` GETs with
 * `concurrency` in flight, on request from the parent, timed in the child
 * with its own CPU time, and Tether's two client kinds. Each adapter's
 * client child supplies only how its runtime's own clients make one GET.
 */
import { cpuMicros, serveParent } from "./processes.ts";

/** Makes one GET and reads its body whole; resolves true on a 200. */
export type Get = () => Promise<boolean>;

/** What one batch took. */
export interface GetsResult {
  readonly [key: string]: number;
  readonly count: number;
  readonly wallNs: number;
  /** This process's CPU time (every thread), in nanoseconds. */
  readonly cpuNs: number;
  /** Rejected GETs and GETs that were not a 200. */
  readonly errors: number;
}

/** `count` GETs, `concurrency` at a time. */
export async function runGets(get: Get, count: number, concurrency: number): Promise<GetsResult> {
  let started = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (started < count) {
      started++;
      try {
        if (!(await get())) errors++;
      } catch {
        errors++;
      }
    }
  };
  const cpu0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = cpuMicros() - cpu0;
  return { count, wallNs, cpuNs: cpu * 1000, errors };
}

/** Announces `ready` and answers `{ type: "run", count, concurrency }` with {@link runGets}. */
export function serveGets(get: Get): void {
  serveParent({ pid: process.pid }, async (message) => {
    if (message.type !== "run") throw new Error(`unknown message ${message.type}`);
    return runGets(get, Number(message.count), Number(message.concurrency));
  });
}

/** The part of an adapter's `createClient()` result the Tether kinds use. */
export interface TetherClient {
  fetch(url: string): Promise<Response>;
  request(init: { url: string }): Promise<{
    readonly status: number;
    readonly body: { readonly length: number };
  }>;
}

/** A GET through a Web `fetch` (the runtime's global one unless given), reading the body. */
export function fetchGet(
  url: string,
  fetchFn: (url: string) => Promise<Response> = (u) => fetch(u),
): Get {
  return async () => {
    const r = await fetchFn(url);
    await r.arrayBuffer();
    return r.status === 200;
  };
}

/**
 * As many connections as requests in flight: the pool a runtime's own
 * `fetch` opens under the bench's load (Bun's and Deno's open one connection
 * per concurrent request), so a row compares the clients on equal sockets.
 */
export const WIDE_CONNECTIONS = 50;

/** Tether's `fetch()` on a pool of {@link WIDE_CONNECTIONS} connections. */
export const WIDE_FETCH = {
  kind: "tether-fetch-wide",
  label: `tether fetch() (${WIDE_CONNECTIONS} connections, like the runtime's fetch)`,
  ours: true,
} as const;

/** The pipelining depth of undici's pipelined contender, and of {@link PIPELINED_FETCH}. */
export const PIPELINING_DEPTH = 10;

/**
 * Tether's `fetch()` on the default 6 connections with `pipelining`
 * {@link PIPELINING_DEPTH}: the like-for-like row against undici's pipelined Pool.
 */
export const PIPELINED_FETCH = {
  kind: "tether-fetch-pipelined",
  label: `tether fetch() (6 connections, pipelining ${PIPELINING_DEPTH}, like undici's)`,
  ours: true,
} as const;

/**
 * The client child's whole life: makes the GET of `kind` against `origin`
 * and serves the parent's batches with it. `tether-fetch` (our Web
 * `fetch()`) and `tether-request` (our low-level `request()`), each on a
 * fresh client with the default pool, {@link WIDE_FETCH} and {@link PIPELINED_FETCH} are the kit's; `own` makes the
 * runtime's contenders (`url` is `origin` plus `/`) and returns undefined
 * for a kind it does not know.
 */
export function serveClientKind(
  kind: string,
  origin: string,
  createClient: (options?: { connectionsPerOrigin?: number; pipelining?: number }) => TetherClient,
  own: (kind: string, url: string, origin: string) => Get | undefined,
): void {
  const url = `${origin}/`;
  let get: Get | undefined;
  if (kind === "tether-fetch") {
    const c = createClient();
    get = fetchGet(url, (u) => c.fetch(u));
  } else if (kind === WIDE_FETCH.kind) {
    const c = createClient({ connectionsPerOrigin: WIDE_CONNECTIONS });
    get = fetchGet(url, (u) => c.fetch(u));
  } else if (kind === PIPELINED_FETCH.kind) {
    const c = createClient({ pipelining: PIPELINING_DEPTH });
    get = fetchGet(url, (u) => c.fetch(u));
  } else if (kind === "tether-request") {
    const c = createClient();
    get = async () => {
      const r = await c.request({ url });
      return r.status === 200 && r.body.length > 0;
    };
  } else get = own(kind, url, origin);
  if (get === undefined) throw new Error(`unknown client kind ${kind}`);
  serveGets(get);
}
