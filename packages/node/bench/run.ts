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
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sourceFingerprint } from "../../core/bench/node.ts";
import { BENCH_DIR, keepBundlesIn, pinning, removeBundles } from "./child.ts";
import { type ClientResult, clientBench, formatClient } from "./client-bench.ts";
import { formatMemory, type MemoryResult, memoryBench } from "./memory-bench.ts";
import type { Target } from "./rounds.ts";
import { formatServer, type ServerModeResult, serverBench } from "./server-bench.ts";
import { ensureDebianPackages } from "./wrk.ts";

const SECTIONS = ["server", "client", "memory"] as const;
type Section = (typeof SECTIONS)[number];

const FULL = {
  server: { rounds: 7, seconds: 2, warmSeconds: 1, warmEachMode: true },
  client: { rounds: 6, requests: 20_000, warmRequests: 2_000 },
  memory: { rounds: 3, connections: 5_000, warmConnections: 100 },
};
const QUICK = {
  server: { rounds: 2, seconds: 1, warmSeconds: 1, warmEachMode: false },
  client: { rounds: 2, requests: 1_000, warmRequests: 300 },
  memory: { rounds: 1, connections: 1_000, warmConnections: 50 },
};

const USAGE = `usage: tsx bench/run.ts [--quick] [--only SECTION[,SECTION…]] [--rounds N]
                        [--origin nginx|raw-net] [--profile DIR]
sections: ${SECTIONS.join(", ")}`;

interface Args {
  readonly quick: boolean;
  readonly sections: readonly Section[];
  readonly rounds: number | null;
  readonly origin: "nginx" | "raw-net";
  readonly profileDir: string | null;
}

function parseArgs(argv: readonly string[]): Args | null {
  let quick = false;
  let rounds: number | null = null;
  let origin: "nginx" | "raw-net" = "nginx";
  let profileDir: string | null = null;
  const sections: Section[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--quick") quick = true;
    else if (arg === "--only") {
      for (const name of (argv[++i] ?? "").split(",")) {
        if (!(SECTIONS as readonly string[]).includes(name)) {
          throw new Error(`unknown section ${JSON.stringify(name)}\n${USAGE}`);
        }
        sections.push(name as Section);
      }
    } else if (arg === "--rounds") {
      rounds = Number(argv[++i]);
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds N\n${USAGE}`);
    } else if (arg === "--origin") {
      const value = argv[++i];
      if (value !== "nginx" && value !== "raw-net") throw new Error(`--origin\n${USAGE}`);
      origin = value;
    } else if (arg === "--profile") profileDir = path.resolve(argv[++i] ?? "");
    else if (arg === "--help" || arg === "-h") return null;
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return {
    quick,
    sections: sections.length === 0 ? [...SECTIONS] : sections,
    rounds,
    origin,
    profileDir,
  };
}

/**
 * Which code was measured: the commit, the files changed since, and a hash
 * of the sources of each package on the measured path (other work may be
 * going on in the same tree).
 */
function codeState(): Record<string, unknown> {
  const git = (...args: string[]): string => {
    try {
      return execFileSync("git", args, { cwd: BENCH_DIR, encoding: "utf8" }).trimEnd();
    } catch {
      return "";
    }
  };
  const dirs = ["packages/core/src", "packages/adapter-kit/src", "packages/node/src"];
  return {
    commit: git("rev-parse", "HEAD"),
    changed: git("status", "--porcelain", "--", ...dirs.map((d) => `:/${d}`))
      .split("\n")
      .filter((line) => line !== ""),
    // Paths relative to packages/core/bench, where sourceFingerprint resolves them.
    sha256: {
      core: sourceFingerprint("../src"),
      adapterKit: sourceFingerprint("../../adapter-kit/src"),
      node: sourceFingerprint("../../node/src"),
    },
  };
}

async function main(): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const args = parseArgs(process.argv.slice(2));
  if (args === null) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = (text: string): void => {
    process.stderr.write(`${text}\n`);
  };
  const settings = args.quick ? QUICK : FULL;
  const roundsOf = (n: number): number => args.rounds ?? n;
  const tetherFlags =
    args.profileDir === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${args.profileDir}`];
  if (args.profileDir !== null) keepBundlesIn(path.join(args.profileDir, "bundles"));

  const needed: Record<string, string> = {};
  if (args.sections.includes("server")) needed.wrk = "wrk";
  if (args.sections.includes("client") && args.origin === "nginx") needed.nginx = "nginx";
  const installed = ensureDebianPackages(needed);
  if (!pinning()) log("taskset not found or one core: processes are not pinned");

  const out: string[] = [];
  const targets: Target[] = [];
  let server: ServerModeResult[] | null = null;
  let client: ClientResult | null = null;
  let memory: MemoryResult | null = null;

  if (args.sections.includes("server")) {
    log("server section (wrk):");
    const s = settings.server;
    server = await serverBench({
      ...s,
      rounds: roundsOf(s.rounds),
      connections: 50,
      tetherFlags,
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
      tetherFlags,
      log,
    });
    out.push(formatClient(client, c.requests, 50));
    targets.push(...client.targets);
  }
  if (args.sections.includes("memory")) {
    log("memory section:");
    const m = settings.memory;
    memory = await memoryBench({ ...m, rounds: roundsOf(m.rounds), log });
    out.push(formatMemory(memory));
    targets.push(...memory.targets);
  }

  const elapsed = Number(process.hrtime.bigint() - startedAt) / 1e9;
  out.push("\n### All targets\n");
  for (const t of targets)
    out.push(
      `${t.met ? "met    " : "NOT MET"}  ${t.section}: ${t.what} = ${t.ratio.toFixed(2)}× (goal ≥ ${t.goal}×)`,
    );
  const load = os.loadavg().map((x) => x.toFixed(2));
  out.push(
    `\nNode ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ` +
      `pinned: ${pinning()}, load average at the end ${load.join(" ")}, ${elapsed.toFixed(0)} s.`,
  );
  process.stdout.write(`${out.join("\n")}\n`);

  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
    loadAverageAtEnd: os.loadavg(),
    quick: args.quick,
    pinned: pinning(),
    installed,
    settings: { ...settings, rounds: args.rounds, origin: args.origin },
    profiled: args.profileDir,
    server,
    client,
    memory,
    targets,
    code: codeState(),
    elapsedSeconds: Number(elapsed.toFixed(1)),
  };
  const dir = path.join(BENCH_DIR, "results");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${file} (${elapsed.toFixed(1)} s)`);
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(removeBundles);
