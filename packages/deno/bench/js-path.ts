/**
 * The JavaScript path of a Tether Deno server alone: `serve({ handler })`
 * over scripted in-memory connections, no sockets and no system calls, in
 * one process. Each connection answers a request (or a pipelined batch of
 * ten) and at once gets the next, until a round's requests are served; the
 * result is the process's CPU time per request, the median over rounds.
 *
 * What it measures is everything the wrk benchmarks (run.ts) measure except
 * the kernel and Deno's I/O: core, adapter-kit, this package's socket layer,
 * Deno's JS around them (TextDecoder, performance.now, promises) and the
 * garbage collector. On a shared machine its rounds spread by ±20% too, but
 * it has no client competing for the cores and no network stack in the
 * figure, so a change to the JS path shows here before it shows in req/s.
 *
 *   deno run --no-lock --no-check --allow-env bench/js-path.ts [--pipelined]
 *       [--fetch] [--rounds N] [--requests N]  # default 15 rounds of 30000 requests
 *   --fetch: serve with the Web `fetch` handler instead of the low-level one
 *   --turns: the next requests arrive together in a later turn of the event
 *       loop (a macrotask), as Deno resolves the reads completed in one poll
 *       together; without it every request follows its answer in a microtask
 *       and a whole round is one turn (the clock read once per turn,
 *       turn-clock.ts, would then never advance)
 *   --without eventTime: the sockets offer no event clock of their own
 *       (the server reads performance.now() per read), for A/B runs
 *   add --allow-sys --allow-write and --profile FILE for a CPU profile of one
 *   more round (summarise it with packages/core/bench/profile-summary.ts)
 *   --without decodeLatin1,encodeLatin1   serve over the layer without these
 *       optional hooks (core's portable paths instead), for A/B runs
 *   --heap-profile FILE (with --allow-sys --allow-write): a sampling
 *       allocation profile of one more round (bytes allocated per call site)
 *   --alloc: bytes allocated per request in two more rounds, read from the
 *       heap's growth; run with
 *       --v8-flags=--min-semi-space-size=64,--max-semi-space-size=64 so that
 *       no collection falls within it (V8 external memory: slabs, buffers)
 *
 * The connections imitate `Deno.TcpConn` in what the socket layer uses:
 * `read()` resolves once a request is due, `write()` takes all it is given.
 */
import process from "node:process";
import { createServe, type SocketHandlers, type SocketLayer } from "@tether/adapter-kit";
import { tetherServeOptions } from "../../conformance/bench-kit/payload.ts";
import { denoSocketLayer } from "../src/index.ts";

const argv = Deno.args;
const option = (name: string, fallback: string): string => {
  const at = argv.indexOf(name);
  return at >= 0 && at + 1 < argv.length ? (argv[at + 1] as string) : fallback;
};
const DEPTH = argv.includes("--pipelined") ? 10 : 1;
const KIND = argv.includes("--fetch") ? "tether-fetch" : "tether-handler";
const TURNS = argv.includes("--turns");
const ROUNDS = Number(option("--rounds", "15"));
const REQUESTS = Number(option("--requests", "30000"));
const PROFILE = option("--profile", "");
const HEAP_PROFILE = option("--heap-profile", "");
const ALLOC_REQUESTS = 5000;
const WITHOUT = option("--without", "")
  .split(",")
  .filter((name) => name !== "");
const CONNECTIONS = 50;
const REQUEST = new TextEncoder().encode(
  "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n".repeat(DEPTH),
);

/** Requests still to send in this round. */
let budget = 0;
/** Connections done with the round; the last one resolves `roundDone`. */
let idle = 0;
let roundDone: () => void = () => {};
/** Bytes of one answer, learnt from the first exchange. */
let answerBytes = 0;

const address = { transport: "tcp" as const, hostname: "127.0.0.1", port: 8080 };

/** An in-memory `Deno.TcpConn`, as far as the socket layer uses one. */
class ScriptedConn {
  readonly remoteAddr = { ...address, port: 40000 };
  readonly localAddr = address;
  private reader: ((count: number | null) => void) | null = null;
  private target: Uint8Array | null = null;
  private due = false;
  private written = 0;

  setNoDelay(): void {}

  read(target: Uint8Array): Promise<number | null> {
    return new Promise((resolve) => {
      this.reader = resolve;
      this.target = target;
      if (this.due) this.send();
    });
  }

  write(bytes: Uint8Array): Promise<number> {
    this.written += bytes.length;
    if (answerBytes > 0 && this.written >= answerBytes * DEPTH) {
      this.written -= answerBytes * DEPTH;
      if (TURNS) nextTurn(this);
      else queueMicrotask(() => this.next());
    }
    return Promise.resolve(bytes.length);
  }

  closeWrite(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}

  /** Bytes written so far (used once, to learn the answer's size). */
  takeWritten(): number {
    const n = this.written;
    this.written = 0;
    return n;
  }

  /** Sends the next request, or reports this connection idle once the round's budget is spent. */
  next(): void {
    if (budget <= 0) {
      if (++idle === CONNECTIONS) roundDone();
      return;
    }
    budget -= DEPTH;
    this.due = true;
    if (this.reader !== null) this.send();
  }

  private send(): void {
    const resolve = this.reader as (count: number) => void;
    const target = this.target as Uint8Array;
    this.reader = null;
    this.due = false;
    const n = Math.min(target.length, REQUEST.length);
    target.set(n === REQUEST.length ? REQUEST : REQUEST.subarray(0, n));
    resolve(n);
  }
}

/** Connections whose next request arrives in the next turn (`--turns`). */
let arriving: ScriptedConn[] = [];
const turns = new MessageChannel();
turns.port1.onmessage = () => {
  const due = arriving;
  arriving = [];
  for (const conn of due) conn.next();
};

/** `conn`'s next request arrives in the next turn of the event loop, with the others due then. */
function nextTurn(conn: ScriptedConn): void {
  if (arriving.length === 0) turns.port2.postMessage(null);
  arriving.push(conn);
}

const conns = Array.from({ length: CONNECTIONS }, () => new ScriptedConn());
const realListen = Deno.listen;
let accepted = 0;
(Deno as unknown as { listen: () => unknown }).listen = () => ({
  addr: address,
  accept: () =>
    accepted < conns.length ? Promise.resolve(conns[accepted++]) : new Promise(() => {}),
  close: () => {},
});
const layer: Record<string, unknown> = { ...denoSocketLayer };
let ownClock = true;
for (const name of WITHOUT) {
  if (name === "eventTime") ownClock = false;
  else if (name === "decodeLatin1" || name === "encodeLatin1") delete layer[name];
  else throw new Error(`--without ${name}?`);
}
if (!ownClock) {
  // Every socket's `eventTime` hidden behind an own property: the server reads the clock itself.
  const listen = denoSocketLayer.listen.bind(denoSocketLayer);
  layer.listen = (options: Parameters<SocketLayer["listen"]>[0], accept: () => SocketHandlers) =>
    listen(options, () => {
      const handlers = accept();
      const open = handlers.open.bind(handlers);
      handlers.open = (socket) => {
        (socket as { eventTime?: unknown }).eventTime = undefined;
        open(socket);
      };
      return handlers;
    });
}
const serve = createServe(layer as unknown as SocketLayer);
const server = await serve(tetherServeOptions(KIND, { keepAliveTimeoutMs: 600_000 }));
Deno.listen = realListen;

// Learn the size of one answer from one exchange on the first connection.
const first = conns[0] as ScriptedConn;
budget = DEPTH;
first.next();
await new Promise((resolve) => setTimeout(resolve, 20));
answerBytes = first.takeWritten() / DEPTH;
if (!(answerBytes > 0)) throw new Error("the server did not answer");

/** One round: every connection busy until `requests` are served; CPU µs per request. */
async function round(requests: number): Promise<number> {
  budget = requests;
  idle = 0;
  const done = new Promise<void>((resolve) => {
    roundDone = resolve;
  });
  const before = process.cpuUsage();
  for (const conn of conns) conn.next();
  await done;
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / requests;
}

await round(REQUESTS); // warm-up
const results: number[] = [];
for (let i = 0; i < ROUNDS; i++) results.push(await round(REQUESTS));
results.sort((a, b) => a - b);
const median = results[results.length >> 1] as number;
console.log(
  `${KIND}${TURNS ? " (turns)" : ""}${ownClock ? "" : " without eventTime"} ${DEPTH === 1 ? "keep-alive" : `pipelined x${DEPTH}`}: ${median.toFixed(3)} µs CPU per request ` +
    `(median of ${ROUNDS} rounds of ${REQUESTS}; quartiles ${(results[results.length >> 2] as number).toFixed(3)}` +
    `–${(results[(3 * results.length) >> 2] as number).toFixed(3)}), answer ${answerBytes} bytes`,
);

/** A `node:inspector` session's `post`, as a promise. */
async function inspector(): Promise<(method: string, params?: object) => Promise<unknown>> {
  const { Session } = await import("node:inspector");
  const session = new Session();
  session.connect();
  return (method, params = {}) =>
    new Promise((resolve, reject) => {
      session.post(method, params, (error: Error | null, result: unknown) => {
        if (error) reject(error);
        else resolve(result);
      });
    });
}

if (argv.includes("--alloc")) {
  // Two rounds: a collection within one shows as the two disagreeing.
  for (let i = 0; i < 2; i++) {
    const before = Deno.memoryUsage();
    await round(ALLOC_REQUESTS);
    const after = Deno.memoryUsage();
    console.log(
      `allocation: ${((after.heapUsed - before.heapUsed) / ALLOC_REQUESTS).toFixed(0)} B heap, ` +
        `${((after.external - before.external) / ALLOC_REQUESTS).toFixed(0)} B external per request`,
    );
  }
}

if (PROFILE !== "") {
  const post = await inspector();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  await round(REQUESTS);
  const { profile } = (await post("Profiler.stop")) as { profile: unknown };
  Deno.writeTextFileSync(PROFILE, JSON.stringify(profile));
  console.log(`profile of one round of ${REQUESTS} requests: ${PROFILE}`);
}
if (HEAP_PROFILE !== "") {
  const post = await inspector();
  await post("HeapProfiler.enable");
  await post("HeapProfiler.startSampling", {
    samplingInterval: 32,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await round(REQUESTS);
  const { profile } = (await post("HeapProfiler.stopSampling")) as { profile: unknown };
  Deno.writeTextFileSync(HEAP_PROFILE, JSON.stringify(profile));
  console.log(`allocation profile of one round of ${REQUESTS} requests: ${HEAP_PROFILE}`);
}
// The scripted connections never end, so the server is not closed: just exit.
void server;
Deno.exit(0);
