/**
 * The command line and the results file of an adapter's benchmark: argument
 * parsing, the closing list of targets, and `bench/results/latest.json` with
 * the facts that tie the numbers to the machine and the code measured.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
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

/** The closing lines: every target, then the machine and the run's length. */
export function closingLines(
  targets: readonly Target[],
  runtime: string,
  seconds: number,
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
  );
  return out;
}

/** `2 × CPU model`. */
export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`;
}

/** Writes `json` to `dir/latest.json` (creating `dir`) and returns the file's path. */
export function writeResults(dir: string, json: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  return file;
}
