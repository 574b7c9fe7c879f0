/**
 * Child processes for the benchmark: every server, origin and load generator
 * runs in its own process, pinned to a core when `taskset` is there, so the
 * process under test and the one loading it never share a CPU.
 *
 * Children are bundled from TypeScript into plain ESM first and talk to the parent over Node's IPC channel with a tiny request/reply protocol
 * ({@link ChildProcess.call}); their replies carry their own
 * `process.cpuUsage()`, so CPU time is read in the process that spent it.
 */
import { execFileSync, type ChildProcess as NodeChild, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** This directory. */
export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The package directory (children run from here). */
export const PACKAGE_DIR = path.dirname(BENCH_DIR);

/** A message to a child; `id` pairs it with the reply. */
export interface ChildMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Whether `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const canPin = hasCommand("taskset") && os.cpus().length > 1;

/** `argv` prefixed with `taskset -c CPU` when pinning is possible. */
export function pinned(cpu: number | null, argv: readonly string[]): string[] {
  return cpu === null || !canPin ? [...argv] : ["taskset", "-c", String(cpu), ...argv];
}

/** Whether children are pinned to cores. */
export function pinning(): boolean {
  return canPin;
}

/** Options for {@link startChild}. */
export interface ChildOptions {
  /** The core to pin to, or null. */
  readonly cpu: number | null;
  /** Extra node flags (e.g. `--expose-gc`, `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
}

/** A TypeScript child process under the parent's control. */
export class ChildProcess {
  readonly process: NodeChild;
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: ChildMessage) => void>();
  private readonly exited: Promise<number | null>;
  private failure: Error | null = null;
  /** The child's unsolicited `ready` message, sent once it is set up. */
  readonly ready: Promise<ChildMessage>;

  constructor(child: NodeChild, label: string) {
    this.process = child;
    let announce: (message: ChildMessage) => void = () => {};
    this.ready = new Promise((resolve) => {
      announce = resolve;
    });
    child.on("message", (message: ChildMessage & { id?: number }) => {
      if (message.type === "ready" && message.id === undefined) announce(message);
      const resolve = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (resolve === undefined) return;
      this.waiting.delete(message.id as number);
      resolve(message);
    });
    this.exited = new Promise((resolve) => {
      child.on("exit", (code) => {
        this.failure ??= new Error(`${label} exited (code ${code})`);
        for (const w of this.waiting.values()) w({ type: "error", message: this.failure.message });
        this.waiting.clear();
        announce({ type: "error", message: this.failure.message });
        resolve(code);
      });
    });
  }

  /** Sends a message and resolves with the child's reply (rejects on `type: "error"`). */
  call<T>(message: ChildMessage): Promise<T> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (reply) => {
        if (reply.type === "error") reject(new Error(String(reply.message)));
        else resolve(reply as T);
      });
      this.process.send({ ...message, id });
    });
  }

  /** Asks the child to exit and waits (a profile is written on the way out). */
  async stop(): Promise<void> {
    if (this.failure === null) {
      this.process.send({ type: "exit", id: 0 });
      const timer = setTimeout(() => this.process.kill("SIGKILL"), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
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
 * Starts `bench/<file>` (bundled, see {@link bundled}) under Node, with
 * `ulimit -n` raised (for the idle-connection test), and waits for its
 * `ready` message.
 */
export async function startChild(
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
  const proc = spawn("sh", ["-c", 'ulimit -n 65536 2>/dev/null; exec "$@"', "sh", ...argv], {
    cwd: PACKAGE_DIR,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const child = new ChildProcess(proc, `${file} ${args.join(" ")}`);
  const ready = await child.ready;
  if (ready.type === "error") throw new Error(String(ready.message));
  return { child, ready };
}

/** A free TCP port on 127.0.0.1 (for programs that cannot report the one they picked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The child's side: announces `ready` (with `facts`), then answers the
 * parent's messages with `handler`'s result (plus the message id); `exit`
 * ends the process.
 */
export function serveParent(
  facts: Record<string, unknown>,
  handler: (message: ChildMessage) => Promise<Record<string, unknown>> | Record<string, unknown>,
): void {
  process.on("message", (message: ChildMessage & { id: number }) => {
    if (message.type === "exit") {
      process.exit(0);
    }
    Promise.resolve()
      .then(() => handler(message))
      .then(
        (reply) => process.send?.({ type: "ok", ...reply, id: message.id }),
        (error: unknown) =>
          process.send?.({
            type: "error",
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
            id: message.id,
          }),
      );
  });
  process.send?.({ ...facts, type: "ready" });
}

/** CPU time (user + system) of this process, in microseconds. */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
