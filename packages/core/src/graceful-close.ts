/**
 * Closing a socket without destroying what we just sent (RFC 9112 §9.6).
 *
 * If a host closes a TCP socket while unread input sits in its receive
 * buffer, or input arrives afterwards, its kernel answers with a reset, and
 * a reset makes the peer's kernel discard data the peer has not read yet —
 * typically the very response we just sent (an early 413, a 400, the last
 * response of a `Connection: close` exchange). RFC 9112 §9.6 therefore asks
 * for a staged close: "a server that closes the connection SHOULD first
 * shut down its write side ('half-close'), then continue reading from the
 * connection until it receives a corresponding close from the client, or
 * until the server is reasonably certain that its own TCP stack has received
 * the client's acknowledgement of the packet(s) containing the server's last
 * response", and only then close fully. The same holds for a client.
 *
 * {@link GracefulClose} is that sequence for one socket, as a state machine:
 *
 * | state             | input                      | next              | actions          |
 * |-------------------|----------------------------|-------------------|------------------|
 * | `open`            | `wrote`                    | `open`            | —                |
 * | `open`            | `writesFlushed`            | `open`            | —                |
 * | `open`            | `peerEnded`                | `open`            | — (remembered)   |
 * | `open`            | `begin`, writes pending    | `draining-writes` | —                |
 * | `open`            | `begin`, flushed, peer on  | `half-closed`     | `shutdown-write` |
 * | `open`            | `begin`, flushed, peer FIN | `closed`          | `close`          |
 * | `draining-writes` | `writesFlushed`, peer on   | `half-closed`     | `shutdown-write` |
 * | `draining-writes` | `writesFlushed`, peer FIN  | `closed`          | `close`          |
 * | `draining-writes` | `peerEnded`                | `draining-writes` | — (remembered)   |
 * | `draining-writes` | drain deadline passed      | `closed`          | `close`          |
 * | `half-closed`     | `peerEnded`                | `closed`          | `close`          |
 * | `half-closed`     | linger deadline passed     | `closed`          | `close`          |
 * | draining/half     | `received`, within budget  | (same)            | — (discarded)    |
 * | draining/half     | `received`, over budget    | `closed`          | `close`          |
 * | any but `closed`  | `abort`                    | `closed`          | `close`          |
 * | `closed`          | anything                   | `closed`          | —                |
 *
 * "Peer FIN" means the peer already closed its write side: nothing more can
 * arrive, so a full close cannot provoke a reset and needs no linger.
 * While draining and half-closed the caller keeps reading and reports every
 * byte with `received` (and discards it). `wrote` after `begin` is a
 * {@link UsageError}: nothing may be sent once the close has begun.
 */
import { UsageError } from "./errors.ts";
import type { SocketAction, SocketId } from "./socket-actions.ts";

/** Where a {@link GracefulClose} is (see the table in the module comment). */
export type GracefulCloseState = "open" | "draining-writes" | "half-closed" | "closed";

/** Bounds of the lingering close. All optional; an infinite time arms no deadline. */
export interface GracefulCloseOptions {
  /**
   * How long we keep reading (and discarding) after our FIN, waiting for the
   * peer's. Default 2000 ms: a well-behaved peer ends the wait much sooner
   * with its own FIN, one round trip after reading our last response, so the
   * deadline only matters for peers that never close. 2 s covers several
   * round trips of a slow mobile path plus a delayed ACK — more than Go's
   * fixed 500 ms `rstAvoidanceDelay` (a blind sleep meant for fast links) and
   * less than nginx's `lingering_timeout` of 5 s, so a shutdown or a
   * per-client connection slot is not held long by a peer that never closes.
   */
  readonly lingerMs?: number;
  /**
   * Input we are willing to read and discard once the close has begun.
   * Default 256 KiB (the amount Go's server drains of an unread request
   * body): enough for the rest of a typical upload that a client keeps
   * sending before it notices our early response; a peer sending more is
   * flooding us and is cut off (a reset is then its own doing).
   */
  readonly lingerBytes?: number;
  /**
   * How long we wait for our last bytes to leave our write buffer before
   * giving up and closing. Default 30 000 ms, the spirit of nginx's
   * `send_timeout` (60 s between two writes) for a peer that stopped reading.
   */
  readonly drainTimeoutMs?: number;
}

/** Default bounds: see {@link GracefulCloseOptions}. */
export const DEFAULT_GRACEFUL_CLOSE: Readonly<Required<GracefulCloseOptions>> = Object.freeze({
  lingerMs: 2000,
  lingerBytes: 256 * 1024,
  drainTimeoutMs: 30_000,
});

const NO_ACTIONS: readonly SocketAction[] = Object.freeze([]);

/**
 * The close sequence of one socket (see the module comment). Every input
 * returns the actions to carry out, in order; {@link nextDeadline} says
 * when to call {@link tick}. Times are milliseconds on any monotonic clock.
 */
export class GracefulClose {
  private current: GracefulCloseState = "open";
  private pendingWrites = false;
  private peerFin = false;
  private discarded = 0;
  private deadline: number | null = null;
  private readonly socket: SocketId;
  /** Validated, and shared by every close made with the same options (one field, not three). */
  private readonly bounds: Required<GracefulCloseOptions>;

  constructor(socket: SocketId, options?: GracefulCloseOptions) {
    this.socket = socket;
    this.bounds = boundsOf(options);
  }

  /** Where the close sequence is. */
  get state(): GracefulCloseState {
    return this.current;
  }

  /** Bytes written that have not been reported flushed yet. */
  get writesPending(): boolean {
    return this.pendingWrites;
  }

  /** The peer closed its write side (we saw its FIN). */
  get peerClosed(): boolean {
    return this.peerFin;
  }

  /** Input octets read and discarded since the close began. */
  get discardedBytes(): number {
    return this.discarded;
  }

  /** When {@link tick} must next be called, or `null` when no deadline is armed. */
  nextDeadline(): number | null {
    return this.deadline;
  }

  /** We handed bytes to the socket; they are not flushed yet. */
  wrote(): void {
    if (this.current !== "open") {
      throw new UsageError("SEND_AFTER_CLOSE", `cannot write: the socket is ${this.current}`);
    }
    this.pendingWrites = true;
  }

  /**
   * Starts the graceful close: nothing more will be written. Idempotent
   * once begun.
   */
  begin(now: number): readonly SocketAction[] {
    if (this.current !== "open") return NO_ACTIONS;
    if (this.pendingWrites) {
      this.current = "draining-writes";
      this.deadline = after(now, this.bounds.drainTimeoutMs);
      return NO_ACTIONS;
    }
    return this.afterFlush(now);
  }

  /** Everything written so far left our write buffer (a drain). */
  writesFlushed(now: number): readonly SocketAction[] {
    this.pendingWrites = false;
    if (this.current !== "draining-writes") return NO_ACTIONS;
    return this.afterFlush(now);
  }

  /**
   * `byteCount` input octets arrived. Once the close has begun they are
   * discarded and count against the linger byte budget; while `open` the
   * caller handles them and this does nothing.
   */
  received(byteCount: number, now: number): readonly SocketAction[] {
    if (this.current !== "draining-writes" && this.current !== "half-closed") return NO_ACTIONS;
    this.discarded += byteCount;
    if (this.discarded > this.bounds.lingerBytes) return this.closeNow();
    return this.tick(now);
  }

  /** The peer closed its write side (FIN, EOF). */
  peerEnded(now: number): readonly SocketAction[] {
    this.peerFin = true;
    // RFC 9112 §9.6: the peer's close is what the half-closed side waits for.
    if (this.current === "half-closed") return this.closeNow();
    return this.tick(now);
  }

  /** Time passed: closes when the armed deadline is reached. */
  tick(now: number): readonly SocketAction[] {
    if (this.deadline !== null && now >= this.deadline) return this.closeNow();
    return NO_ACTIONS;
  }

  /**
   * Closes at once, skipping the graceful sequence: for a reset or failed
   * transport (nothing left to protect) or a caller that gives up. Returns
   * no action when already closed.
   */
  abort(): readonly SocketAction[] {
    if (this.current === "closed") return NO_ACTIONS;
    return this.closeNow();
  }

  /** Our bytes are out: half-close, or close outright when the peer is already gone. */
  private afterFlush(now: number): readonly SocketAction[] {
    if (this.peerFin) return this.closeNow();
    // RFC 9112 §9.6: "first shut down its write side ('half-close'), then
    // continue reading from the connection until it receives a
    // corresponding close from the client".
    this.current = "half-closed";
    const lingerMs = this.bounds.lingerMs;
    this.deadline = after(now, lingerMs);
    const actions: SocketAction[] = [{ type: "shutdown-write", socket: this.socket }];
    if (lingerMs === 0) actions.push(...this.closeNow());
    return actions;
  }

  private closeNow(): readonly SocketAction[] {
    this.current = "closed";
    this.deadline = null;
    return [{ type: "close", socket: this.socket }];
  }
}

/** `now + ms`, or no deadline at all for an infinite bound. */
function after(now: number, ms: number): number | null {
  return Number.isFinite(ms) ? now + ms : null;
}

/** Bounds already validated, by the options object they came from (a server passes one for all). */
const BOUNDS = new WeakMap<GracefulCloseOptions, Required<GracefulCloseOptions>>();

/** The options with defaults filled in; throws a {@link UsageError} for a negative or NaN bound. */
function boundsOf(options: GracefulCloseOptions | undefined): Required<GracefulCloseOptions> {
  if (options === undefined) return DEFAULT_GRACEFUL_CLOSE;
  const known = BOUNDS.get(options);
  if (known !== undefined) return known;
  const d = DEFAULT_GRACEFUL_CLOSE;
  const bounds = Object.freeze({
    lingerMs: nonNegative(options.lingerMs, d.lingerMs, "lingerMs"),
    lingerBytes: nonNegative(options.lingerBytes, d.lingerBytes, "lingerBytes"),
    drainTimeoutMs: nonNegative(options.drainTimeoutMs, d.drainTimeoutMs, "drainTimeoutMs"),
  });
  BOUNDS.set(options, bounds);
  return bounds;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (Number.isNaN(value) || value < 0) {
    throw new UsageError("INVALID_STATE", `${name} must be a non-negative number, got ${value}`);
  }
  return value;
}
