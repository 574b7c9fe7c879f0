/**
 * Child processes for the adapters' benchmarks: every server, origin and
 * load generator runs in its own process, pinned to a core when `taskset` is
 * there, so the process under test and the one loading it never share a CPU.
 *
 * Runtime-neutral: the parent and the children may be Node or Bun (both
 * implement `node:child_process` with an IPC channel). Children talk to the
 * parent with a tiny request/reply protocol ({@link ChildProcess.call}); their
 * replies carry their own CPU time, so CPU time is read in the process that
 * spent it. How a child is launched (bundled for Node, TypeScript as it is
 * for Bun) is the adapter's business: it hands {@link startProcess} an argv.
 */
import { execFileSync, type ChildProcess as NodeChild, spawn } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";

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

/** A child process under the parent's control. */
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

/** Options of {@link startProcess}. */
export interface StartProcessOptions {
  /** The working directory of the child. */
  readonly cwd: string;
  /** Names the child in errors. */
  readonly label: string;
}

/**
 * Runs `argv` (already {@link pinned} if it should be) with `ulimit -n`
 * raised (for idle-connection tests) and an IPC channel, and waits for its
 * `ready` message (see {@link serveParent}).
 */
export async function startProcess(
  argv: readonly string[],
  options: StartProcessOptions,
): Promise<{ child: ChildProcess; ready: ChildMessage }> {
  const proc = spawn("sh", ["-c", 'ulimit -n 65536 2>/dev/null; exec "$@"', "sh", ...argv], {
    cwd: options.cwd,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const child = new ChildProcess(proc, options.label);
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

/** CPU time (user + system, every thread) of this process, in microseconds. */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}
