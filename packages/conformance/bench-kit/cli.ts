/**
 * The command line and the results file of an adapter's benchmark: argument
 * parsing, the closing list of targets, and `bench/results/latest.json` with
 * the facts that tie the numbers to the machine and the code measured.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { stealLine } from "../../core/bench/cpu-steal.ts";
import { sourceFingerprint } from "../../core/bench/node.ts";
import { pinning } from "./processes.ts";
import type { Target } from "./rounds.ts";

/** The repository's root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Parsed command line. */
export interface BenchArgs<S extends string, O extends string> {
  readonly quick: boolean;
  readonly sections: readonly S[];
  /** Rounds per section instead of the defaults. */
  readonly rounds: number | null;
  readonly origin: O;
  /** `--profile DIR`: CPU profiles of Tether's processes go there. */
  readonly profileDir: string | null;
}

/** What the benchmark accepts. */
export interface BenchCommand<S extends string, O extends string> {
  readonly sections: readonly S[];
  /** The first is the default. */
  readonly origins: readonly [O, ...O[]];
  readonly usage: string;
}

/**
 * `--quick`, `--only SECTION[,SECTION…]`, `--rounds N`, `--origin KIND`,
 * `--profile DIR`; null for `--help`. Throws on anything else.
 */
export function parseBenchArgs<S extends string, O extends string>(
  argv: readonly string[],
  command: BenchCommand<S, O>,
): BenchArgs<S, O> | null {
  const { usage } = command;
  let quick = false;
  let rounds: number | null = null;
  let origin: O = command.origins[0];
  let profileDir: string | null = null;
  const sections: S[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--quick") quick = true;
    else if (arg === "--only") {
      for (const name of (argv[++i] ?? "").split(",")) {
        const section = command.sections.find((s) => s === name);
        if (section === undefined)
          throw new Error(`unknown section ${JSON.stringify(name)}\n${usage}`);
        sections.push(section);
      }
    } else if (arg === "--rounds") {
      rounds = Number(argv[++i]);
      if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds N\n${usage}`);
    } else if (arg === "--origin") {
      const value = command.origins.find((o) => o === argv[i + 1]);
      i++;
      if (value === undefined) throw new Error(`--origin\n${usage}`);
      origin = value;
    } else if (arg === "--profile") profileDir = path.resolve(argv[++i] ?? "");
    else if (arg === "--help" || arg === "-h") return null;
    else throw new Error(`unknown argument ${arg}\n${usage}`);
  }
  return {
    quick,
    sections: sections.length === 0 ? [...command.sections] : sections,
    rounds,
    origin,
    profileDir,
  };
}

/**
 * Which code was measured: the commit, the files changed since, and a hash
 * of the sources of each package on the measured path (other work may be
 * going on in the same tree). `dirs`: name → directory relative to the root.
 */
export function codeState(dirs: Readonly<Record<string, string>>): Record<string, unknown> {
  const git = (...args: string[]): string => {
    try {
      return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trimEnd();
    } catch {
      return "";
    }
  };
  const coreBench = path.join(REPO_ROOT, "packages/core/bench");
  const sha256: Record<string, string> = {};
  for (const [name, dir] of Object.entries(dirs)) {
    // sourceFingerprint resolves paths from packages/core/bench.
    sha256[name] = sourceFingerprint(path.relative(coreBench, path.join(REPO_ROOT, dir)));
  }
  return {
    commit: git("rev-parse", "HEAD"),
    changed: git("status", "--porcelain", "--", ...Object.values(dirs).map((d) => `:/${d}`))
      .split("\n")
      .filter((line) => line !== ""),
    sha256,
  };
}

/** The closing lines: every target, then the machine, the run's length and the CPU stolen. */
export function closingLines(
  targets: readonly Target[],
  runtime: string,
  seconds: number,
  steal: number | null,
): string[] {
  const out = ["\n### All targets\n"];
  for (const t of targets) {
    out.push(
      `${t.met ? "met    " : "NOT MET"}  ${t.section}: ${t.what} = ${t.ratio.toFixed(2)}× (goal ≥ ${t.goal}×)`,
    );
  }
  const load = os.loadavg().map((x) => x.toFixed(2));
  out.push(
    `\n${runtime}, ${machine()}, pinned: ${pinning()}, ` +
      `load average at the end ${load.join(" ")}, ${seconds.toFixed(0)} s.`,
    stealLine(steal),
  );
  return out;
}

/** `2 × CPU model`. */
export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`;
}

/** The machine, for the results file (and the report in docs/benchmarks). */
export function machineFacts(): Record<string, unknown> {
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
  };
}

/** `wrk 4.1.0` from `wrk -v`, `nginx 1.22.1` from `nginx -v`: the first `name/x.y.z` or `name x.y.z`. */
function toolVersion(command: string, args: readonly string[]): string | null {
  try {
    const r = spawnSync(command, args, { encoding: "utf8", timeout: 5_000 });
    const m = /(\d+\.\d+(?:\.\d+)?)/.exec(`${r.stdout ?? ""}\n${r.stderr ?? ""}`);
    return m === null ? null : (m[1] as string);
  } catch {
    return null;
  }
}

/** Versions of the load tools and, under Node, of Node's llhttp (the parser bench's peer). */
export function toolVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun === undefined && versions.deno === undefined && versions.llhttp !== undefined) {
    out.llhttp = versions.llhttp;
  }
  const wrk = toolVersion("wrk", ["-v"]);
  if (wrk !== null) out.wrk = wrk;
  const nginx = toolVersion("nginx", ["-v"]);
  if (nginx !== null) out.nginx = nginx;
  return out;
}

/**
 * Writes `json` to `dir/latest.json` (creating `dir`), with the machine's
 * facts and the tools' versions added, and returns the file's path.
 */
export function writeResults(dir: string, json: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  const full = { ...json, machine: machineFacts(), tools: toolVersions() };
  fs.writeFileSync(file, `${JSON.stringify(full, null, 2)}\n`);
  return file;
}
