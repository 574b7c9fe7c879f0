/**
 * Client faults at every octet (issue #8): a raw origin (`node:net`, so it
 * runs unchanged on Node, Bun and Deno) serves one fixed response of about
 * 300 octets, but the first time it sees a given request it stops after
 * octet `k` of that response and resets (or closes with FIN); every later
 * time it serves it whole. The sweep runs every `k` from 0 to the response's
 * length, for a GET, a POST and a POST with an `Idempotency-Key`, through
 * one client whose connections are reused between requests.
 *
 * What core's retry rules (packages/core/src/retry.ts) promise, with H the
 * length of the response head and L of the whole response:
 *
 * | cut at `k`  | GET                                     | POST                              | POST + Idempotency-Key |
 * |-------------|-----------------------------------------|-----------------------------------|------------------------|
 * | k < H       | retried, succeeds, right octets (RFC 9110 §9.2.2) | fails `CONNECTION_RESET` (reset; or `CONNECTION_CLOSED` where the stack reports it as EOF) / `CONNECTION_CLOSED` (FIN), sent once (RFC 9112 §9.3.1) | retried, succeeds |
 * | H ≤ k < L   | retried (`truncated-body`), succeeds, right octets: `request()` showed nothing of the cut response (retry.ts row 8; RFC 9112 §8, §9.3.2) | fails `TRUNCATED_BODY`, sent once | retried (`truncated-body`), succeeds |
 * | k = L       | succeeds at once                        | succeeds at once                  | succeeds at once       |
 *
 * Every success must carry the exact octets, after exactly the attempts the
 * origin saw (1, or 2 with one retry whose reason is checked), and every
 * failure must be typed with the origin having read the request once. A
 * `fetch()` streams, so a cut after its head is its caller's typed error
 * (client-script-cases.ts covers that side).
 *
 * Mismatches are collected over the whole sweep and reported together
 * (method, mode, offset, expected and what came), so one run shows every
 * offset that misbehaves.
 */
import net from "node:net";
import type { TetherClient } from "@tether/adapter-kit";
import { type ClientUnderTest, withClient } from "./client-kit.ts";
import { RESET_DELAY_MS } from "./script-server.ts";
import type { ConformanceCase } from "./server-cases.ts";

/** How the origin cuts a response. */
export type CutMode = "reset" | "fin";

const encoder = new TextEncoder();

/** The body: 200 octets, every value distinct from its neighbours (a shifted or dropped octet shows). */
const BODY = Uint8Array.from({ length: 200 }, (_, i) => (i * 7 + 3) & 0xff);

const HEAD = encoder.encode(
  "HTTP/1.1 200 OK\r\n" +
    "Content-Type: application/octet-stream\r\n" +
    `Content-Length: ${BODY.length}\r\n` +
    "X-Sweep: the same response for every request\r\n\r\n",
);

/** The fixed response: {@link HEAD} then {@link BODY}. */
export const SWEEP_RESPONSE: Uint8Array = (() => {
  const r = new Uint8Array(HEAD.length + BODY.length);
  r.set(HEAD, 0);
  r.set(BODY, HEAD.length);
  return r;
})();

/**
 * The origin. A request's target names it (`/k/<offset>/<kind>`): the first
 * time a target is seen the response stops after `offset` octets and the
 * connection is cut; later it is served whole. Counts every complete
 * request it read, by target.
 */
export class FaultOrigin {
  /** Complete requests read, by target. */
  readonly seen = new Map<string, number>();
  /** Connections accepted. */
  connections = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private portNumber = 0;

  private constructor(private readonly mode: CutMode) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  static async start(mode: CutMode): Promise<FaultOrigin> {
    const o = new FaultOrigin(mode);
    await new Promise<void>((resolve) => o.server.listen({ host: "127.0.0.1", port: 0 }, resolve));
    o.portNumber = (o.server.address() as net.AddressInfo).port;
    return o;
  }

  get url(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => {});
    socket.on("close", () => this.sockets.delete(socket));
    let input = Buffer.alloc(0);
    let cut = false;
    socket.on("data", (bytes: Buffer) => {
      if (cut) return;
      input = Buffer.concat([input, bytes]);
      for (;;) {
        const request = takeRequest(input);
        if (request === null) return;
        input = input.subarray(request.length);
        const count = (this.seen.get(request.target) ?? 0) + 1;
        this.seen.set(request.target, count);
        const offset = Number(request.target.split("/")[2]);
        if (count > 1 || !(offset < SWEEP_RESPONSE.length)) {
          socket.write(SWEEP_RESPONSE);
          continue;
        }
        cut = true;
        this.cut(socket, offset);
        return;
      }
    });
  }

  /** Writes the first `offset` octets, then resets or closes once they are out. */
  private cut(socket: net.Socket, offset: number): void {
    const finish = (): void => {
      if (socket.destroyed) return;
      if (this.mode === "fin") {
        socket.end();
        return;
      }
      if (offset === 0) {
        reset(socket);
        return;
      }
      // An RST right behind data reaches libuv-based clients as a clean EOF
      // (see script-server.ts); give the octets a head start.
      const t = setTimeout(() => {
        this.timers.delete(t);
        reset(socket);
      }, RESET_DELAY_MS);
      this.timers.add(t);
    };
    if (offset === 0) finish();
    else socket.write(SWEEP_RESPONSE.subarray(0, offset), finish);
  }
}

/** Closes with RST (SO_LINGER 0) where the runtime can, else a plain close. */
function reset(socket: net.Socket): void {
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

/** The first complete request in `input` (head and Content-Length body), or null. */
function takeRequest(input: Buffer): { target: string; length: number } | null {
  const end = input.indexOf("\r\n\r\n");
  if (end === -1) return null;
  const head = input.subarray(0, end).toString("latin1");
  const target = head.split(" ")[1] ?? "";
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const length = end + 4 + (cl === null ? 0 : Number(cl[1]));
  return input.length < length ? null : { target, length };
}

/** The three requests of the sweep. */
type Kind = "get" | "post" | "post-key";
const KINDS: readonly Kind[] = ["get", "post", "post-key"];

/** One request of the sweep and what came of it. */
interface Outcome {
  readonly ok: boolean;
  readonly attempts: number;
  /** The retry reasons, from the client's `request-retried` events. */
  readonly retries: readonly string[];
  readonly code?: string;
  readonly expected?: number;
  readonly received?: number;
  readonly body?: Uint8Array;
}

async function send(
  c: TetherClient,
  url: string,
  kind: Kind,
  k: number,
  retries: Map<number, string[]>,
): Promise<Outcome> {
  const method = kind === "get" ? "GET" : "POST";
  // Request ids are given in order from 1, one per call (ClientPool.request).
  const id = c.stats().requests + 1;
  const reasons = (): string[] => retries.get(id) ?? [];
  const headers: [string, string][] = kind === "post-key" ? [["Idempotency-Key", `key-${k}`]] : [];
  try {
    const r = await c.request({
      url,
      method,
      headers,
      ...(kind === "get" ? {} : { body: `pay once ${k}` }),
    });
    return { ok: true, attempts: r.attempts, retries: reasons(), body: r.body };
  } catch (e) {
    if (!(e instanceof Error) || e.name !== "RequestError") {
      return { ok: false, attempts: 0, retries: reasons(), code: `untyped ${String(e)}` };
    }
    const re = e as Error & {
      code: string;
      expected?: number;
      received?: number;
      attempts: { count: number };
    };
    return {
      ok: false,
      attempts: re.attempts.count,
      retries: reasons(),
      code: re.code,
      ...(re.expected !== undefined ? { expected: re.expected } : {}),
      ...(re.received !== undefined ? { received: re.received } : {}),
    };
  }
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(o: Outcome): string {
  const why = o.retries.length > 0 ? ` (retried: ${o.retries.join(", ")})` : "";
  if (o.ok)
    return `ok after ${o.attempts} attempt(s)${why}${sameBytes(o.body, BODY) ? "" : " WRONG BODY"}`;
  const detail = o.received !== undefined ? ` ${o.received}/${o.expected ?? "?"}` : "";
  return `${o.code}${detail} after ${o.attempts} attempt(s)${why}`;
}

/** Checks one request of the sweep; returns the mismatches found. */
async function check(
  tally: { resetsSeen: number; retries: Map<number, string[]> },
  c: TetherClient,
  origin: FaultOrigin,
  mode: CutMode,
  kind: Kind,
  k: number,
): Promise<string[]> {
  const target = `/k/${k}/${kind}`;
  const got = await send(c, origin.url + target, kind, k, tally.retries);
  const H = HEAD.length;
  const L = SWEEP_RESPONSE.length;
  const where = `${kind.toUpperCase()} cut by ${mode} at octet ${k} of ${L} (head ${H})`;
  const problems: string[] = [];
  const expectOk = (attempts: number, reason?: string): void => {
    const reasons = reason === undefined ? [] : [reason];
    if (
      !got.ok ||
      got.attempts !== attempts ||
      !sameBytes(got.body, BODY) ||
      got.retries.join() !== reasons.join()
    ) {
      const why = reason === undefined ? "" : ` (retried: ${reason})`;
      problems.push(
        `${where}: expected ok after ${attempts} attempt(s)${why}, got ${describe(got)}`,
      );
    }
    // The origin read it once per attempt: no attempt unaccounted for.
    if (origin.seen.get(target) !== attempts) {
      problems.push(
        `${where}: origin read it ${origin.seen.get(target)} times, expected ${attempts}`,
      );
    }
  };
  const expectError = (code: string | readonly string[], received?: number): void => {
    const match =
      !got.ok &&
      (typeof code === "string" ? got.code === code : code.includes(got.code ?? "")) &&
      got.attempts === 1 &&
      (received === undefined || (got.received === received && got.expected === BODY.length));
    if (!match) {
      const detail = received === undefined ? "" : ` ${received}/${BODY.length}`;
      const codes = typeof code === "string" ? code : code.join(" or ");
      problems.push(`${where}: expected ${codes}${detail} after 1 attempt, got ${describe(got)}`);
    }
    // Never sent twice: the origin read it exactly once.
    if (origin.seen.get(target) !== 1) {
      problems.push(`${where}: origin read it ${origin.seen.get(target)} times, expected once`);
    }
  };
  if (k >= L) expectOk(1);
  else if (k < H) {
    // An RST that reaches a client before it read the octets ahead of it is
    // reported by libuv (Node) and some other stacks as a clean EOF: the same
    // typed failure under its other name. The sweep checks that resets are
    // seen as such at least once (below); FINs must always be CLOSED.
    if (kind === "post") {
      expectError(
        mode === "reset" ? ["CONNECTION_RESET", "CONNECTION_CLOSED"] : "CONNECTION_CLOSED",
      );
      if (got.code === "CONNECTION_RESET") tally.resetsSeen++;
    } else {
      // Cut before any octet on a reused connection is the stale-connection race.
      const reason =
        got.retries[0] === "stale-connection" && k === 0 ? "stale-connection" : undefined;
      expectOk(2, reason ?? (kind === "get" ? "idempotent-method" : "idempotency-key"));
    }
  } else if (kind === "post") {
    // RFC 9112 §9.3.1: a written POST is never sent twice.
    expectError("TRUNCATED_BODY", k - H);
  } else {
    // RFC 9112 §8, §9.3.2: the incomplete response was never shown; sent again.
    expectOk(2, "truncated-body");
  }
  return problems;
}

/** Runs `task` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** The whole sweep for one cut mode, through one client. */
async function sweep(t: ClientUnderTest, mode: CutMode): Promise<void> {
  const origin = await FaultOrigin.start(mode);
  try {
    await withClient(t, { connectionsPerOrigin: 8 }, async (c) => {
      const jobs: [Kind, number][] = [];
      for (let k = 0; k <= SWEEP_RESPONSE.length; k++)
        for (const kind of KINDS) jobs.push([kind, k]);
      const problems: string[] = [];
      const tally = { resetsSeen: 0, retries: new Map<number, string[]>() };
      c.on((e) => {
        if (e.type !== "request-retried") return;
        const list = tally.retries.get(e.request) ?? [];
        list.push(e.reason);
        tally.retries.set(e.request, list);
      });
      await pool(jobs, 8, async ([kind, k]) => {
        problems.push(...(await check(tally, c, origin, mode, kind, k)));
      });
      if (mode === "reset" && tally.resetsSeen === 0) {
        problems.push("no POST cut inside the head failed with CONNECTION_RESET");
      }
      if (problems.length > 0) {
        throw new Error(
          `${problems.length} mismatches in the ${mode} sweep:\n${problems.slice(0, 30).join("\n")}`,
        );
      }
      // Connections were reused between requests: fewer than one per request.
      if (c.stats().reused === 0) throw new Error("no connection was reused");
    });
  } finally {
    await origin.close();
  }
}

/** The cases: one sweep per cut mode. */
export const clientFaultSweepCases: ConformanceCase<ClientUnderTest>[] = [
  {
    name: "client faults: an origin that resets at every octet offset of a response — GETs and keyed POSTs succeed on retry with the exact octets, POSTs fail typed and are sent once",
    run: (t) => sweep(t, "reset"),
  },
  {
    name: "client faults: an origin that closes (FIN) at every octet offset of a response — GETs and keyed POSTs succeed on retry with the exact octets, POSTs fail typed and are sent once",
    run: (t) => sweep(t, "fin"),
  },
];
