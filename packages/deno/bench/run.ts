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
 * shared bench kit's (packages/conformance/bench-kit), with core's
 * statistics; this directory names the contenders, goals and children.
 * Needs wrk (and nginx for the client section); both are installed with
 * apt-get when missing. Results: tables on stdout,
 * bench/results/latest.json. Profiles (profiler.ts) are V8 `.cpuprofile`
 * files; summarise them with packages/core/bench/profile-summary.ts.
 */
import * as os from "node:os";
import * as path from "node:path";
import {
  type BenchArgs,
  closingLines,
  codeState,
  machine,
  parseBenchArgs,
  writeResults,
} from "../../conformance/bench-kit/cli.ts";
import { pinning } from "../../conformance/bench-kit/processes.ts";
import type { Target } from "../../conformance/bench-kit/rounds.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";
import { type ClientResult, clientBench, formatClient } from "./client-bench.ts";
import { BENCH_DIR } from "./deno-child.ts";
import { formatServer, type ServerModeResult, serverBench } from "./server-bench.ts";

const SECTIONS = ["server", "client"] as const;
type Section = (typeof SECTIONS)[number];
const ORIGINS = ["nginx", "raw-deno"] as const;

const FULL = {
  server: { rounds: 7, seconds: 2, warmSeconds: 1, warmEachMode: true },
  client: { rounds: 6, requests: 20_000, warmRequests: 2_000 },
};
const QUICK = {
  server: { rounds: 2, seconds: 1, warmSeconds: 1, warmEachMode: false },
  client: { rounds: 2, requests: 1_000, warmRequests: 300 },
};

const USAGE = `usage: pnpm bench [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                  [--origin nginx|raw-deno] [--profile DIR]
sections: ${SECTIONS.join(", ")}`;

async function main(): Promise<void> {
  const startedAt = performance.now();
  const args: BenchArgs<Section, (typeof ORIGINS)[number]> | null = parseBenchArgs(Deno.args, {
    sections: SECTIONS,
    origins: ORIGINS,
    usage: USAGE,
  });
  if (args === null) {
    console.log(USAGE);
    return;
  }
  const log = (text: string): void => console.error(text);
  const settings = args.quick ? QUICK : FULL;
  const roundsOf = (n: number): number => args.rounds ?? n;
  if (args.profileDir !== null) Deno.mkdirSync(args.profileDir, { recursive: true });
  // Children inherit it: no Deno process of the run looks for a newer release.
  Deno.env.set("DENO_NO_UPDATE_CHECK", "1");

  const needed: Record<string, string> = {};
  if (args.sections.includes("server")) needed.wrk = "wrk";
  if (args.sections.includes("client") && args.origin === "nginx") needed.nginx = "nginx";
  const installed = ensureDebianPackages(needed);
  if (!pinning()) log("taskset not found or one core: processes are not pinned");

  const out: string[] = [];
  const targets: Target[] = [];
  let server: ServerModeResult[] | null = null;
  let client: ClientResult | null = null;

  if (args.sections.includes("server")) {
    log("server section (wrk):");
    const s = settings.server;
    server = await serverBench({
      ...s,
      rounds: roundsOf(s.rounds),
      connections: 50,
      profileDir: args.profileDir,
      log,
    });
    out.push(formatServer(server));
    for (const r of server) targets.push(...r.targets);
  }
  if (args.sections.includes("client")) {
    log("client section:");
    const c = settings.client;
    client = await clientBench({
      ...c,
      rounds: roundsOf(c.rounds),
      concurrency: 50,
      origin: args.origin,
      profileDir: args.profileDir,
      log,
    });
    out.push(formatClient(client, c.requests, 50));
    targets.push(...client.targets);
  }

  const elapsed = (performance.now() - startedAt) / 1000;
  const runtime = `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`;
  out.push(...closingLines(targets, runtime, elapsed));
  console.log(out.join("\n"));
  if (args.profileDir !== null)
    log(`profiles (written as the processes exited): ${args.profileDir}`);

  const file = writeResults(path.join(BENCH_DIR, "results"), {
    date: new Date().toISOString(),
    deno: Deno.version,
    cpu: machine(),
    loadAverageAtEnd: os.loadavg(),
    quick: args.quick,
    pinned: pinning(),
    installed,
    settings: { ...settings, rounds: args.rounds, origin: args.origin },
    profiled: args.profileDir,
    server,
    client,
    targets,
    code: codeState({
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      deno: "packages/deno/src",
    }),
    elapsedSeconds: Number(elapsed.toFixed(1)),
  });
  log(`wrote ${file} (${elapsed.toFixed(1)} s)`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  Deno.exitCode = 1;
});
