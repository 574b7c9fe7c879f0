/**
 * The events a {@link ServerSession} holds for the application until it
 * takes them (`takeEvents`), in order, with the body octets among them
 * counted (they count against `maxBufferedBytes`: read-flow.ts).
 *
 * It runs for every request, so it makes as few lists as it can: a lone
 * event is held as it is, and a list is made only when a second one joins
 * it — a request without body and its end (the usual pair) need one list
 * of two, made to size.
 */

import type { SessionEvent } from "./server-session-events.ts";
import { SessionSends } from "./server-session-sends.ts";

const NO_EVENTS: readonly SessionEvent[] = Object.freeze([]);

/** The application's event queue of a server session. See the module comment. */
export abstract class SessionEventQueue extends SessionSends {
  /**
   * Events the application has not taken: none (`null`: an idle
   * connection), one held alone, or a list of two or more.
   */
  private queued: SessionEvent | SessionEvent[] | null = null;
  /** Body octets in the queue the application has not taken yet. */
  protected queuedBytes = 0;

  /**
   * The events for the application, in order. Read-only. Taking body data
   * lets reading resume if it paused because the application fell behind.
   */
  takeEvents(): readonly SessionEvent[] {
    const queued = this.queued;
    if (queued === null) return NO_EVENTS;
    this.queued = null;
    const out = Array.isArray(queued) ? queued : [queued];
    if (this.queuedBytes > 0) {
      this.queuedBytes = 0;
      this.settle(this.timers.latest);
    }
    return out;
  }

  /** Events wait for the application. */
  protected get eventsQueued(): boolean {
    return this.queued !== null;
  }

  /** Queues one event for the application. */
  protected emit(ev: SessionEvent): void {
    const queued = this.queued;
    if (queued === null) this.queued = ev;
    else if (Array.isArray(queued)) queued.push(ev);
    else this.queued = [queued, ev];
  }
}
