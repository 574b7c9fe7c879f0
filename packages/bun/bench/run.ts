/**
 * @tether/bun benchmarks (issue #5): servers under wrk and clients against
 * one fast origin, each against Bun's own (Bun.serve, a raw Bun.listen
 * server, Bun's fetch), interleaved in short rounds (the machines are noisy:
 * only per-round ratios and CPU time per request mean much). Everything but
 * the contenders and how a Bun child starts is the shared bench kit's
 * (packages/conformance/bench-kit, driven by driver.ts: the command line,
 * rounds, wrk and its pipelining script, nginx, child processes, tables,
 * the results file).
 *
 *   pnpm bench                         # everything (about 4 minutes)
 *   pnpm bench --quick                 # smoke run (< 1 minute)
 *   pnpm bench --only server           # one section (server, client)
 *   pnpm bench --rounds 9              # rounds per section
 *   pnpm bench --origin raw-listen     # clients against the raw Bun.listen server, not nginx
 *   pnpm bench --profile /tmp/prof     # bun --cpu-prof (and --cpu-prof-md) in Tether's processes
 *   pnpm bench --only server --baseline /tmp/ak-before/src
 *       # the ceiling's place goes to `serve({ fetch })` over another copy of adapter-kit's
 *       # src (a change's "before", interleaved with it; see js-cost.ts --baseline)
 *   bun bench/profile.ts tether-handler  # one contender alone, profiled (see profile.ts)
 *   bun bench/js-cost.ts               # CPU per request of the JavaScript path alone (js-cost.ts)
 *   bun bench/fetch-floor.ts           # the floor of any fetch-handler server on Bun (fetch-floor.ts)
 *
 * Servers and clients run under Bun (this process's own binary), each in its
 * own process pinned to core 1, with wrk or the origin on core 0; CPU time is
 * the whole process's (every thread: JIT, GC, Bun's HTTP client). Needs wrk
 * (and nginx for the client section); both are installed with apt-get when
 * missing. Results: tables on stdout, bench/results/latest.json.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as kit from "../../conformance/bench-kit/driver.ts";
import {
  type ChildMessage,
  type ChildProcess,
  pinned,
  startProcess,
} from "../../conformance/bench-kit/processes.ts";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.dirname(BENCH_DIR);

/** `--baseline DIR` (taken out of the arguments the kit reads): see the module comment. */
const ARGV = process.argv.slice(2);
const BASELINE_AT = ARGV.indexOf("--baseline");
const BASELINE = BASELINE_AT >= 0 ? (ARGV.splice(BASELINE_AT, 2)[1] ?? "") : null;

/** In table order: Tether's two servers, Bun.serve, and a raw Bun.listen server as the ceiling. */
const SERVERS = kit.serverContenders(
  { kind: "bun-serve", label: "Bun.serve({ fetch })", short: "Bun.serve" },
  BASELINE === null
    ? {
        kind: "raw-listen",
        label: "raw Bun.listen fixed response (ceiling)",
        short: "raw Bun.listen",
      }
    : { kind: "baseline-fetch", label: "tether serve({ fetch }), --baseline", short: "baseline" },
);

/**
 * Issue #5's server goals, for each of our servers. Each is also checked on
 * CPU per request (Bun.serve's over ours), which a busy machine disturbs
 * far less than requests per second.
 */
const SERVER_GOALS = kit.serverGoalsVs("bun-serve", {
  "keep-alive": { rate: 0.8, cpu: 0.8 },
  "pipelined-10": { rate: 2, cpu: 2 },
});

/** In table order: Tether's two clients (6 connections), Tether's fetch() on 50, and Bun's fetch. */
const CLIENTS = kit.clientContendersWide({ kind: "bun-fetch", label: "Bun fetch (its own pool)" });

/** Issue #5's client goals, on rate and (as for the servers) on CPU per request. */
const CLIENT_GOALS = kit.clientGoalsVs("bun-fetch", {
  "tether-fetch": { rate: 0.8, cpu: 0.8 },
  "tether-request": { rate: 0.8, cpu: 0.8 },
  "tether-fetch-wide": { rate: 0.8, cpu: 0.8 },
});

// Bun's JIT (JavaScriptCore) needs some 20k requests of warm-up before CPU
// per request settles; on a busy machine that takes more than a second.
const FULL = {
  server: { rounds: 13, seconds: 1, warmSeconds: 2, warmRequests: 30_000, warmEachMode: true },
  client: { rounds: 6, requests: 20_000, warmRequests: 20_000 },
};
const QUICK = {
  server: { rounds: 2, seconds: 1, warmSeconds: 1, warmRequests: 10_000, warmEachMode: false },
  client: { rounds: 2, requests: 2_000, warmRequests: 5_000 },
};

const ORIGINS = ["nginx", "raw-listen"] as const;

/** The Bun binary the children run under: this one, or the package's. */
const BUN =
  process.versions.bun === undefined
    ? path.join(PACKAGE_DIR, "node_modules", ".bin", "bun")
    : process.execPath;

/** Starts `bun [flags] bench/<file> args…` pinned to `cpu` and waits for `ready`. */
function startBunChild(
  file: string,
  args: readonly string[],
  cpu: number,
  flags: readonly string[],
): Promise<{ child: ChildProcess; ready: ChildMessage }> {
  const extra = args[0] === "baseline-fetch" && BASELINE !== null ? [BASELINE] : [];
  const argv = pinned(cpu, [BUN, ...flags, path.join(BENCH_DIR, file), ...args, ...extra]);
  return startProcess(argv, { cwd: PACKAGE_DIR, label: `bun ${file} ${args.join(" ")}` });
}

/** Bun flags for a child: `--cpu-prof` (and Markdown) into `profileDir` when it is profiled. */
function bunFlags(profileDir: string | null): string[] {
  return profileDir === null ? [] : ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profileDir}`];
}

kit
  .runBench({
    name: "bun",
    benchDir: BENCH_DIR,
    argv: ARGV,
    usage: `usage: bun bench/run.ts [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                        [--origin ${ORIGINS.join("|")}] [--profile DIR]`,
    origins: ORIGINS,
    full: FULL,
    quick: QUICK,
    servers: SERVERS,
    serverGoals: SERVER_GOALS,
    goalsApplyTo: "each",
    clients: CLIENTS,
    clientGoals: CLIENT_GOALS,
    startChild: (file, args, cpu, profileDir) =>
      startBunChild(file, args, cpu, bunFlags(profileDir)),
    rawOriginDescription: "raw Bun.listen server writing a fixed response",
    runtime: () => {
      const version = execFileSync(BUN, ["--version"], { encoding: "utf8" }).trim();
      return { label: `Bun ${version}`, version };
    },
  })
  .catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
