/**
 * The load half of the adapters' `bench/profile.ts` scripts: the command
 * line's options, and the load each profile is taken under — GETs from a
 * client child against the origin, or wrk against a server child. Each
 * adapter keeps only how it starts its children and reads its profiles.
 */
import type { ChildProcess } from "./processes.ts";
import { runWrk } from "./wrk.ts";

/** `--name value` from `argv`, or `fallback`. */
export function profileOption(argv: readonly string[]): (name: string, fallback: string) => string {
  return (name, fallback) => {
    const i = argv.indexOf(name);
    return i < 0 ? fallback : (argv[i + 1] ?? fallback);
  };
}

/**
 * Keeps a client child busy with batches of 5,000 GETs, 50 in flight, for
 * `seconds`; returns the line that says how many it made.
 */
export async function loadClient(child: ChildProcess, seconds: number): Promise<string> {
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < seconds * 1000) {
    await child.call({ type: "run", count: 5000, concurrency: 50 });
    n += 5000;
  }
  return `${n} requests in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

/**
 * wrk against the server on `port` (50 connections, core 0) for `seconds`,
 * pipelined ×10 when asked; returns the line that says how many it made.
 */
export async function loadServer(
  port: number,
  seconds: number,
  pipelined: boolean,
): Promise<string> {
  const result = await runWrk({
    url: `http://127.0.0.1:${port}/`,
    connections: 50,
    seconds,
    cpu: 0,
    ...(pipelined ? { script: "pipeline.lua" } : {}),
  });
  return `${result.requests} requests in ${result.seconds} s`;
}
