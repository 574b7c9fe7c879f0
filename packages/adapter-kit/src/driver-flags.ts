/**
 * The small state of a {@link ServerConnectionDriver}: its yes/no facts as
 * bits of one number, and the part it rarely needs, made on demand. A
 * server holds a driver per connection, most of them idle, and each field
 * would cost a word in every one of them.
 */
import type { SocketHandlers } from "./socket-layer.ts";

/** The rarely needed part of a driver, made when first needed. */
export interface DriverRare {
  /** Writers waiting for `drain`. */
  drainWaiters: (() => void)[] | null;
  /**
   * The handler's, given by takeOver(): waiting for the session to switch,
   * then (`switched`) every socket event goes there.
   */
  tunnel: SocketHandlers | null;
}

/** Bits of {@link DriverFlags.flags}: inside run() (see `running`). */
export const RUNNING = 1;
/** run() must go round once more (see `again`). */
export const AGAIN = 2;
/** The socket refused more data (see `blocked`). */
export const BLOCKED = 4;
/** Bytes were written since the session was last told (see `unflushed`). */
export const UNFLUSHED = 8;
/** A request body stream is full (see `bodyFull`). */
export const BODY_FULL = 16;
/** The connection closed as far as the server is concerned (see `closedOnce`). */
export const CLOSED = 32;
const SWITCHED = 64;

/**
 * The driver's flags. See the module comment. Each setter writes its bit
 * itself: through one shared helper V8 did not inline, the setters cost
 * a call each, several times per request. The driver's run loop, which
 * tests and sets several of them on every turn, reads and writes
 * {@link flags} with the bits above instead: V8 did not inline the setters
 * there either (about 300 instructions per request, counted with callgrind).
 */
export abstract class DriverFlags {
  /** The bits above; the accessors below name them one by one. */
  protected flags = 0;
  /** What is rarely needed, made when it first is: most connections never hold it. */
  protected rare: DriverRare | null = null;

  /** Inside run(): re-entrant calls are folded into it. */
  protected get running(): boolean {
    return (this.flags & RUNNING) !== 0;
  }
  protected set running(on: boolean) {
    this.flags = on ? this.flags | RUNNING : this.flags & ~RUNNING;
  }

  /** run() must go round once more. */
  protected get again(): boolean {
    return (this.flags & AGAIN) !== 0;
  }
  protected set again(on: boolean) {
    this.flags = on ? this.flags | AGAIN : this.flags & ~AGAIN;
  }

  /** The socket refused more data; waiting for `drain`. */
  protected get blocked(): boolean {
    return (this.flags & BLOCKED) !== 0;
  }
  protected set blocked(on: boolean) {
    this.flags = on ? this.flags | BLOCKED : this.flags & ~BLOCKED;
  }

  /** Bytes were written since the session was last told they went through. */
  protected get unflushed(): boolean {
    return (this.flags & UNFLUSHED) !== 0;
  }
  protected set unflushed(on: boolean) {
    this.flags = on ? this.flags | UNFLUSHED : this.flags & ~UNFLUSHED;
  }

  /** A request body stream is full: events wait until it is read. */
  protected get bodyFull(): boolean {
    return (this.flags & BODY_FULL) !== 0;
  }
  protected set bodyFull(on: boolean) {
    this.flags = on ? this.flags | BODY_FULL : this.flags & ~BODY_FULL;
  }

  /** The connection closed (or was handed to a new protocol) as far as the server is concerned. */
  protected get closedOnce(): boolean {
    return (this.flags & CLOSED) !== 0;
  }
  protected set closedOnce(on: boolean) {
    this.flags = on ? this.flags | CLOSED : this.flags & ~CLOSED;
  }

  /** The connection switched protocols: every socket event goes to the handler's handlers. */
  protected get switched(): boolean {
    return (this.flags & SWITCHED) !== 0;
  }
  protected set switched(on: boolean) {
    this.flags = on ? this.flags | SWITCHED : this.flags & ~SWITCHED;
  }

  // --- the rare part ----------------------------------------------------------------

  protected rareState(): DriverRare {
    this.rare ??= { drainWaiters: null, tunnel: null };
    return this.rare;
  }

  /** The handlers the socket was handed to (only once takeOver() gave them). */
  protected get tunnel(): SocketHandlers {
    return (this.rare as DriverRare).tunnel as SocketHandlers;
  }

  /** Resolves every writer waiting for `drain`. */
  protected wakeWriters(): void {
    const rare = this.rare;
    const waiters = rare?.drainWaiters ?? null;
    if (waiters === null) return;
    (rare as DriverRare).drainWaiters = null;
    for (const w of waiters) w();
  }
}
