/**
 * @tether/node benchmarks (issue #4): servers under wrk, clients against one
 * fast origin, and memory per idle keep-alive connection, each against
 * Node's own and undici, interleaved in short rounds (the machines are
 * noisy: only per-round ratios and CPU time per request mean much).
 *
 *   pnpm bench                         # everything (about 6 minutes)
 *   pnpm bench --quick                 # smoke run (< 1 minute)
 *   pnpm bench --only server,client    # some sections (server, client, memory)
 *   pnpm bench --rounds 9              # rounds per section
 *   pnpm bench --origin raw-net        # clients against node:net instead of nginx
 *   pnpm bench --profile /tmp/prof     # --cpu-prof in Tether's server and client processes
 *                                      # (the bundles they ran are kept in /tmp/prof/bundles)
 *
 * Needs wrk (and nginx for the client section); both are installed with
 * apt-get when missing. Results: tables on stdout, bench/results/latest.json.
 * Summarise a profile with packages/core/bench/profile-summary.ts.
 *
 * Everything not specific to Node — the command line, the sections and
 * their rounds, wrk, nginx, the child protocol, the tables and the results
 * file — is the shared bench kit's (packages/conformance/bench-kit/driver.ts);
 * this file names the contenders and goals, starts the children under Node,
 * and adds the memory section.
 */
import * as path from "node:path";
import * as kit from "../../conformance/bench-kit/driver.ts";
import { BENCH_DIR, keepBundlesIn, removeBundles, startChild } from "./child.ts";
import { formatMemory, memoryBench } from "./memory-bench.ts";

/** In table order: Tether's two servers, node:http, and a raw node:net server as the ceiling. */
const SERVERS = kit.serverContenders(
  { kind: "node-http", label: "node:http", short: "node:http" },
  { kind: "raw-net", label: "raw node:net fixed response (ceiling)", short: "raw net" },
);

/** Issue #4's server goals, for the better of our two servers (CPU: at most half of node:http's). */
const SERVER_GOALS = [
  ...kit.serverGoalsVs("node-http", {
    "keep-alive": { rate: 2, cpu: 2 },
    "pipelined-10": { rate: 3 },
  }),
  ...kit.serverGoalsVs("raw-net", { "keep-alive": { rate: 0.7 } }),
];

/**
 * In table order: Tether's two clients, our `fetch()` pipelining like undici's,
 * undici 7 (plain and pipelined) and Node's global fetch.
 */
const CLIENTS = kit.clientContendersPipelined(
  { kind: "undici-pool", label: "undici 7 Pool, 6 connections" },
  { kind: "undici-pipelined", label: "undici 7 Pool, 6 connections, pipelining 10" },
  { kind: "global-fetch", label: "Node global fetch" },
);

/**
 * Issue #4's goals for our `fetch()` (rate ratio). The pipelined goal is set
 * on both our default `fetch()` and the one pipelining like undici's, so the
 * report shows the default pool's figure as well as the like-for-like one.
 */
const CLIENT_GOALS = [
  ...kit.clientGoalsVs("undici-pool", { "tether-fetch": { rate: 1.3 } }),
  ...kit.clientGoalsVs("undici-pipelined", {
    "tether-fetch": { rate: 1.5 },
    "tether-fetch-pipelined": { rate: 1.5 },
  }),
  ...kit.clientGoalsVs("global-fetch", { "tether-fetch": { rate: 3 } }),
];

const FULL = {
  server: { rounds: 13, seconds: 1, warmSeconds: 1, warmEachMode: true },
  client: { rounds: 6, requests: 20_000, warmRequests: 2_000 },
  memory: { rounds: 3, connections: 5_000, warmConnections: 100, churnConnections: 2_000 },
};
const QUICK = {
  server: { rounds: 2, seconds: 1, warmSeconds: 1, warmEachMode: false },
  client: { rounds: 2, requests: 1_000, warmRequests: 300 },
  memory: { rounds: 1, connections: 1_000, warmConnections: 50, churnConnections: 500 },
};

/** Node flags for a child: `--cpu-prof` into `profileDir` when it is profiled. */
function nodeFlags(profileDir: string | null): string[] {
  return profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
}

kit
  .runBench({
    name: "node",
    benchDir: BENCH_DIR,
    argv: process.argv.slice(2),
    usage: `usage: tsx bench/run.ts [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                        [--origin nginx|raw-net] [--profile DIR]`,
    origins: ["nginx", "raw-net"],
    full: FULL,
    quick: QUICK,
    servers: SERVERS,
    serverGoals: SERVER_GOALS,
    goalsApplyTo: "best",
    clients: CLIENTS,
    clientGoals: CLIENT_GOALS,
    extraSections: [
      {
        name: "memory",
        run: async ({ quick, rounds, log }) => {
          const m = quick ? QUICK.memory : FULL.memory;
          const result = await memoryBench({ ...m, rounds: rounds ?? m.rounds, log });
          return { result, table: formatMemory(result), targets: result.targets };
        },
      },
    ],
    startChild: (file, args, cpu, profileDir) =>
      startChild(file, args, { cpu, nodeFlags: nodeFlags(profileDir) }),
    rawOriginDescription: "raw node:net server writing a fixed response",
    runtime: () => ({ label: `Node ${process.version}`, version: process.version }),
    prepare: (args) => {
      if (args.profileDir !== null) keepBundlesIn(path.join(args.profileDir, "bundles"));
    },
  })
  .catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(removeBundles);
