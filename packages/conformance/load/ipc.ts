/**
 * The line protocol between the load orchestrator and its child processes:
 * the parent writes one command per line on the child's stdin; the child
 * answers with `@@{json}` lines on stdout (anything else on stdout or
 * stderr is passed through as log). Works the same under Node, Bun and
 * Deno (node:child_process in the parent, node:readline in the child).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** A message from a child: `type` plus any fields. */
export interface Message {
  readonly type: string;
  readonly [field: string]: unknown;
}

const PREFIX = "@@";

// --- child side ----------------------------------------------------------------------

/** Sends a message to the parent. */
export function tell(message: Message): void {
  process.stdout.write(`${PREFIX}${JSON.stringify(message)}\n`);
}

/** Calls `handle` for every command line from the parent; `handle` for "eof" when stdin ends. */
export function listen(handle: (command: string) => void | Promise<void>): void {
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => void handle(line.trim()));
  lines.on("close", () => void handle("eof"));
}

/** The value of `--name value` in the arguments, or `fallback`. */
export function arg(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? (args[i + 1] as string) : fallback;
}

// --- parent side ---------------------------------------------------------------------

/** A child process speaking the protocol. */
export class Child {
  readonly process: ChildProcess;
  readonly name: string;
  private readonly inbox: Message[] = [];
  private waiters: (() => void)[] = [];
  private exitCode: number | null | undefined;

  constructor(name: string, command: string, args: readonly string[], cwd: string) {
    this.name = name;
    // Raise the soft limit on open files to the hard limit, then run the command.
    this.process = spawn(
      "sh",
      ["-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', "sh", command, ...args],
      {
        cwd,
        stdio: ["pipe", "pipe", "inherit"],
        env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
      },
    );
    const out = createInterface({ input: this.process.stdout as NodeJS.ReadableStream });
    out.on("line", (line) => {
      if (line.startsWith(PREFIX)) {
        this.inbox.push(JSON.parse(line.slice(PREFIX.length)) as Message);
        this.wake();
      } else if (line.length > 0) process.stderr.write(`[${name}] ${line}\n`);
    });
    this.process.on("exit", (code) => {
      this.exitCode = code;
      this.wake();
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** The exit code once exited, else undefined. */
  get exited(): number | null | undefined {
    return this.exitCode;
  }

  send(command: string): void {
    this.process.stdin?.write(`${command}\n`);
  }

  /** The next message of `type` (earlier ones of other types are kept). Fails if the child exits or `ms` pass. */
  async next(type: string, ms = 60_000): Promise<Message> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as Message;
      if (this.exitCode !== undefined) {
        throw new Error(`${this.name} exited (${this.exitCode}) while waiting for "${type}"`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends `command` and waits for the answer of `type`. */
  ask(command: string, type: string, ms?: number): Promise<Message> {
    this.send(command);
    return this.next(type, ms);
  }

  /** Waits for the exit (killing it after `ms`). */
  async stop(ms = 10_000): Promise<void> {
    this.process.stdin?.end();
    if (this.exitCode !== undefined) return;
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    const t = setTimeout(() => this.process.kill("SIGKILL"), ms);
    await exited;
    clearTimeout(t);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
