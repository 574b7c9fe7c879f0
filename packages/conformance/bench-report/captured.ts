/**
 * Benches that print Markdown tables but write no results file (the TLS
 * benches of the three adapters, packages/{node,bun,deno}/bench/tls.ts):
 * `bench:report` runs them,
 * records their output with the date, runtime, machine and code fingerprints
 * in `bench/results/<name>.json`, and the report shows the tables as printed.
 */
import type { Bench, CodeCheck } from "./model.ts";
import { arr, num, obj, str, stringRecord } from "./read.ts";

/** A bench whose printed output is captured. */
export interface CapturedSpec {
  readonly id: string;
  readonly title: string;
  /** The runtime it runs on (its version is recorded with the output). */
  readonly runtime: "node" | "bun" | "deno";
  /** Its package's directory, relative to the repository's root. */
  readonly dir: string;
  /** Run in `dir`; the tables are its standard output. */
  readonly command: string;
  /** Appended to `command` for `--quick`. */
  readonly quickArgs: string;
  /** The captured results, relative to the repository's root. */
  readonly file: string;
  /** Source sets on its path (name → directory), as the other benches record them. */
  readonly sources: Readonly<Record<string, string>>;
}

/** The captured benches, in report order. */
export const CAPTURED: readonly CapturedSpec[] = [
  {
    id: "node-tls",
    title: "TLS on Node (@tether/node)",
    runtime: "node",
    dir: "packages/node",
    command: "tsx bench/tls.ts",
    quickArgs: "--rounds 2 --seconds 1",
    file: "packages/node/bench/results/tls.json",
    sources: {
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      node: "packages/node/src",
    },
  },
  {
    id: "bun-tls",
    title: "TLS on Bun (@tether/bun)",
    runtime: "bun",
    dir: "packages/bun",
    command: "bun bench/tls.ts",
    quickArgs: "--quick",
    file: "packages/bun/bench/results/tls.json",
    sources: {
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      bun: "packages/bun/src",
    },
  },
  {
    id: "deno-tls",
    title: "TLS on Deno (@tether/deno)",
    runtime: "deno",
    dir: "packages/deno",
    command: "DENO_NO_UPDATE_CHECK=1 deno run --no-lock --no-check -A bench/tls.ts",
    quickArgs: "--quick",
    file: "packages/deno/bench/results/tls.json",
    sources: {
      core: "packages/core/src",
      adapterKit: "packages/adapter-kit/src",
      deno: "packages/deno/src",
    },
  },
];

/** A captured results file as read (`json` undefined when missing). */
export interface CapturedFile {
  readonly spec: CapturedSpec;
  readonly json: unknown;
  readonly problem: string | null;
}

function codeOf(o: Record<string, unknown>, current: Readonly<Record<string, string>>): CodeCheck {
  const code = obj(o.code);
  const commit = str(code?.commit);
  return {
    commit: commit === null || commit === "" ? null : commit.slice(0, 12),
    uncommitted: arr(code?.changed).length,
    stale: Object.entries(stringRecord(code?.sha256))
      .filter(([name, sha]) => current[name] !== sha)
      .map(([name, sha]) => ({ name, recorded: sha, current: current[name] ?? null })),
  };
}

/** The report's bench for a captured file. */
export function capturedBench(f: CapturedFile, current: Readonly<Record<string, string>>): Bench {
  const o = obj(f.json);
  const output = str(o?.output);
  const command = `cd ${f.spec.dir} && ${f.spec.command}`;
  const problem =
    f.problem ??
    (f.json === undefined
      ? `${f.spec.file} is missing: run \`pnpm bench:report\` (or \`${command}\` for the tables alone)`
      : o === null || output === null
        ? `${f.spec.file} has no captured output`
        : null);
  const load = arr(o?.loadAverageAtEnd)
    .map(num)
    .filter((x): x is number => x !== null);
  const ok = problem === null && o !== null;
  return {
    id: f.spec.id,
    title: f.spec.title,
    file: f.spec.file,
    command,
    date: ok ? str(o.date) : null,
    problem,
    runtime: ok ? (str(o.runtime) ?? (str(o.node) === null ? null : `Node ${str(o.node)}`)) : null,
    quick: ok && typeof o.quick === "boolean" ? o.quick : null,
    settings: ok ? str(o.arguments) : null,
    loadAverage: load.length === 3 ? load : null,
    steal: ok ? num(o.cpuStealPercent) : null,
    code: ok ? codeOf(o, current) : null,
    sections: [],
    verbatim: ok ? (output as string).trim() : null,
  };
}
