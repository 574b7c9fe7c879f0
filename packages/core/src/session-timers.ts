/**
 * The timers of a server connection, as start times on the caller's clock
 * (no real timers in core). A {@link ServerSession} says which timers run
 * after every input; this module remembers since when, and which deadline
 * comes first.
 *
 * | timer  | runs while                                              | on expiry (ServerSession)                                      |
 * |--------|---------------------------------------------------------|----------------------------------------------------------------|
 * | `head` | part of a request head is held and more is awaited      | 408 and close if nothing is owed before it, else close after the owed responses (RFC 9110 §15.5.9) |
 * | `idle` | nothing owed, read, buffered or unflushed               | close gracefully, no response (RFC 9112 §9.5)                 |
 * | `body` | a request body is being read and we are not pausing it  | drop the connection, gracefully                                |
 *
 * A timer that keeps running keeps its start time; one that stops forgets
 * it. At most one of `head`, `idle` and `body` runs at a time.
 */

import type { ServerConnection } from "./server-connection.ts";

/** The name of a session timer. */
export type SessionTimer = "head" | "idle" | "body";

/** How long each timer may run, in milliseconds (Infinity: never fires). */
export interface SessionTimerDurations {
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/**
 * Start times of the three session timers. See the module comment. Plain
 * fields and branches, no lookups by name: it runs after every input.
 */
export class SessionTimers {
  private head: number | null = null;
  private idle: number | null = null;
  private body: number | null = null;
  /** The latest time the session was given (for work done when the application takes events). */
  latest = 0;
  /** Shared by every session of a server (read, never copied: an idle connection stays small). */
  private readonly durations: SessionTimerDurations;

  constructor(durations: SessionTimerDurations) {
    this.durations = durations;
  }

  /** Starts `timer` at `now` if it is not running yet, or stops it. */
  run(timer: SessionTimer, running: boolean, now: number): void {
    if (timer === "head") this.head = running ? (this.head ?? now) : null;
    else if (timer === "idle") this.idle = running ? (this.idle ?? now) : null;
    else this.body = running ? (this.body ?? now) : null;
  }

  /** Restarts `timer` at `now` (progress was made). */
  restart(timer: SessionTimer, now: number): void {
    if (timer === "head") this.head = now;
    else if (timer === "idle") this.idle = now;
    else this.body = now;
  }

  /**
   * While the connection is open: runs `head` while a head is arriving and
   * `idle` while nothing is owed, read, buffered or unflushed (`body` is the
   * session's call). Returns whether a head is in progress.
   */
  follow(conn: ServerConnection, writesPending: boolean, now: number): boolean {
    const headInProgress = conn.headInProgress;
    this.run("head", headInProgress, now);
    const idle =
      conn.state === "open" &&
      conn.pendingResponses === 0 &&
      !conn.readingBody &&
      conn.buffered === 0 &&
      !writesPending;
    this.run("idle", idle, now);
    return headInProgress;
  }

  /** When the idle timer started, if it is the only one running; otherwise `null`. */
  get idleOnlySince(): number | null {
    return this.head === null && this.body === null ? this.idle : null;
  }

  /** Stops every timer. */
  clear(): void {
    this.head = this.idle = this.body = null;
  }

  /** The earliest deadline of the running timers, or `null`. */
  nextDeadline(): number | null {
    const d = this.durations;
    const h = deadline(this.head, d.headersTimeoutMs);
    const i = deadline(this.idle, d.keepAliveTimeoutMs);
    const b = deadline(this.body, d.bodyTimeoutMs);
    const at = Math.min(h, i, b);
    return at === Number.POSITIVE_INFINITY ? null : at;
  }

  /** The timer whose deadline `now` has reached, if any (`head` first). */
  due(now: number): SessionTimer | null {
    const d = this.durations;
    if (now >= deadline(this.head, d.headersTimeoutMs)) return "head";
    if (now >= deadline(this.idle, d.keepAliveTimeoutMs)) return "idle";
    if (now >= deadline(this.body, d.bodyTimeoutMs)) return "body";
    return null;
  }
}

/** A timer's deadline; Infinity when it is not running or never fires. */
function deadline(since: number | null, ms: number): number {
  return since === null ? Number.POSITIVE_INFINITY : since + ms;
}
