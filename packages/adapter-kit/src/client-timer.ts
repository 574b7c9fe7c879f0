/**
 * The one timer of a client (client.ts): armed for its pool's next
 * deadline, re-armed after every batch of pool inputs.
 *
 * A later deadline than the one armed keeps the armed timer (it fires
 * early, finds nothing due and re-arms), so that the idle deadline moving
 * on after every response costs no timer. Pending requests keep the
 * process alive; idle pooled sockets do not.
 *
 * The armed time stays no later than every deadline the pool holds: after
 * the timer fires (or is cleared) and when whether it keeps the process
 * alive changes, it is taken from `ClientPool.nextDeadline()`, which looks at
 * every connection; in between, from the deadlines set since
 * (`ClientPool.takeNewDeadline()`), which costs nothing per connection.
 */
import type { ClientPool } from "@tether/core";
import { DeadlineTimer } from "./clock.ts";

/** See the module comment. */
export class PoolTimer {
  private readonly pool: ClientPool;
  private readonly timer: DeadlineTimer;
  /** The deadline the timer is armed for, and whether it keeps the process alive. */
  private armedAt: number | null = null;
  private armedKeepAlive = false;
  /** The next arming asks the pool for its next deadline. */
  private rescan = true;

  /** `fire`: called with the time when the timer fires (the pool's `tick`, then a batch). */
  constructor(pool: ClientPool, fire: (now: number) => void) {
    this.pool = pool;
    this.timer = new DeadlineTimer((t) => {
      this.armedAt = null;
      this.rescan = true;
      fire(t);
    }, false);
  }

  /** Arms for the pool's next deadline; `keepAlive` while requests are pending. */
  arm(keepAlive: boolean): void {
    const fresh = this.pool.takeNewDeadline();
    const armed = this.armedAt;
    let deadline: number | null;
    if (this.rescan || keepAlive !== this.armedKeepAlive) {
      this.rescan = false;
      deadline = this.pool.nextDeadline();
    } else {
      // No deadline held is earlier than `armed` (or, unarmed, none is held).
      if (fresh === null || (armed !== null && armed <= fresh)) return;
      deadline = fresh;
    }
    if (deadline === null) {
      if (armed !== null) this.timer.clear();
      this.armedAt = null;
      this.armedKeepAlive = keepAlive;
      return;
    }
    if (armed !== null && armed <= deadline && keepAlive === this.armedKeepAlive) return;
    this.timer.arm(deadline, keepAlive);
    this.armedAt = deadline;
    this.armedKeepAlive = keepAlive;
  }

  /** Disarms; the next {@link arm} asks the pool afresh. */
  clear(): void {
    this.timer.clear();
    this.armedAt = null;
    this.rescan = true;
  }
}
