/**
 * The TLS benchmark (issue #9) for any runtime: Tether's client and server
 * against the runtime's own `fetch` and https server, in interleaved rounds
 * (rounds.ts: the order rotates every round, ratios are taken round by
 * round, medians reported). The runtime's entry (packages/deno/bench/tls.ts,
 * packages/bun/bench/tls.ts) hands over its contenders and child command;
 * every origin and server under test runs in a child process (pinned to
 * another core when `taskset` is there), the clients and the load in the
 * parent.
 *
 * Sections:
 * - `client-keep-alive`: GETs of a 2-octet body, {@link KEEP_ALIVE_IN_FLIGHT}
 *   in flight over persistent TLS connections, against the runtime's own
 *   https server: requests/s and the parent's CPU µs per request;
 * - `client-new-connection`: every response says `Connection: close`, so
 *   every GET opens a TLS connection ({@link NEW_CONNECTION_IN_FLIGHT} in
 *   flight): handshakes/s;
 * - `server-keep-alive` and `server-new-connection`: Tether's `serve({ tls })`
 *   against the runtime's server, both loaded by the runtime's `fetch`; CPU
 *   is the server process's own (read from `/proc/PID/stat`).
 *
 * Certificates are made for the run with `openssl` (tls-certs.ts) and
 * removed after.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { CreateClient, Serve } from "@tether/adapter-kit";
import { makeTestCertificates } from "../src/tls-certs.ts";
import { pinned } from "./processes.ts";
import {
  compare,
  interleave,
  kilo,
  type RoundContender,
  type Run,
  slice,
  spread,
  table,
} from "./rounds.ts";

/** Concurrent GETs in the keep-alive sections. */
export const KEEP_ALIVE_IN_FLIGHT = 16;
/** Concurrent GETs (and so handshakes) in the new-connection sections. */
export const NEW_CONNECTION_IN_FLIGHT = 8;

/** The path whose answer says `Connection: close` (every child serves it). */
export const CLOSE_PATH = "/close";

/**
 * In a child: serves TLS with Tether's `serve` on 127.0.0.1 (a 2-octet
 * `ok`; {@link CLOSE_PATH} answers with `Connection: close`) and prints
 * `port N` for the parent.
 */
export async function serveTetherChild(serve: Serve, cert: string, key: string): Promise<void> {
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert, key },
    keepAliveTimeoutMs: 120_000,
    handler: (ex) =>
      ex.respond(
        200,
        ex.head.target === CLOSE_PATH
          ? [
              ["content-type", "text/plain"],
              ["connection", "close"],
            ]
          : [["content-type", "text/plain"]],
        "ok",
      ),
  });
  console.log(`port ${server.port}`);
}

/** The runtime's own server's answer to `request`: the same as {@link serveTetherChild}'s. */
export function nativeAnswer(request: Request): Response {
  return new Response("ok", {
    headers:
      new URL(request.url).pathname === CLOSE_PATH
        ? { "content-type": "text/plain", connection: "close" }
        : { "content-type": "text/plain" },
  });
}

/** Sends one GET to `url` and resolves once its whole body is read. */
export type Get = (url: string) => Promise<void>;

/** What a runtime's entry gives the benchmark. */
export interface TlsBenchRuntime {
  /** e.g. `Deno 2.9.6`. */
  readonly version: string;
  readonly createClient: CreateClient;
  /** The runtime's own `fetch`, trusting `ca`, as a {@link Get}; `close` frees its connections. */
  nativeFetch(ca: string): { readonly label: string; readonly get: Get; close(): void };
  /** Label of the runtime's own https server (`Deno.serve`, `Bun.serve`). */
  readonly nativeServer: string;
  /** The argv that starts a child serving `kind` ("native" or "tether") with the PEM files. */
  childArgv(kind: "native" | "tether", certFile: string, keyFile: string): string[];
}

/** A started child: its port and pid. */
interface Child {
  readonly port: number;
  readonly pid: number;
  stop(): void;
}

/** Starts a child; it prints `port N` once listening. */
function startChild(argv: string[]): Promise<Child> {
  const [command, ...args] = pinned(1, argv) as [string, ...string[]];
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const m = /port (\d+)/.exec(out);
      if (m !== null && child.pid !== undefined) {
        const pid = child.pid;
        resolve({ port: Number(m[1]), pid, stop: () => child.kill() });
      }
    });
    child.once("exit", (code) => reject(new Error(`${argv.join(" ")} exited (${code})`)));
  });
}

/** CPU time of process `pid` so far (ns), from /proc (Linux). */
function processCpuNs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 Hz on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 1e7;
}

/** This process's CPU time so far (ns). */
function ownCpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Runs `inFlight` GET loops on `url` for `seconds`; one round's slice. */
async function load(
  get: Get,
  url: string,
  inFlight: number,
  seconds: number,
  cpu: () => number,
): Promise<ReturnType<typeof slice>> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      await get(url);
      done++;
    }
  };
  const cpu0 = cpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  const wallNs = (performance.now() - t0) * 1e6;
  return slice(Math.max(1, done), wallNs, cpu() - cpu0);
}

/** A contender of a section: GETs on `url` with `get`. */
function contender(
  name: string,
  get: Get,
  url: () => string,
  inFlight: number,
  seconds: number,
  cpu: () => number,
): RoundContender {
  return {
    name,
    warm: async () => {
      await load(get, url(), inFlight, Math.min(seconds, 0.5), cpu);
    },
    round: async () => ({
      slice: await load(get, url(), inFlight, seconds, cpu),
      extra: { errors: 0 },
    }),
  };
}

/** The section's table: rates, spread, CPU per request, Tether's per-round ratios to the other. */
function report(title: string, unit: string, runs: Run[], log: (line: string) => void): void {
  const [ours, theirs] = runs as [Run, Run];
  const c = compare(ours, theirs);
  log(`\n${title}`);
  log(
    table(
      ["contender", `${unit} (median)`, "spread", "CPU µs/req (median)"],
      runs.map((r) => [
        r.name,
        kilo(r.rate.median),
        spread(r.rate),
        (r.cpuNsPerMessage.median / 1000).toFixed(1),
      ]),
    ),
  );
  log(
    `  Tether ÷ ${theirs.name}, per round: rate ${c.rate.median.toFixed(2)}× (${spread(c.rate)}), ` +
      `CPU per request ${c.cpu.median.toFixed(2)}× cheaper (above 1: Tether spends less)`,
  );
}

/** The sections, by `--only` name. */
const SECTIONS = [
  "client-keep-alive",
  "client-new-connection",
  "server-keep-alive",
  "server-new-connection",
] as const;

/** Runs the benchmark; `argv`: `--rounds N`, `--seconds S`, `--quick`, `--only a,b`. */
export async function runTlsBench(rt: TlsBenchRuntime, argv: readonly string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  const quick = argv.includes("--quick");
  const rounds = Number(option("--rounds") ?? (quick ? 3 : 7));
  const seconds = Number(option("--seconds") ?? (quick ? 0.5 : 1.5));
  const only = option("--only")?.split(",") ?? [...SECTIONS];
  const log = (line: string): void => console.log(line);
  const certs = makeTestCertificates();
  const ca = certs.ca.cert;
  const start = (kind: "native" | "tether"): Promise<Child> =>
    startChild(rt.childArgv(kind, certs.server.certFile, certs.server.keyFile));
  log(`TLS benchmark on ${rt.version}: ${rounds} interleaved rounds of ${seconds} s per section`);
  try {
    const native = await start("native");
    try {
      const base = `https://localhost:${native.port}`;
      for (const fresh of [false, true]) {
        const section = fresh ? "client-new-connection" : "client-keep-alive";
        if (!only.includes(section)) continue;
        const inFlight = fresh ? NEW_CONNECTION_IN_FLIGHT : KEEP_ALIVE_IN_FLIGHT;
        const client = rt.createClient({ tls: { ca }, connectionsPerOrigin: inFlight });
        const theirs = rt.nativeFetch(ca);
        const url = () => `${base}${fresh ? CLOSE_PATH : "/"}`;
        const runs = await interleave(
          [
            contender(
              "Tether createClient()",
              async (u) => {
                await client.request({ url: u });
              },
              url,
              inFlight,
              seconds,
              ownCpuNs,
            ),
            contender(theirs.label, theirs.get, url, inFlight, seconds, ownCpuNs),
          ],
          rounds,
          log,
        );
        await client.close();
        theirs.close();
        report(
          fresh
            ? `Client, a new TLS connection per request (${inFlight} in flight, ${rt.nativeServer} origin; the client's CPU):`
            : `Client, keep-alive over TLS (${inFlight} in flight, ${rt.nativeServer} origin; the client's CPU):`,
          fresh ? "handshakes/s" : "requests/s",
          runs,
          log,
        );
      }
    } finally {
      native.stop();
    }
    for (const fresh of [false, true]) {
      const section = fresh ? "server-new-connection" : "server-keep-alive";
      if (!only.includes(section)) continue;
      const inFlight = fresh ? NEW_CONNECTION_IN_FLIGHT : KEEP_ALIVE_IN_FLIGHT;
      const ours = await start("tether");
      const theirs = await start("native");
      const loader = rt.nativeFetch(ca);
      try {
        const path = fresh ? CLOSE_PATH : "/";
        const runs = await interleave(
          [
            contender(
              "Tether serve({ tls })",
              loader.get,
              () => `https://localhost:${ours.port}${path}`,
              inFlight,
              seconds,
              () => processCpuNs(ours.pid),
            ),
            contender(
              rt.nativeServer,
              loader.get,
              () => `https://localhost:${theirs.port}${path}`,
              inFlight,
              seconds,
              () => processCpuNs(theirs.pid),
            ),
          ],
          rounds,
          log,
        );
        report(
          `Server, ${fresh ? "a new TLS connection per request" : "keep-alive over TLS"} (${loader.label} load, ${inFlight} in flight; the server's CPU):`,
          fresh ? "handshakes/s" : "requests/s",
          runs,
          log,
        );
      } finally {
        loader.close();
        ours.stop();
        theirs.stop();
      }
    }
  } finally {
    certs.remove();
  }
}
