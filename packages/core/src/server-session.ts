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
 * Once the connection reaches `must-close` the session resumes reading (to
 * discard, RFC 9112 §9.6) and starts the graceful close; the application
 * gets one `close` event and may send nothing more.
 */

import { ActionQueue } from "./action-queue.ts";
import { answerHeadTimeout } from "./error-response.ts";
import { UsageError } from "./errors.ts";
import { GracefulClose, type GracefulCloseState } from "./graceful-close.ts";
import type { CloseReason } from "./keep-alive.ts";
import { OwedError } from "./owed-error.ts";
import { pauseReading } from "./read-flow.ts";
import { ServerConnection } from "./server-connection.ts";
import type { SessionEvent, SessionHooks, SessionState } from "./server-session-events.ts";
import {
  connectionOptions,
  type ResolvedServerSessionOptions,
  type ServerSessionOptions,
  sharedResolvedOptions,
} from "./server-session-options.ts";
import { SessionSends } from "./server-session-sends.ts";
import { SessionTimers } from "./session-timers.ts";
import type { SocketAction, SocketId } from "./socket-actions.ts";

const NO_EVENTS: readonly SessionEvent[] = Object.freeze([]);

/** The server side of one accepted socket. See the module comment. */
export class ServerSession extends SessionSends {
  /** The adapter's handle for the socket, used in every action. */
  readonly socket: SocketId;
  protected readonly conn: ServerConnection;
  protected readonly closer: GracefulClose;
  private readonly opts: ResolvedServerSessionOptions;
  private readonly onClose: ((session: ServerSession) => void) | undefined;
  /** Events the application has not taken; `null` when there are none (an idle connection). */
  private events: SessionEvent[] | null = null;
  protected readonly actions: ActionQueue;
  /** Body octets in `events` the application has not taken yet. */
  private queuedBytes = 0;
  private paused = false;
  /** Shutdown was asked while a head was arriving: end persistence once it is read. */
  private shutdownAfterHead = false;
  private readonly timers: SessionTimers;
  private lastNow: number;
  private announced = false;
  private released = false;

  constructor(socket: SocketId, now: number, options?: ServerSessionOptions, hooks?: SessionHooks) {
    super();
    this.socket = socket;
    this.opts = sharedResolvedOptions(options);
    const o = this.opts;
    this.conn = new ServerConnection(connectionOptions(o));
    this.closer = new GracefulClose(socket, o.linger);
    this.actions = new ActionQueue(socket);
    this.onClose = hooks?.onClose;
    this.timers = new SessionTimers(o);

    // A fresh connection owes nothing: it is idle until its first byte.
    this.timers.run("idle", true, now);
    this.lastNow = now;
  }

  // --- what is known -----------------------------------------------------------

  /** Where the session is (see {@link SessionState}). */
  get state(): SessionState {
    if (this.released || this.closer.state === "closed") return "closed";
    if (this.conn.state === "switched") return "switched";
    return this.closer.state === "open" ? "open" : "closing";
  }

  /** The connection's persistence state (RFC 9112 §9.3; see connection-state.ts). */
  get connectionState(): ServerConnection["state"] {
    return this.conn.state;
  }

  /** Why the connection is (or will be) closed, or `null` while it persists. */
  get closeReason(): CloseReason | null {
    return this.conn.closeReason;
  }

  /** The lingering close's state. */
  get closeState(): GracefulCloseState {
    return this.closer.state;
  }

  /** Requests received that still await the end of their response. */
  get pendingResponses(): number {
    return this.conn.pendingResponses;
  }

  /** Requests answered completely on this connection. */
  get requestsAnswered(): number {
    return this.conn.requestsAnswered;
  }

  /** Input held: unparsed octets plus body octets the application has not taken. */
  get buffered(): number {
    return this.conn.buffered + this.queuedBytes;
  }

  /** A response body is being sent: `sendData`/`sendEnd` are expected next. */
  get sendingBody(): boolean {
    return this.conn.writerState === "body";
  }

  /** We asked the adapter to stop reading (`pause-read`). */
  get readPaused(): boolean {
    return this.paused;
  }

  /** When {@link tick} must next be called, or `null` when no timer is armed. */
  nextDeadline(): number | null {
    if (this.finished || this.conn.state === "switched") return null;
    if (this.closer.state !== "open") return this.closer.nextDeadline();
    return this.timers.nextDeadline();
  }

  /** The actions to carry out, in order (adjacent writes merged). Read-only. */
  takeActions(): readonly SocketAction[] {
    return this.actions.take();
  }

  /**
   * The events for the application, in order. Read-only. Taking body data
   * lets reading resume if it paused because the application fell behind.
   */
  takeEvents(): readonly SessionEvent[] {
    const out = this.events;
    if (out === null) return NO_EVENTS;
    this.events = null;
    if (this.queuedBytes > 0) {
      this.queuedBytes = 0;
      this.settle(this.lastNow);
    }
    return out;
  }

  // --- socket side --------------------------------------------------------------

  /** Bytes arrived from the client. */
  received(bytes: Uint8Array, now: number): void {
    if (this.finished) return; // a late delivery after close: nothing to do
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
    if (this.closer.state === "open" && this.conn.state !== "switched") this.conn.receiveEnd();
    this.actions.push(this.closer.peerEnded(now));
    this.settle(now);
  }

  /** Everything written so far has been flushed (the socket drained). */
  writable(now: number): void {
    if (this.finished) return;
    this.actions.push(this.closer.writesFlushed(now));
    this.settle(now);
  }

  /** Time passed: fires the timers whose deadline is reached. */
  tick(now: number): void {
    if (this.finished || this.conn.state === "switched") return;
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
    if (this.finished || this.conn.state === "switched") return;
    if (this.conn.headInProgress) this.shutdownAfterHead = true;
    else this.conn.closeAfterCurrent("shutdown");
    this.settle(now);
  }

  // --- after a protocol switch ----------------------------------------------------

  /** After a protocol switch: the bytes already received that belong to the new protocol. */
  takeRest(): Uint8Array {
    return this.conn.takeRest();
  }

  /**
   * After a protocol switch: the socket is no longer ours to manage (the
   * new protocol closes it). The session is `closed` without a `close`
   * action and stops counting against its client's connection limit.
   */
  release(): void {
    if (this.conn.state !== "switched") {
      throw new UsageError("INVALID_STATE", "release() is only for a switched connection");
    }
    this.released = true;
    this.finish();
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
    if (now > this.lastNow) this.lastNow = now;
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

  private emit(ev: SessionEvent): void {
    const events = this.events;
    if (events === null) this.events = [ev];
    // A request and its end usually come together: a list of two made to
    // size costs less than growing a list of one (V8 grows it by 16).
    else if (events.length === 1) this.events = [events[0] as SessionEvent, ev];
    else events.push(ev);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.timers.clear();
    if (!this.released) this.announce();
    this.onClose?.(this);
  }
}
