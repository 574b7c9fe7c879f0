/**
 * Deno child processes for the benchmark: bench/<file>.ts run with
 * `deno run`, pinned to a core. The process control (IPC request/reply,
 * pinning, `ready`) is the shared bench kit's
 * (packages/conformance/bench-kit/processes.ts): Deno implements both ends
 * of `node:child_process`'s IPC channel, so the driver (under Deno too)
 * talks to Deno children exactly as the Node and Bun drivers do to theirs.
 *
 * Children run the TypeScript sources as they are (Deno strips the types:
 * no bundling, no loader) with `--no-lock --no-check --no-prompt
 * --allow-net`, and `DENO_NO_UPDATE_CHECK=1` from the driver's
 * environment. Profiled ones also get `--allow-sys` (for `node:inspector`)
 * and `--allow-write` to their profile directory, which they are told
 * with a last argument `--profile-dir=DIR` (see profiler.ts).
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ChildMessage,
  type ChildProcess,
  pinned,
  startProcess,
} from "../../conformance/bench-kit/processes.ts";

/** This directory. */
export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The package directory (children run from here, so Deno finds its node_modules). */
export const PACKAGE_DIR = path.dirname(BENCH_DIR);

/** The `deno run` flags of every child. */
export const CHILD_FLAGS: readonly string[] = [
  "--no-lock",
  "--no-check",
  "--no-prompt",
  "--allow-net",
];

/** Options for {@link startDenoChild}. */
export interface DenoChildOptions {
  /** The core to pin to, or null. */
  readonly cpu: number | null;
  /** Profile the child into this directory (written when it exits), or null. */
  readonly profileDir?: string | null;
}

/** Starts `bench/<file>` under Deno and waits for its `ready` message. */
export function startDenoChild(
  file: string,
  args: readonly string[],
  options: DenoChildOptions,
): Promise<{ child: ChildProcess; ready: ChildMessage }> {
  const profileDir = options.profileDir ?? null;
  const flags = [...CHILD_FLAGS];
  const childArgs = [...args];
  if (profileDir !== null) {
    flags.push("--allow-sys", `--allow-write=${profileDir}`);
    childArgs.push(`--profile-dir=${profileDir}`);
  }
  const argv = [Deno.execPath(), "run", ...flags, path.join(BENCH_DIR, file), ...childArgs];
  return startProcess(pinned(options.cpu, argv), {
    cwd: PACKAGE_DIR,
    label: `deno ${file} ${args.join(" ")}`,
  });
}
