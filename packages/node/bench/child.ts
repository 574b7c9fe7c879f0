/**
 * Node child processes for the benchmark: bench/<file>.ts is bundled into
 * plain ESM and run with `node`, pinned to a core. The process control
 * itself (IPC request/reply, pinning, `ready`) is the shared bench kit's
 * (packages/conformance/bench-kit/processes.ts).
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
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

/** The package directory (children run from here). */
export const PACKAGE_DIR = path.dirname(BENCH_DIR);

/** Options for {@link startChild}. */
export interface ChildOptions {
  /** The core to pin to, or null. */
  readonly cpu: number | null;
  /** Extra node flags (e.g. `--expose-gc`, `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
}

/** The part of esbuild's API used here (esbuild comes with tsx). */
interface Esbuild {
  buildSync(options: Record<string, unknown>): { errors: unknown[] };
}

const bundles = new Map<string, string>();
let bundleDir: string | null = null;
let keepBundles = false;

/** Writes the bundles into `dir` and keeps them (to read profiles against). */
export function keepBundlesIn(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  bundleDir = dir;
  keepBundles = true;
}

/**
 * Bundles `bench/<file>` with everything it imports (our packages' sources,
 * undici) into one plain ESM file, once per run. The children run that file
 * with plain `node`: no loader in the process under test, and none of the
 * `__name()` wrappers tsx adds to every function (which would cost every
 * closure created per request) — close to running the built package.
 */
function bundled(file: string): string {
  const done = bundles.get(file);
  if (done !== undefined) return done;
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve("tsx/package.json"));
  const esbuild = requireFromTsx("esbuild") as Esbuild;
  bundleDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "tether-bench-"));
  const outfile = path.join(bundleDir, file.replace(/\.ts$/, ".mjs"));
  esbuild.buildSync({
    entryPoints: [path.join(BENCH_DIR, file)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    // CommonJS dependencies (undici) call require() for Node's modules.
    banner: {
      js: 'import { createRequire as __benchRequire } from "node:module"; const require = __benchRequire(import.meta.url);',
    },
  });
  bundles.set(file, outfile);
  return outfile;
}

/** Removes the bundles made by {@link startChild}. */
export function removeBundles(): void {
  if (bundleDir !== null && !keepBundles) fs.rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = null;
  bundles.clear();
}

/**
 * Starts `bench/<file>` (bundled, see {@link bundled}) under Node, pinned to
 * `options.cpu`, and waits for its `ready` message.
 */
export function startChild(
  file: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<{ child: ChildProcess; ready: ChildMessage }> {
  const argv = pinned(options.cpu, [
    process.execPath,
    ...(options.nodeFlags ?? []),
    bundled(file),
    ...args,
  ]);
  return startProcess(argv, { cwd: PACKAGE_DIR, label: `${file} ${args.join(" ")}` });
}
