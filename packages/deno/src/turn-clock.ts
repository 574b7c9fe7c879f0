/**
 * The time of socket events on Deno, read once per turn of the event loop.
 *
 * Deno's `performance.now()` is a native call behind a brand check, about
 * as costly as a tenth of a small keep-alive exchange's JavaScript, and the
 * server stamps every read with the time. Deno delivers completed reads in
 * batches: every operation that completed while the event loop polled is
 * resolved in one go, and their continuations run in the microtask
 * checkpoint that follows. So the clock is read at the first event of a
 * checkpoint and the value kept until the checkpoint ends (a microtask
 * queued behind the batch forgets it). Every later event of the same
 * checkpoint had arrived before the checkpoint began, hence before the
 * reading: its stamp lies between its arrival and its handling, as a fresh
 * reading's would (only closer to the arrival). The next checkpoint reads
 * afresh, so stamps never decrease and a long idle gap is never hidden.
 * Timers (the deadline queue) read the clock themselves.
 */

/** A clock that reads `read` at most once per microtask checkpoint (`later` runs a task after it). */
export function turnClock(
  read: () => number,
  later: (task: () => void) => void = queueMicrotask,
): () => number {
  let held = false;
  let at = 0;
  const forget = (): void => {
    held = false;
  };
  return () => {
    if (held) return at;
    at = read();
    held = true;
    later(forget);
    return at;
  };
}

/** Whole milliseconds on the monotonic clock for the Deno layer's socket events. */
export const eventTime: () => number = turnClock(() => Math.floor(performance.now()));
