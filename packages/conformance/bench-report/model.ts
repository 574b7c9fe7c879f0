/**
 * What the report shows, independent of Markdown and SVG: benches (one per
 * results file), each with sections (a server mode, the clients, memory, a
 * parser case), each with rows (contenders), ratios to peers and targets.
 */
import type { Stat } from "./read.ts";

/** One measured quantity of a section, e.g. requests per second. */
export interface Metric {
  /** Column header: `requests/s`. */
  readonly name: string;
  /** Chart title: `Requests per second`. */
  readonly title: string;
  /** Unit after a value in charts (`""`, `" µs"`, `" B"`). */
  readonly unit: string;
  readonly better: "higher" | "lower";
}

/** Whose a contender is. */
export type Role = "ours" | "peer" | "baseline";

/** One contender's values, one per metric of the section (`null`: not measured). */
export interface Row {
  readonly kind: string;
  readonly label: string;
  readonly role: Role;
  readonly values: readonly (Stat | null)[];
}

/**
 * One of ours against one peer, per metric, oriented so that above 1 means
 * Tether is ahead (rate: ours ÷ peer's; cost: the peer's ÷ ours).
 */
export interface Ratio {
  readonly ours: string;
  readonly peer: string;
  readonly values: readonly (number | null)[];
}

/** A goal checked against a measured ratio (above 1: Tether ahead). */
export interface Goal {
  readonly what: string;
  readonly ratio: number;
  readonly goal: number;
  readonly met: boolean;
}

/** A section of a bench. */
export interface Section {
  /** File-name safe and unique in the report: `node-server-keep-alive`. */
  readonly id: string;
  readonly title: string;
  /** One line on what was measured. */
  readonly description: string;
  /** Which labels its contenders take. */
  readonly context: Context;
  readonly metrics: readonly Metric[];
  readonly rows: readonly Row[];
  /** Peers in ratio-column order (kinds). */
  readonly peers: readonly string[];
  readonly ratios: readonly Ratio[];
  /** How the ratios were taken (`per-round medians`, `ratio of medians`). */
  readonly ratioBasis: string;
  readonly goals: readonly Goal[];
  /** Why there are no rows, when there are none. */
  readonly missing: string | null;
}

/** What the report knows about the code a bench measured. */
export interface CodeCheck {
  /** Short commit, or null when not recorded. */
  readonly commit: string | null;
  /** Files uncommitted at the time of the run (on the measured path). */
  readonly uncommitted: number;
  /** Source sets whose fingerprint differs from the current tree's. */
  readonly stale: readonly { name: string; recorded: string; current: string | null }[];
}

/** One results file. */
export interface Bench {
  /** `core`, `node`, `bun`, `deno`. */
  readonly id: string;
  readonly title: string;
  /** The results file, relative to the repository's root. */
  readonly file: string;
  /** The package's bench command, for the reader. */
  readonly command: string;
  /** `null` when the file is missing or unreadable: then `problem` says why. */
  readonly date: string | null;
  readonly problem: string | null;
  /** `Node v20.20.2`. */
  readonly runtime: string | null;
  readonly quick: boolean | null;
  /** Rounds and durations, in words. */
  readonly settings: string | null;
  readonly loadAverage: readonly number[] | null;
  /** Percent of the CPU time the host took from the machine during the run (`/proc/stat` steal). */
  readonly steal: number | null;
  readonly code: CodeCheck | null;
  readonly sections: readonly Section[];
  /** Tables the bench printed itself (Markdown), for benches without a results schema. */
  readonly verbatim: string | null;
}

/** Facts about the machine and tools, from the results files (first one that has each). */
export interface Environment {
  readonly cpu: string | null;
  readonly cores: number | null;
  readonly memoryBytes: number | null;
  readonly os: string | null;
  readonly versions: Readonly<Record<string, string>>;
}

/** Everything the Markdown and the charts are made from. */
export interface Report {
  readonly environment: Environment;
  readonly benches: readonly Bench[];
}

/** Where a contender kind appears: its label can depend on it. */
export type Context = "server" | "client" | "memory" | "parser";

/** Human names of the contenders the benches measure (kinds are the results' names). */
const LABELS: Readonly<Record<string, string>> = {
  "tether-handler": "Tether serve({ handler })",
  "tether-fetch": "Tether serve({ fetch })",
  "tether-request": "Tether request()",
  tether: "Tether MessageParser",
  "node-http": "node:http",
  "raw-net": "raw node:net (ceiling)",
  "undici-pool": "undici Pool",
  "undici-pipelined": "undici Pool, pipelining 10",
  "global-fetch": "Node global fetch",
  "bun-serve": "Bun.serve",
  "raw-listen": "raw Bun.listen (ceiling)",
  "bun-fetch": "Bun fetch",
  "deno-serve": "Deno.serve",
  "raw-deno": "raw Deno.listen (ceiling)",
  "raw-deno-response": "raw Deno.listen + the handler's Response (fetch floor)",
  "deno-fetch": "Deno fetch",
  "tether-layer": "Tether's socket layer alone, fixed response",
  llhttp: "llhttp (Node's)",
  "http-parser-js": "http-parser-js",
};

/** Labels that differ by context. */
const IN_CONTEXT: Readonly<Record<Context, Readonly<Record<string, string>>>> = {
  server: {},
  client: {
    "tether-fetch": "Tether fetch()",
    "tether-fetch-wide": "Tether fetch(), 50 connections",
    "tether-fetch-pipelined": "Tether fetch(), pipelining 10",
  },
  memory: { "raw-net": "raw node:net (floor)" },
  parser: {},
};

/** Short names for ratio columns and chart annotations. */
const SHORT: Readonly<Record<string, string>> = {
  "raw-net": "raw net",
  "raw-listen": "raw listen",
  "raw-deno": "raw listen",
  "raw-deno-response": "fetch floor",
  "tether-layer": "socket layer",
  "undici-pool": "undici",
  "undici-pipelined": "undici ×10",
  "global-fetch": "global fetch",
  llhttp: "llhttp",
};

/** The label of a contender kind (the kind itself when unknown). */
export function label(kind: string, context: Context): string {
  return IN_CONTEXT[context][kind] ?? LABELS[kind] ?? kind;
}

/** The short label of a peer kind, for chart annotations. */
export function shortLabel(kind: string): string {
  return SHORT[kind] ?? LABELS[kind] ?? kind;
}

/**
 * Ours, a peer, or a baseline: a server that does no HTTP work (the raw
 * ceiling of rates, the floor of memory, and Tether's socket layer alone,
 * which is a reference, not a contender judged against goals).
 */
export function roleOf(kind: string): Role {
  if (kind === "tether-layer") return "baseline";
  if (kind === "tether" || kind.startsWith("tether-")) return "ours";
  return kind.startsWith("raw-") ? "baseline" : "peer";
}
