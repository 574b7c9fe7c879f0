/**
 * The few Node facilities the benchmark needs, typed locally.
 *
 * The core package has no `@types/node` (core is sans-I/O), so instead of
 * declaring Node's globals for the whole program this module reaches them
 * through `globalThis` and `process.getBuiltinModule` (Node ≥ 20.16) and
 * gives them narrow types. Bench code only; never imported by `src/`.
 */

/** `process.cpuUsage()` result, in microseconds. */
export interface CpuUsage {
  readonly user: number;
  readonly system: number;
}

interface NodeProcess {
  readonly argv: string[];
  readonly version: string;
  readonly platform: string;
  readonly arch: string;
  exitCode: number | undefined;
  cpuUsage(previous?: CpuUsage): CpuUsage;
  readonly hrtime: { bigint(): bigint };
  getBuiltinModule(id: string): unknown;
  readonly stdout: { write(text: string): boolean };
  readonly stderr: { write(text: string): boolean };
}

/** A Node `Buffer`: a `Uint8Array` that http-parser-js can decode with `toString`. */
export interface NodeBuffer extends Uint8Array {
  toString(encoding?: string, start?: number, end?: number): string;
}

interface BufferModule {
  readonly Buffer: {
    from(text: string, encoding: "latin1"): NodeBuffer;
    concat(list: readonly Uint8Array[]): NodeBuffer;
  };
}

interface ModuleModule {
  createRequire(from: string): (id: string) => unknown;
}

interface FsModule {
  mkdirSync(path: string, options: { recursive: boolean }): void;
  writeFileSync(path: string, data: string): void;
  readFileSync(path: string, encoding: "utf8"): string;
  readdirSync(path: string): string[];
}

interface CryptoModule {
  createHash(algorithm: "sha256"): {
    update(data: string): unknown;
    digest(encoding: "hex"): string;
  };
}

interface PathModule {
  dirname(path: string): string;
  join(...parts: string[]): string;
}

interface UrlModule {
  fileURLToPath(url: string): string;
}

interface OsModule {
  cpus(): { model: string }[];
  loadavg(): number[];
}

/** The running Node process. */
export const proc = (globalThis as unknown as { process: NodeProcess }).process;

if (proc === undefined || typeof proc.getBuiltinModule !== "function") {
  throw new Error("the parser benchmark needs Node >= 20.16 (process.getBuiltinModule)");
}

/** Node's `Buffer` constructor. */
export const NodeBufferCtor = (proc.getBuiltinModule("node:buffer") as BufferModule).Buffer;

/** `require` resolving from this directory (for CommonJS packages and `node:_http_common`). */
export const requireHere = (proc.getBuiltinModule("node:module") as ModuleModule).createRequire(
  (import.meta as unknown as { url: string }).url,
);

/** Synchronous file access (results file, profiles). */
export const fs = proc.getBuiltinModule("node:fs") as FsModule;

/** The 1, 5 and 15 minute load averages, for the results file. */
export function loadAverage(): number[] {
  return (proc.getBuiltinModule("node:os") as OsModule).loadavg();
}

/** CPU model, for the results file. */
export function cpuModel(): string {
  const cpus = (proc.getBuiltinModule("node:os") as OsModule).cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? "unknown"}`;
}

/**
 * A short fingerprint of the `.ts` files in a directory (relative to the bench
 * directory), to tie results to the code that produced them.
 */
export function sourceFingerprint(relativeDir: string): string {
  const dir = benchPath(relativeDir);
  const hash = (proc.getBuiltinModule("node:crypto") as CryptoModule).createHash("sha256");
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".ts")) continue;
    hash.update(name);
    hash.update(fs.readFileSync(`${dir}/${name}`, "utf8"));
  }
  return hash.digest("hex").slice(0, 12);
}

/** Monotonic clock in nanoseconds. */
export function nowNs(): bigint {
  return proc.hrtime.bigint();
}

/** An absolute path relative to the bench directory. */
export function benchPath(...parts: string[]): string {
  const path = proc.getBuiltinModule("node:path") as PathModule;
  const url = proc.getBuiltinModule("node:url") as UrlModule;
  const here = path.dirname(url.fileURLToPath((import.meta as unknown as { url: string }).url));
  return path.join(here, ...parts);
}
