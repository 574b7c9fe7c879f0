/**
 * CPU profiles of Deno children. Deno 2.9 has no `--cpu-prof`, but it
 * implements `node:inspector`'s `Session` (under `--allow-sys`), whose
 * `Profiler` domain gives the same `.cpuprofile` JSON as `node --cpu-prof`,
 * which packages/core/bench/profile-summary.ts summarises.
 *
 * A child started with a last argument `--profile-dir=DIR` (see
 * deno-child.ts) calls {@link childProfiling} first: profiling starts at
 * once and the profile is written to `DIR/<label>-<pid>.cpuprofile` when
 * the process exits. The bench kit's `serveParent` ends the process with
 * `process.exit()` when the parent says `exit`, and stopping the profiler
 * is asynchronous, so `process.exit` is wrapped (in profiled children
 * only) to write the profile before exiting.
 */
import { Session } from "node:inspector";

/** Sampling interval, in microseconds (V8's default is 1000). */
const SAMPLING_US = 250;

/** Starts profiling if asked to by `--profile-dir=DIR`; returns the other arguments. */
export async function childProfiling(label: string, args: readonly string[]): Promise<string[]> {
  const flag = "--profile-dir=";
  const dir = args.find((a) => a.startsWith(flag))?.slice(flag.length);
  if (dir !== undefined) await startProfiler(`${dir}/${label}-${Deno.pid}.cpuprofile`);
  return args.filter((a) => !a.startsWith(flag));
}

async function startProfiler(file: string): Promise<void> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}): Promise<T> =>
    new Promise((resolve, reject) => {
      session.post(method, params, (error: Error | null, result: unknown) => {
        if (error) reject(error);
        else resolve(result as T);
      });
    });
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: SAMPLING_US });
  await post("Profiler.start");
  const exit = process.exit.bind(process);
  let stopping = false;
  process.exit = ((code?: number) => {
    if (stopping) return undefined as never;
    stopping = true;
    post<{ profile: unknown }>("Profiler.stop")
      .then(({ profile }) => Deno.writeTextFile(file, JSON.stringify(profile)))
      .catch((error: unknown) => console.error(`profile not written: ${String(error)}`))
      .finally(() => exit(code));
    return undefined as never;
  }) as typeof process.exit;
}
