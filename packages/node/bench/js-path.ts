/**
 * The JavaScript path of a Tether Node server alone: `serve({ handler })`
 * over in-memory connections (no sockets, no system calls), driven by a
 * plain synchronous loop: each connection gets one request (or a pipelined
 * batch) per turn, the handler answers at once, the answer is "written"
 * (counted). Everything above the socket — core, adapter-kit, this
 * package's latin1 hooks — runs as under wrk; the node:net socket and its
 * write path do not.
 *
 * Being synchronous and deterministic, it suits instruction counts:
 *
 *   valgrind --tool=cachegrind --cache-sim=no node --import tsx bench/js-path.ts --requests 0 --count N
 *
 * run once with N and once with 0 (`--warm` requests first either way, default 100000; the
 * difference over N is per request).
 * It also reports, unless `--requests 0`:
 * - CPU µs per request (median of rounds; noisy on a shared machine),
 * - heap bytes allocated per request (`--alloc`: one round with a young
 *   generation large enough that no collection runs; run node with
 *   `--min-semi-space-size=128 --max-semi-space-size=128`),
 * - `--sample FILE`: a sampling heap profile of one round (what allocates).
 *
 *   tsx bench/js-path.ts [--pipelined] [--requests N] [--rounds N] [--alloc] [--sample FILE]
 */
import * as fs from "node:fs";
import { Session } from "node:inspector";
import * as v8 from "node:v8";
import type { RawSocket, SocketHandlers, SocketLayer } from "@tether/adapter-kit";
import { createServe } from "@tether/adapter-kit";
import { tetherServeOptions } from "../../conformance/bench-kit/payload.ts";
import { nodeSocketLayer } from "../src/socket-layer.ts";

const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = argv.indexOf(name);
  return at >= 0 && at + 1 < argv.length ? (argv[at + 1] as string) : fallback;
};
const DEPTH = argv.includes("--pipelined") ? 10 : 1;
const REQUESTS = Number(option("--requests", "200000"));
const ROUNDS = Number(option("--rounds", "9"));
const SAMPLE = option("--sample", "");
const CONNECTIONS = 50;
const REQUEST = Buffer.from(
  "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n".repeat(DEPTH),
  "latin1",
);

let written = 0;

/** A socket that takes every write at once. */
class MemorySocket implements RawSocket {
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 40000;
  readonly localPort = 8080;
  write(chunks: readonly Uint8Array[]): boolean {
    for (let i = 0; i < chunks.length; i++) written += (chunks[i] as Uint8Array).length;
    return true;
  }
  shutdownWrite(): void {}
  close(): void {}
  pauseRead(): void {}
  resumeRead(): void {}
}

const handlers: SocketHandlers[] = [];
const layer: SocketLayer = {
  ...nodeSocketLayer,
  listen(_options, accept) {
    for (let i = 0; i < CONNECTIONS; i++) {
      const h = accept();
      h.open(new MemorySocket());
      handlers.push(h);
    }
    return Promise.resolve({ hostname: "127.0.0.1", port: 8080, close: () => Promise.resolve() });
  },
};
await createServe(layer)(tetherServeOptions("tether-handler", { keepAliveTimeoutMs: 600_000 }));

/** `requests` requests over the connections in turn. */
function run(requests: number): void {
  for (let done = 0; done < requests; ) {
    for (let c = 0; c < CONNECTIONS && done < requests; c++) {
      (handlers[c] as SocketHandlers).data(REQUEST);
      done += DEPTH;
    }
  }
}

function cpuRound(requests: number): number {
  const before = process.cpuUsage();
  run(requests);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / requests;
}

if (REQUESTS > 0) {
  run(Math.min(REQUESTS, 50_000)); // warm-up
  written = 0;
  run(DEPTH);
  const answer = written / DEPTH;
  if (argv.includes("--alloc")) {
    const n = 20_000;
    run(n);
    const before = v8.getHeapStatistics();
    run(n);
    const after = v8.getHeapStatistics();
    const bytes = after.used_heap_size - before.used_heap_size;
    console.log(
      `alloc: ${(bytes / n).toFixed(0)} B/request (heap ${before.used_heap_size} -> ${after.used_heap_size}; ` +
        `a negative or small figure means a collection ran: use --min-semi-space-size=128 --max-semi-space-size=128)`,
    );
  }
  if (SAMPLE !== "") {
    const session = new Session();
    session.connect();
    const post = (method: string, params: object = {}): Promise<unknown> =>
      new Promise((resolve, reject) => {
        session.post(method, params, (error: Error | null, result: unknown) => {
          if (error) reject(error);
          else resolve(result);
        });
      });
    await post("HeapProfiler.enable");
    await post("HeapProfiler.startSampling", {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    run(50_000);
    const { profile } = (await post("HeapProfiler.stopSampling")) as { profile: unknown };
    fs.writeFileSync(SAMPLE, JSON.stringify(profile));
    console.log(`heap sampling profile of 50000 requests: ${SAMPLE}`);
  }
  const results: number[] = [];
  for (let i = 0; i < ROUNDS; i++) results.push(cpuRound(REQUESTS));
  results.sort((a, b) => a - b);
  console.log(
    `${DEPTH === 1 ? "keep-alive" : `pipelined x${DEPTH}`}: ${(results[results.length >> 1] as number).toFixed(3)} µs CPU/request ` +
      `(median of ${ROUNDS} rounds of ${REQUESTS}), answer ${answer} bytes`,
  );
} else {
  // Instruction counts: the same warm-up whatever --count is, then --count requests.
  run(Number(option("--warm", "100000")));
  run(Number(option("--count", "0")));
}
process.exit(0);
