/**
 * @tether/deno benchmarks (issue #6): our server under wrk against
 * Deno.serve and a raw Deno.listen server, and our client against Deno's
 * fetch, interleaved in short rounds (the machines are noisy: only
 * per-round ratios and CPU time per request mean much).
 *
 *   pnpm bench                          # everything (about 3 minutes)
 *   pnpm bench --quick                  # smoke run (< 1 minute)
 *   pnpm bench --only client            # one section (server, client)
 *   pnpm bench --rounds 9               # rounds per section
 *   pnpm bench --origin raw-deno        # clients against raw Deno.listen instead of nginx
 *   pnpm bench --profile /tmp/prof      # CPU profiles of Tether's server and client processes
 *
 * This driver and every process under test run under real Deno (the
 * `deno` npm package); the load comes from wrk, and the client origin is
 * nginx, each in its own process on the other core. Everything not
 * specific to Deno — the sections, rounds, wrk and its pipelining script,
 * nginx, the child protocol, the command line and results file — is the
 * shared bench kit's (packages/conformance/bench-kit, driven by driver.ts),
 * with core's statistics; this file names the contenders, goals and
 * children.
 * Needs wrk (and nginx for the client section); both are installed with
 * apt-get when missing. Results: tables on stdout,
 * bench/results/latest.json. Profiles (profiler.ts) are V8 `.cpuprofile`
 * files; summarise them with packages/core/bench/profile-summary.ts.
 */
import * as kit from "../../conformance/bench-kit/driver.ts";
import { BENCH_DIR, startDenoChild } from "./deno-child.ts";

/**
 * In table order: Tether's two servers, Deno.serve, a raw Deno.listen
 * server as the ceiling, and that server also letting the `fetch` handler
 * make each answer's `Response` (dropped after a look at its status): the
 * floor of any `fetch`-handler server on `Deno.listen` (server-child.ts).
 */
const SERVERS = [
  ...kit.serverContenders(
    { kind: "deno-serve", label: "Deno.serve", short: "Deno.serve" },
    {
      kind: "raw-deno",
      label: "raw Deno.listen fixed response (ceiling)",
      short: "raw Deno.listen",
    },
  ),
  {
    kind: "raw-deno-response",
    label: "raw Deno.listen + the handler's Response (fetch floor)",
    short: "fetch floor",
    ours: false,
  },
];

/** Issue #6's server goals, for each of our two servers. */
const SERVER_GOALS = kit.serverGoalsVs("deno-serve", {
  "keep-alive": { rate: 0.8 },
  "pipelined-10": { rate: 2 },
});

/** In table order: Tether's two clients (6 connections), Tether's fetch() on 50, and Deno's fetch. */
const CLIENTS = kit.clientContendersWide({ kind: "deno-fetch", label: "Deno fetch" });

/** Issue #6's client goal, for both of our APIs. */
const CLIENT_GOALS = kit.clientGoalsVs("deno-fetch", {
  "tether-fetch": { rate: 1.2 },
  "tether-request": { rate: 1.2 },
  "tether-fetch-wide": { rate: 1.2 },
});

kit
  .runBench({
    name: "deno",
    benchDir: BENCH_DIR,
    argv: Deno.args,
    usage: `usage: pnpm bench [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                  [--origin nginx|raw-deno] [--profile DIR]`,
    origins: ["nginx", "raw-deno"],
    full: {
      server: { rounds: 13, seconds: 1, warmSeconds: 1, warmEachMode: true },
      client: { rounds: 6, requests: 20_000, warmRequests: 2_000 },
    },
    quick: {
      server: { rounds: 2, seconds: 1, warmSeconds: 1, warmEachMode: false },
      client: { rounds: 2, requests: 1_000, warmRequests: 300 },
    },
    servers: SERVERS,
    serverGoals: SERVER_GOALS,
    goalsApplyTo: "each",
    clients: CLIENTS,
    clientGoals: CLIENT_GOALS,
    startChild: (file, args, cpu, profileDir) => startDenoChild(file, args, { cpu, profileDir }),
    rawOriginDescription: "raw Deno.listen server writing a fixed response",
    runtime: () => ({
      label: `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`,
      version: Deno.version,
    }),
    prepare: (args) => {
      if (args.profileDir !== null) Deno.mkdirSync(args.profileDir, { recursive: true });
      // Children inherit it: no Deno process of the run looks for a newer release.
      Deno.env.set("DENO_NO_UPDATE_CHECK", "1");
    },
    afterTables: (args, log) => {
      if (args.profileDir !== null)
        log(`profiles (written as the processes exited): ${args.profileDir}`);
    },
  })
  .catch((e: unknown) => {
    console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    Deno.exitCode = 1;
  });
