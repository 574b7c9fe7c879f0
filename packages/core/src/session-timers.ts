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

/** The name of a session timer. */
export type SessionTimer = "head" | "idle" | "body";

/** How long each timer may run, in milliseconds (Infinity: never fires). */
export interface SessionTimerDurations {
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** Start times of the three session timers. See the module comment. */
export class SessionTimers {
  private head: number | null = null;
  private idle: number | null = null;
  private body: number | null = null;
  private readonly durations: SessionTimerDurations;

  constructor(durations: SessionTimerDurations) {
    this.durations = durations;
  }

  /** Starts `timer` at `now` if it is not running yet, or stops it. */
  run(timer: SessionTimer, running: boolean, now: number): void {
    const since = running ? (this[timer] ?? now) : null;
    this[timer] = since;
  }

  /** Restarts `timer` at `now` (progress was made). */
  restart(timer: SessionTimer, now: number): void {
    this[timer] = now;
  }

  /** Stops every timer. */
  clear(): void {
    this.head = this.idle = this.body = null;
  }

  /** The earliest deadline of the running timers, or `null`. */
  nextDeadline(): number | null {
    let at: number | null = null;
    for (const timer of ["head", "idle", "body"] as const) {
      const d = this.deadlineOf(timer);
      if (d !== null && (at === null || d < at)) at = d;
    }
    return at;
  }

  /** The timer whose deadline `now` has reached, if any (`head` first). */
  due(now: number): SessionTimer | null {
    for (const timer of ["head", "idle", "body"] as const) {
      const d = this.deadlineOf(timer);
      if (d !== null && now >= d) return timer;
    }
    return null;
  }

  private deadlineOf(timer: SessionTimer): number | null {
    const since = this[timer];
    const ms =
      timer === "head"
        ? this.durations.headersTimeoutMs
        : timer === "idle"
          ? this.durations.keepAliveTimeoutMs
          : this.durations.bodyTimeoutMs;
    return since === null || !Number.isFinite(ms) ? null : since + ms;
  }
}
