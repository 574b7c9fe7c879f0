/**
 * Time for core. Core takes time as a number in milliseconds; the adapters
 * read it from the monotonic clock (never the wall clock, which can jump)
 * and arm one timer per server for its connections' deadlines
 * (deadline-queue.ts), one per client for its pool's.
 */

/** Milliseconds on the monotonic clock. */
export const now: () => number = () => performance.now();

/**
 * Whole milliseconds on the monotonic clock, for server sessions: their
 * timers count whole milliseconds anyway, and a small integer is stored in
 * an object as is, where a fractional one is a heap number of its own — on
 * every request, and in every idle connection's timer fields.
 */
export const wholeMs: () => number = () => Math.floor(performance.now());

/**
 * One re-armable timer for a driver's next deadline. Arming it again with
 * the same deadline costs nothing, so a driver can be re-armed after every
 * input without churning timers.
 */
export class DeadlineTimer {
  private handle: ReturnType<typeof setTimeout> | undefined;
  private at = Number.POSITIVE_INFINITY;
  private readonly fire: (now: number) => void;
  private readonly keepAlive: boolean;
  private armedKeepAlive = true;

  /**
   * @param fire called with the current time when the deadline passes
   * @param keepAlive whether a pending timer keeps the process alive
   *   (servers: yes; idle client pools: no)
   */
  constructor(fire: (now: number) => void, keepAlive = true) {
    this.fire = fire;
    this.keepAlive = keepAlive;
  }

  /**
   * Arms for `deadline` (monotonic ms), or disarms when it is `null`.
   * `keepAlive` overrides the constructor's choice for this arming (a client
   * keeps the process alive while requests wait, not for idle sockets).
   */
  arm(deadline: number | null, keepAlive = this.keepAlive): void {
    if (deadline === null) {
      this.clear();
      return;
    }
    if (deadline === this.at && keepAlive === this.armedKeepAlive) return;
    this.clear();
    this.at = deadline;
    this.armedKeepAlive = keepAlive;
    this.handle = setTimeout(this.onTimeout, Math.max(0, Math.ceil(deadline - now())));
    if (!keepAlive) unref(this.handle);
  }

  clear(): void {
    if (this.handle !== undefined) clearTimeout(this.handle);
    this.handle = undefined;
    this.at = Number.POSITIVE_INFINITY;
  }

  private readonly onTimeout = (): void => {
    this.handle = undefined;
    this.at = Number.POSITIVE_INFINITY;
    this.fire(now());
  };
}

/** Lets the process exit while the timer is pending (Node and Bun timers have `unref`). */
function unref(handle: unknown): void {
  if (typeof handle === "object" && handle !== null && "unref" in handle) {
    (handle as { unref(): void }).unref();
  }
}
