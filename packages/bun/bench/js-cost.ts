/**
 * CPU per request of the JavaScript path alone: Tether's `serve()` and
 * `createClient()` (the shared adapter-kit and core, with this layer's
 * hooks) over sockets that are plain objects — no syscalls, no event loop wake-ups, no wrk. On a
 * busy machine the wrk benchmarks (run.ts) swing by tens of percent; this
 * one measures the part Tether's code decides, in CPU time (every thread,
 * so GC counts), interleaved between variants round by round:
 *
 *   bun bench/js-cost.ts                   # every case, 9 rounds
 *   bun bench/js-cost.ts --rounds 15 --only pipelined
 *   bun --cpu-prof --cpu-prof-dir=/tmp/p bench/js-cost.ts --only keep-alive
 *   bun bench/js-cost.ts --variant "bun layer"   # one variant alone
 *   bun bench/js-cost.ts --requests 20000 --rounds 41   # shorter, more rounds (server cases)
 *   bun bench/js-cost.ts --variant "bun layer" --baseline /tmp/ak-before/src
 *       # adds a variant "baseline": the same layer over another copy of adapter-kit's src
 *       # (its index.ts; give the copy a node_modules that resolves @tether/core), to
 *       # compare a change with the code before it in the same process, round by round
 *
 * Variants: `bun layer` (bunSocketLayer's hooks, as `serve()` runs) and
 * `portable` (core's portable head decoder instead of Bun's `latin1Slice`).
 * Cases: 50 connections each sending `GET /` as wrk does, one request per
 * read (keep-alive) or ten (pipelined, depth 10), answered by the
 * low-level handler or a Web `fetch` handler (the fetch handler answers
 * over microtasks: a `setImmediate` separates its rounds of reads), and
 * "one per turn": one read per `setImmediate` turn, the shape of wrk's
 * keep-alive load (one request per `data` event). That shape only repeats
 * the per-turn *work*; what costs more per turn on real sockets is mostly
 * caches gone cold between `data` events (the kernel's send and receive
 * run between them), which no in-process loop reproduces: there the fetch
 * handler's extra over the low-level handler is no larger one per turn
 * than fifty per turn. Each
 * read is a fresh buffer, as Bun hands them over. Client cases: `fetch()`
 * (reading each body whole) and `request()`, 12 in flight on the default
 * pool, against an origin that answers every write, on a microtask, with
 * the response nginx gives in run.ts's client section (nine fields); and
 * `fetch()` wide: 50 in flight on 50 connections, as run.ts's
 * `tether-fetch-wide`.
 */
import {
  createClientFactory,
  createServe,
  type RawListener,
  type RawSocket,
  type SocketHandlers,
  type SocketLayer,
} from "@tether/adapter-kit";
import { tetherServeOptions } from "../../conformance/bench-kit/payload.ts";
import { bunSocketLayer } from "../src/index.ts";

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const at = argv.indexOf(name);
  return at >= 0 && at + 1 < argv.length ? (argv[at + 1] as string) : fallback;
}
const rounds = Number(option("--rounds", "9"));
const only = option("--only", "");

const CONNECTIONS = 50;
const REQUESTS_PER_ROUND = Number(option("--requests", "100000"));
const REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
/** Fewer bytes than this written per request: some requests went unanswered. */
const MIN_RESPONSE_BYTES = 60;

let written = 0;

/** A socket that takes every write at once and never closes. */
const SOCKET: RawSocket = {
  write(chunks) {
    for (const chunk of chunks) written += chunk.byteLength;
    return true;
  },
  shutdownWrite() {},
  close() {},
  pauseRead() {},
  resumeRead() {},
  remoteAddress: "127.0.0.1",
  remotePort: 40000,
  localPort: 8080,
};

/** Timeouts far beyond a run, so that a busy machine never closes a connection. */
const NO_DEADLINES = {
  keepAliveTimeoutMs: 3_600_000,
  headersTimeoutMs: 3_600_000,
  bodyTimeoutMs: 3_600_000,
};

const LISTENER: RawListener = {
  hostname: "127.0.0.1",
  port: 8080,
  close: () => Promise.resolve(),
};

/** A server of `kind` over `layer`'s hooks and plain-object sockets: its connections' handlers. */
async function connections(
  hooks: SocketLayer,
  kind: "tether-handler" | "tether-fetch",
  serveOf: typeof createServe = createServe,
): Promise<SocketHandlers[]> {
  let accept: (() => SocketHandlers) | null = null;
  const layer: SocketLayer = {
    ...hooks,
    listen(_options, onAccept) {
      accept = onAccept;
      return Promise.resolve(LISTENER);
    },
    connect() {
      throw new Error("js-cost: no client connections");
    },
  };
  // No deadline may pass while a starved process works through a round.
  await serveOf(layer)(tetherServeOptions(kind, NO_DEADLINES));
  const out: SocketHandlers[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const handlers = (accept as unknown as () => SocketHandlers)();
    handlers.open(SOCKET);
    out.push(handlers);
  }
  return out;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** CPU ns per request for `count` requests, `perRead` to a read. */
async function measure(
  conns: readonly SocketHandlers[],
  read: Uint8Array,
  perRead: number,
  count: number,
  asynchronous: boolean,
  turnEach = false,
): Promise<number> {
  const before = written;
  const start = process.cpuUsage();
  for (let sent = 0; sent < count; sent += conns.length * perRead) {
    for (const c of conns) {
      c.data(read.slice());
      if (turnEach) await turn();
    }
    if (asynchronous && !turnEach) await turn();
  }
  await turn();
  const used = process.cpuUsage(start);
  const perRequest = (written - before) / count;
  if (perRequest < MIN_RESPONSE_BYTES) {
    throw new Error(`js-cost: ${perRequest} bytes written per request: requests went unanswered`);
  }
  return ((used.user + used.system) * 1000) / count;
}

const encoder = new TextEncoder();

/** What nginx answers the client benchmark's `GET /` with (run.ts), dated once. */
const ORIGIN_RESPONSE = encoder.encode(
  "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 27 Nov 2026 20:00:00 GMT\r\n" +
    "Content-Type: text/plain\r\nContent-Length: 13\r\n" +
    "Last-Modified: Fri, 27 Nov 2026 19:00:00 GMT\r\nConnection: keep-alive\r\n" +
    'ETag: "6567a8c0-d"\r\nAccept-Ranges: bytes\r\n\r\nHello, World!',
);

/** A client over `hooks` whose every connection reaches the fake origin (`wide`: 50 per origin). */
function fakeOriginClient(hooks: SocketLayer, wide = false) {
  const layer: SocketLayer = {
    ...hooks,
    listen() {
      throw new Error("js-cost: no listeners");
    },
    connect(_options, handlers) {
      const socket: RawSocket = {
        ...SOCKET,
        write() {
          queueMicrotask(() => handlers.data(ORIGIN_RESPONSE.slice()));
          return true;
        },
        close() {
          queueMicrotask(() => handlers.close());
        },
      };
      queueMicrotask(() => handlers.open(socket));
    },
  };
  return createClientFactory(layer)(wide ? { connectionsPerOrigin: CONNECTIONS } : {});
}

const CLIENT_IN_FLIGHT = 12;
const CLIENT_REQUESTS_PER_ROUND = 30_000;

/**
 * CPU ns per request of `count` GETs through `client`, by `fetch()` or
 * `request()`, `inFlight` at a time.
 */
async function measureClient(
  client: ReturnType<typeof fakeOriginClient>,
  how: "fetch" | "request",
  count: number,
  inFlight = CLIENT_IN_FLIGHT,
): Promise<number> {
  const url = "http://127.0.0.1:8080/";
  let left = count;
  const worker = async (): Promise<void> => {
    while (left-- > 0) {
      let status: number;
      if (how === "fetch") {
        const response = await client.fetch(url);
        await response.arrayBuffer();
        status = response.status;
      } else status = (await client.request({ url })).status;
      if (status !== 200) throw new Error(`js-cost: the client saw status ${status}`);
    }
  };
  const start = process.cpuUsage();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / count;
}

const CASES = [
  { name: "keep-alive, handler", kind: "tether-handler", perRead: 1 },
  { name: "pipelined, handler", kind: "tether-handler", perRead: 10 },
  { name: "keep-alive, fetch", kind: "tether-fetch", perRead: 1 },
  { name: "one per turn, handler", kind: "tether-handler", perRead: 1, turnEach: true },
  { name: "one per turn, fetch", kind: "tether-fetch", perRead: 1, turnEach: true },
  { name: "pipelined, fetch", kind: "tether-fetch", perRead: 10 },
  { name: "client fetch()", kind: "fetch", perRead: 0 },
  { name: "client request()", kind: "request", perRead: 0 },
  { name: "client fetch() wide", kind: "fetch-wide", perRead: 0 },
] as const;
const baselineDir = option("--baseline", "");
interface Variant {
  readonly name: string;
  readonly layer: SocketLayer;
  readonly serve?: typeof createServe;
}
const VARIANTS: readonly Variant[] = (
  [
    { name: "bun layer", layer: bunSocketLayer },
    { name: "portable", layer: { ...bunSocketLayer, decodeLatin1: undefined } },
  ] as Variant[]
)
  .filter((v) => option("--variant", v.name) === v.name)
  .concat(
    baselineDir === ""
      ? []
      : [
          {
            name: "baseline",
            layer: bunSocketLayer,
            serve: (
              (await import(`${baselineDir}/index.ts`)) as { createServe: typeof createServe }
            ).createServe,
          },
        ],
  );

/** Per variant, a CPU ns per request for each round (servers). */
async function serverSamples(
  kind: "tether-handler" | "tether-fetch",
  perRead: number,
  turnEach = false,
): Promise<number[][]> {
  const read = encoder.encode(REQUEST.repeat(perRead));
  const asynchronous = kind === "tether-fetch";
  const servers = [];
  for (const v of VARIANTS) servers.push(await connections(v.layer, kind, v.serve));
  // Warm-up: Bun's JIT settles after some tens of thousands of requests.
  for (const s of servers) await measure(s, read, perRead, 60_000, asynchronous, turnEach);
  const samples: number[][] = VARIANTS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < servers.length; i++) {
      const k = r % 2 === 0 ? i : servers.length - 1 - i;
      const server = servers[k] as SocketHandlers[];
      const ns = await measure(server, read, perRead, REQUESTS_PER_ROUND, asynchronous, turnEach);
      (samples[k] as number[]).push(ns);
    }
  }
  return samples;
}

/**
 * Per variant, a CPU ns per request for each round (clients). `wide`: 50
 * in flight on a pool of 50 connections per origin, as run.ts's
 * `tether-fetch-wide` (no request waits in the queue; each response leaves
 * its connection idle until the next request takes it).
 */
async function clientSamples(how: "fetch" | "request", wide = false): Promise<number[][]> {
  const clients = VARIANTS.map((v) => fakeOriginClient(v.layer, wide));
  const inFlight = wide ? CONNECTIONS : CLIENT_IN_FLIGHT;
  for (const client of clients) await measureClient(client, how, 40_000, inFlight);
  const samples: number[][] = VARIANTS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < clients.length; i++) {
      const k = r % 2 === 0 ? i : clients.length - 1 - i;
      const client = clients[k] as ReturnType<typeof fakeOriginClient>;
      const ns = await measureClient(client, how, CLIENT_REQUESTS_PER_ROUND, inFlight);
      (samples[k] as number[]).push(ns);
    }
  }
  for (const client of clients) await client.close();
  return samples;
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

process.stdout.write(
  `js-cost: CPU ns per request, median of ${rounds} interleaved rounds ` +
    "(×: median per-round ratio to the first variant; above 1 costs more)\n",
);
for (const c of CASES) {
  if (only !== "" && !c.name.includes(only)) continue;
  const samples = await (c.kind === "fetch" || c.kind === "request"
    ? clientSamples(c.kind)
    : c.kind === "fetch-wide"
      ? clientSamples("fetch", true)
      : serverSamples(c.kind, c.perRead, "turnEach" in c && c.turnEach));
  const base = samples[0] as number[];
  const cells = VARIANTS.map((v, k) => {
    const own = samples[k] as number[];
    const ratio = median(own.map((x, i) => x / (base[i] as number)));
    return `${v.name} ${median(own).toFixed(0)}${k === 0 ? "" : ` (×${ratio.toFixed(2)})`}`;
  });
  process.stdout.write(`  ${c.name.padEnd(22)} ${cells.join("   ")}\n`);
}
// The servers' timers would keep the process alive (and `--cpu-prof` writes at exit).
process.exit(0);
