/**
 * One accepted socket on the server: a {@link ServerConnection} (the HTTP
 * rules) plus the time and transport policy around it — idle, head and body
 * timers, read back-pressure, automatic error responses, and the lingering
 * close of {@link GracefulClose}.
 *
 * Sans-I/O like the rest of core. The adapter feeds socket happenings in
 * (`received`, `peerEnded`, `writable`, `tick`, `abort`) and carries out
 * {@link takeActions}; it arms one timer for {@link nextDeadline}. The
 * application reads {@link takeEvents} and answers through the session
 * (`respond`, `sendData`, `sendEnd`, `sendInformational`,
 * `respondToError`: server-session-sends.ts), so that the session sees
 * every byte that goes out.
 * Every call that can change a timer takes `now` (milliseconds, any
 * monotonic clock) after its required arguments.
 *
 * Its timers (head, idle, body) are described in session-timers.ts, its
 * read back-pressure in read-flow.ts.
 *
 * Idle compaction: a keep-alive connection idle for `compactIdleAfterMs`
 * ({@link compactAt}) may be compacted ({@link compact}): it drops its
 * per-request parts until the next input (server-session-base.ts). An idle
 * server thus holds little per connection, and a busy connection (never
 * idle that long) never pays for the rebuild.
 *
 * Once the connection reaches `must-close` the session resumes reading (to
 * discard, RFC 9112 §9.6) and starts the graceful close; the application
 * gets one `close` event and may send nothing more.
 */

import { answerHeadTimeout } from "./error-response.ts";
import { UsageError } from "./errors.ts";
import type { GracefulCloseState } from "./graceful-close.ts";
import type { CloseReason } from "./keep-alive.ts";
import { OwedError } from "./owed-error.ts";
import { pauseReading } from "./read-flow.ts";
import type { ServerConnection } from "./server-connection.ts";
import type { SessionHooks, SessionState } from "./server-session-events.ts";
import { type ServerSessionOptions, sharedResolvedOptions } from "./server-session-options.ts";
import { SessionEventQueue } from "./server-session-queue.ts";
import type { SocketAction, SocketId } from "./socket-actions.ts";

const NO_ACTIONS: readonly SocketAction[] = Object.freeze([]);

/** The server side of one accepted socket. See the module comment. */
export class ServerSession extends SessionEventQueue {
  private readonly onClose: ((session: ServerSession) => void) | undefined;

  constructor(socket: SocketId, now: number, options?: ServerSessionOptions, hooks?: SessionHooks) {
    super(socket, sharedResolvedOptions(options), now);
    this.onClose = hooks?.onClose;
  }

  // --- what is known -----------------------------------------------------------

  /** Where the session is (see {@link SessionState}). */
  get state(): SessionState {
    if (this.compactedAfter >= 0) return "open";
    if (this.released || this.closer.state === "closed") return "closed";
    if (this.conn.state === "switched") return "switched";
    return this.closer.state === "open" ? "open" : "closing";
  }

  /** The connection's persistence state (RFC 9112 §9.3; see connection-state.ts). */
  get connectionState(): ServerConnection["state"] {
    return this.compactedAfter >= 0 ? "open" : this.conn.state;
  }

  /** Why the connection is (or will be) closed, or `null` while it persists. */
  get closeReason(): CloseReason | null {
    return this.compactedAfter >= 0 ? null : this.conn.closeReason;
  }

  /** The lingering close's state. */
  get closeState(): GracefulCloseState {
    return this.compactedAfter >= 0 ? "open" : this.closer.state;
  }

  /** Requests received that still await the end of their response. */
  get pendingResponses(): number {
    return this.compactedAfter >= 0 ? 0 : this.conn.pendingResponses;
  }

  /** Requests answered completely on this connection. */
  get requestsAnswered(): number {
    const after = this.compactedAfter;
    return after >= 0 ? after : this.conn.requestsAnswered;
  }

  /** Input held: unparsed octets plus body octets the application has not taken. */
  get buffered(): number {
    return this.compactedAfter >= 0 ? 0 : this.conn.buffered + this.queuedBytes;
  }

  /** A response body is being sent: `sendData`/`sendEnd` are expected next. */
  get sendingBody(): boolean {
    return this.compactedAfter < 0 && this.conn.writerState === "body";
  }

  /** We asked the adapter to stop reading (`pause-read`). */
  get readPaused(): boolean {
    return this.paused;
  }

  /** When {@link tick} must next be called, or `null` when no timer is armed. */
  nextDeadline(): number | null {
    if (this.compactedAfter >= 0) return this.idleDeadline();
    if (this.finished || this.conn.state === "switched") return null;
    if (this.closer.state !== "open") return this.closer.nextDeadline();
    return this.timers.nextDeadline();
  }

  /** The actions to carry out, in order (adjacent writes merged). Read-only. */
  takeActions(): readonly SocketAction[] {
    return this.compactedAfter >= 0 ? NO_ACTIONS : this.actions.take();
  }

  /**
   * Actions wait to be taken ({@link takeActions}): after a call that may
   * or may not have produced any (e.g. {@link writable}), an adapter can
   * skip the taking when there are none.
   */
  get actionsWaiting(): boolean {
    return this.compactedAfter < 0 && !this.actions.empty;
  }

  /**
   * When one write is all the actions there are (an adapter's usual turn
   * after an answer): its buffers, taken as {@link takeActions} would take
   * that write, without an action object or list made for it. Otherwise
   * null, and nothing is taken (call {@link takeActions}). Read-only.
   */
  takeLoneWrite(): readonly Uint8Array[] | null {
    return this.compactedAfter >= 0 ? null : this.actions.takeLoneWrite();
  }

  // --- socket side --------------------------------------------------------------

  /** Bytes arrived from the client. */
  received(bytes: Uint8Array, now: number): void {
    if (this.finished) return; // a late delivery after close: nothing to do
    this.restore();
    if (this.conn.state === "switched") {
      throw new UsageError("INVALID_STATE", "the connection switched protocols: use takeRest()");
    }
    if (this.closer.state !== "open") {
      // RFC 9112 §9.6: while closing we keep reading, and discard.
      this.actions.push(this.closer.received(bytes.length, now));
    } else {
      this.conn.receive(bytes);
      if (this.conn.readingBody) this.timers.restart("body", now);
    }
    this.settle(now);
  }

  /** The client closed its write side (FIN, EOF). */
  peerEnded(now: number): void {
    if (this.finished) return;
    this.restore();
    if (this.closer.state === "open" && this.conn.state !== "switched") this.conn.receiveEnd();
    this.actions.push(this.closer.peerEnded(now));
    this.settle(now);
  }

  /** Everything written so far has been flushed (the socket drained). */
  writable(now: number): void {
    if (this.finished) return;
    const open = this.compactedAfter < 0 && this.closer.state === "open"; // see settleFlushed
    this.restore();
    this.actions.push(this.closer.writesFlushed(now));
    if (open) this.settleFlushed(now);
    else this.settle(now);
  }

  /** Time passed: fires the timers whose deadline is reached. */
  tick(now: number): void {
    if (this.finished) return;
    if (this.compactedAfter >= 0) {
      // Only the idle timer runs while compacted: nothing else can be due.
      const at = this.idleDeadline();
      // (The latest time is not kept meanwhile: every call that restores settles with its own.)
      if (at === null || now < at) return;
      this.restore();
    }
    if (this.conn.state === "switched") return;
    this.actions.push(this.closer.tick(now));
    if (this.closer.state === "open") {
      const due = this.timers.due(now);
      if (due === "head") {
        this.shutdownAfterHead = false;
        this.write(answerHeadTimeout(this.conn));
      } else if (due === "idle") this.conn.closeAfterCurrent("idle-timeout");
      else if (due === "body") this.conn.abort("read-timeout");
    }
    this.settle(now);
  }

  /**
   * Closes at once, without the graceful sequence: for a reset or a failed
   * write (`transport-error`), or an application that gives up. Works in
   * every state but `closed`; a no-op then.
   */
  abort(reason: CloseReason, now: number): void {
    if (this.finished) return;
    this.restore();
    this.conn.abort(reason);
    this.actions.push(this.closer.abort());
    this.settle(now);
  }

  /**
   * Graceful shutdown of this connection (RFC 9112 §9.6): no new request
   * starts; an idle connection closes now; the responses owed are sent, the
   * last saying `Connection: close`. A head already arriving is read and
   * answered (with `close`) rather than cut off.
   */
  shutdown(now: number): void {
    if (this.finished) return;
    this.restore();
    if (this.conn.state === "switched") return;
    if (this.conn.headInProgress) this.shutdownAfterHead = true;
    else this.conn.closeAfterCurrent("shutdown");
    this.settle(now);
  }

  // --- after a protocol switch ----------------------------------------------------

  /** After a protocol switch: the bytes already received that belong to the new protocol. */
  takeRest(): Uint8Array {
    this.restore();
    return this.conn.takeRest();
  }

  /**
   * After a protocol switch: the socket is no longer ours to manage (the
   * new protocol closes it). The session is `closed` without a `close`
   * action and stops counting against its client's connection limit.
   */
  release(): void {
    this.restore();
    if (this.conn.state !== "switched") {
      throw new UsageError("INVALID_STATE", "release() is only for a switched connection");
    }
    this.released = true;
    this.finish();
  }

  // --- idle compaction (see the module comment) ----------------------------------

  /**
   * When the session may be compacted: once its connection has been idle
   * `compactIdleAfterMs`. `null` while it is not idle with nothing at all
   * in hand, once compacted, or when compaction is off. The adapter wakes
   * then (with the timer it keeps for {@link nextDeadline}) and calls
   * {@link compact}.
   */
  compactAt(): number | null {
    if (this.compactedAfter >= 0) return null;
    const since = this.timers.idleOnlySince;
    if (since === null || !this.atRest()) return null;
    const at = since + this.opts.compactIdleAfterMs;
    return at === Number.POSITIVE_INFINITY ? null : at;
  }

  /**
   * Compacts the session if {@link compactAt} is reached: its per-request
   * state is dropped until the next input, the socket's next happening,
   * the idle deadline or a shutdown. Returns whether it is compacted now.
   * Nothing observable changes.
   */
  compact(now: number): boolean {
    const at = this.compactAt();
    if (at === null || now < at) return this.compactedAfter >= 0;
    this.dropParts(this.timers.idleOnlySince as number);
    return true;
  }

  /** Nothing in hand but the idle timer: what differs from a fresh session is the count kept. */
  private atRest(): boolean {
    const closer = this.closer;
    return (
      // Not finished, released, paused, awaiting 100-continue, shutting down after a head or announced:
      this.noFlags &&
      closer.state === "open" &&
      !closer.writesPending &&
      !closer.peerClosed &&
      this.conn.atRest &&
      this.actions.empty &&
      !this.eventsQueued &&
      this.queuedBytes === 0 &&
      this.owed === null
    );
  }

  // --- internals -------------------------------------------------------------------

  /** Pulls every event the connection has now into the application's queue. */
  private pump(): void {
    for (let ev = this.conn.nextEvent(); ev !== null; ev = this.conn.nextEvent()) {
      if (ev.type === "request") {
        this.awaitingContinue = ev.expectContinue;
        if (this.shutdownAfterHead) this.conn.closeAfterCurrent("shutdown");
        this.shutdownAfterHead = false;
      } else if (ev.type === "data") {
        this.queuedBytes += ev.data.length;
        this.awaitingContinue = false;
      } else if (ev.type === "error") {
        this.owed ??= new OwedError();
        this.owed.record(ev.id, ev.error);
        this.shutdownAfterHead = false;
      } else if (ev.type === "peer-closed") {
        this.shutdownAfterHead = false;
      }
      this.emit(ev);
    }
  }

  /** Brings timers, read flow and the close in line with the connection's state. */
  protected settle(now: number): void {
    const timers = this.timers;
    if (now > timers.latest) timers.latest = now;
    if (this.finished) return;
    this.advance(now);
    const closeState = this.closer.state;
    if (this.released || closeState === "closed") this.finish();
    else if (this.conn.state === "switched") {
      this.timers.clear();
      this.setPaused(false); // the new protocol's reader decides from here on
    } else if (closeState !== "open") this.timers.clear();
    else this.settleTimersAndFlow(now);
  }

  /**
   * {@link settle} after a flush while open, without {@link advance}: every
   * call that changes the connection settled, and such a flush only clears
   * `writesPending`, so nothing new is readable, no owed error became due and
   * the connection is not at `must-close` (settling begins the close then,
   * RFC 9112 §9.6). Only timers and read flow follow (server-session-flush.test.ts).
   */
  private settleFlushed(now: number): void {
    const timers = this.timers;
    if (now > timers.latest) timers.latest = now;
    if (this.released || this.conn.state === "switched") this.settle(now);
    else this.settleTimersAndFlow(now);
  }

  /** Reads what may now be read, answers an owed error whose turn it is, starts the close once due. */
  private advance(now: number): void {
    const conn = this.conn;
    if (this.released || conn.state === "switched" || this.closer.state !== "open") return;
    // A response that ended may have freed a read-ahead slot (RFC 9112 §9.3.2).
    this.pump();
    const owed = this.owed;
    if (owed !== null && this.opts.errorResponses === "auto" && owed.isDue(conn)) {
      this.write(owed.answer(conn));
    }
    if (conn.state === "must-close") {
      // RFC 9112 §9.6: keep reading (and discarding) until the client's FIN.
      this.setPaused(false);
      this.owed?.clear();
      this.announce();
      this.actions.push(this.closer.begin(now));
    }
  }

  /** While open: which timers run (session-timers.ts), and whether reading pauses (read-flow.ts). */
  private settleTimersAndFlow(now: number): void {
    const conn = this.conn;
    const o = this.opts;
    const readingBody = conn.readingBody;
    const headInProgress = this.timers.follow(conn, this.closer.writesPending, now);
    this.setPaused(
      pauseReading(
        conn.state,
        readingBody,
        conn.pendingResponses,
        o.maxPipelinedRequests,
        conn.buffered,
        this.queuedBytes,
        o.maxBufferedBytes,
        headInProgress,
      ),
    );
    // The client waits for our 100 before it sends the body: not its silence.
    this.timers.run("body", readingBody && !this.paused && !this.awaitingContinue, now);
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.actions.reading(paused);
  }

  /** Tells the application, once, that nothing more can be sent. */
  private announce(): void {
    if (this.announced) return;
    this.announced = true;
    this.emit({ type: "close", reason: this.conn.closeReason ?? "aborted" });
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.timers.clear();
    if (!this.released) this.announce();
    this.onClose?.(this);
  }
}
