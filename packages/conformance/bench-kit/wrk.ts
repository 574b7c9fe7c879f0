/**
 * Load from wrk (Debian package `wrk`), in its own process on its own core.
 * One call is one round: `wrk -t1 -cN -dS`, optionally with a Lua script
 * (pipeline.lua, beside this file, for pipelining). wrk's own CPU time is read from the
 * shell that waited for it (`cutime + cstime` in /proc/PID/stat), to tell
 * when the load generator rather than the server is the limit.
 */
import { execFile, execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { hasCommand, pinned } from "./processes.ts";

/** This directory, where the Lua scripts are. */
const KIT_DIR = path.dirname(fileURLToPath(import.meta.url));

/**
 * Installs the Debian packages the benchmark needs that are missing
 * (`apt-get`, as root). Benchmarks only, never tests.
 */
export function ensureDebianPackages(commands: Readonly<Record<string, string>>): string[] {
  const missing = Object.entries(commands)
    .filter(([command]) => !hasCommand(command))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return [];
  process.stderr.write(`installing ${missing.join(", ")} (apt-get)…\n`);
  execFileSync("sh", ["-c", `apt-get update -qq && apt-get install -y -qq ${missing.join(" ")}`], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  for (const command of Object.keys(commands)) {
    if (!hasCommand(command)) throw new Error(`${command} is still missing after apt-get install`);
  }
  return missing;
}

/** What one wrk run reported. */
export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  /** Socket errors (connect, read, write, timeout) plus non-2xx/3xx responses. */
  readonly errors: number;
  /** wrk's CPU time (user + system), in microseconds; NaN when unknown. */
  readonly wrkCpuMicros: number;
}

/** Options of one wrk run. */
export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** A Lua script beside this file, e.g. `pipeline.lua`. */
  readonly script?: string;
  /** The core to pin wrk to. */
  readonly cpu: number | null;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

const UNIT_SECONDS: Readonly<Record<string, number>> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Runs wrk once. */
export function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = [
    "-t1",
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "--timeout",
    "5s",
    ...(options.script === undefined ? [] : ["-s", path.join(KIT_DIR, options.script)]),
    options.url,
  ];
  // The shell reports its waited-for children's CPU time after wrk exits.
  const shell =
    '"$@"; status=$?; read -r stat < /proc/$$/stat; echo "WRK-STAT $stat"; exit $status';
  const argv = ["-c", shell, "sh", ...pinned(options.cpu, ["wrk", ...args])];
  return new Promise((resolve, reject) => {
    execFile("sh", argv, { encoding: "utf8", timeout: (options.seconds + 30) * 1000 }, (e, out) => {
      if (e !== null) {
        reject(new Error(`wrk failed: ${e.message}\n${out}`));
        return;
      }
      try {
        resolve(parseWrk(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Parses wrk's summary and the shell's stat line. */
function parseWrk(out: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(out);
  if (total === null) throw new Error(`cannot read wrk's output:\n${out}`);
  const requests = Number(total[1]);
  const seconds = Number(total[2]) * (UNIT_SECONDS[total[3] as string] as number);
  let errors = 0;
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  if (socket !== null) for (let i = 1; i <= 4; i++) errors += Number(socket[i]);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx !== null) errors += Number(non2xx[1]);
  let wrkCpuMicros = Number.NaN;
  const stat = /WRK-STAT (.*)/.exec(out);
  if (stat !== null) {
    // Fields after "pid (comm) ": state is field 3; cutime and cstime are fields 16 and 17.
    const rest = (stat[1] as string).slice((stat[1] as string).lastIndexOf(")") + 2).split(" ");
    const ticks = Number(rest[13]) + Number(rest[14]);
    wrkCpuMicros = (ticks / TICKS_PER_SECOND) * 1e6;
  }
  return { requests, seconds, errors, wrkCpuMicros };
}
