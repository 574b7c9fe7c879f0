/**
 * Runs one core {@link ServerSession} over one {@link RawSocket}: feeds it
 * the socket's happenings with the time, carries out its actions, queues
 * its next deadline with the server's {@link DeadlineQueue}, and hands its
 * requests to the application in order. Every HTTP
 * decision is the session's; this file only moves bytes, time and events.
 */
import type { Listed, ServerSession, SessionEvent, SocketAction } from "@tether/core";
import type { ConnectionEvent, RequestInfo } from "./api.ts";
import { wholeMs as now } from "./clock.ts";
import { type DeadlineMember, type DeadlineQueue, wouldQueue } from "./deadline-queue.ts";
import { AGAIN, BLOCKED, BODY_FULL, DriverFlags, RUNNING, UNFLUSHED } from "./driver-flags.ts";
import type { Listeners } from "./listeners.ts";
import { ResponseQueue, type ServerExchange } from "./server-exchange.ts";
import type { RawSocket, SocketHandlers } from "./socket-layer.ts";

/** What a connection driver needs from its server. */
export interface DriverHost {
  /** Admits a new connection (per-client cap, shutdown) or refuses it. */
  admit(address: string, driver: ServerConnectionDriver): ServerSession | string;
  /** Starts the application's handling of a request. */
  dispatch(exchange: ServerExchange): void;
  /** A connection closed. */
  closed(driver: ServerConnectionDriver): void;
  readonly events: Listeners<ConnectionEvent>;
  /** The server's one timer for every connection's next deadline. */
  readonly deadlines: DeadlineQueue<ServerConnectionDriver>;
  /** The layer hands out buffers it will reuse: copy what outlives a callback. */
  readonly copyReads: boolean;
}

/**
 * The time of the socket event being handled, while one is (see
 * {@link ServerConnectionDriver.now}). One for the process, not a field per
 * connection: socket events are handled one at a time.
 */
let eventTime: number | null = null;

/** The time of a socket event: the socket's own clock when it has one (RawSocket.eventTime). */
function eventNow(socket: RawSocket): number {
  return socket.eventTime !== undefined ? socket.eventTime() : now();
}

/** One accepted connection. See the module comment. */
export class ServerConnectionDriver
  extends DriverFlags
  implements SocketHandlers, DeadlineMember, Listed<ServerConnectionDriver>
{
  private socket: RawSocket | null = null;
  /** The peer's address and port, read at `open` (for every request's {@link RequestInfo}). */
  private remoteAddress = "";
  private remotePort = 0;
  private session: ServerSession | null = null;
  private readonly host: DriverHost;
  /** The deadline queued with the server's {@link DeadlineQueue} (-1: none; the queue's field). */
  queuedAt = -1;
  /** The position in the server's {@link DeadlineQueue} (-1: none; the queue's field). */
  heapIndex = -1;
  /** The neighbours in the server's list of connections (the list's fields). */
  prevListed: ServerConnectionDriver | null = null;
  nextListed: ServerConnectionDriver | null = null;
  /** The answers in request order; made at the first request, dropped when the session compacts. */
  private responses: ResponseQueue | null = null;
  /** The exchange whose request body is being read. */
  private reading: ServerExchange | null = null;

  constructor(host: DriverHost) {
    super();
    this.host = host;
  }

  /** The session's socket id (its connection id). */
  get id(): number {
    return this.session?.socket ?? 0;
  }

  /** Facts for {@link RequestInfo} (made when an exchange's `info` is first read). */
  info(requestNumber: number): RequestInfo {
    return {
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      connection: this.id,
      requestNumber,
    };
  }

  // --- socket side -------------------------------------------------------------

  open(socket: RawSocket): void {
    this.socket = socket;
    // Read once: on Node each read of a socket's address is a getter call.
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    const admitted = this.host.admit(this.remoteAddress, this);
    if (typeof admitted === "string") {
      if (this.host.events.active) {
        this.host.events.emit({
          type: "connection-refused",
          remoteAddress: this.remoteAddress,
          reason: admitted,
        });
      }
      socket.close();
      return;
    }
    this.session = admitted;
    if (this.host.events.active) {
      this.host.events.emit({ type: "connection-opened", connection: admitted.socket });
    }
    this.run();
  }

  data(bytes: Uint8Array): void {
    if (this.switched) {
      this.tunnel.data(bytes);
      return;
    }
    const session = this.session;
    if (session === null) return;
    const t = eventNow(this.socket as RawSocket);
    const outer = eventTime;
    eventTime = t;
    try {
      session.received(this.host.copyReads ? bytes.slice() : bytes, t);
      this.run();
    } finally {
      eventTime = outer;
    }
  }

  end(): void {
    if (this.switched) {
      this.tunnel.end();
      return;
    }
    this.session?.peerEnded(eventNow(this.socket as RawSocket));
    this.run();
  }

  drain(): void {
    if (this.switched) {
      this.tunnel.drain();
      return;
    }
    this.blocked = false;
    this.wakeWriters();
    this.run();
  }

  close(error?: Error): void {
    if (this.switched) {
      this.tunnel.close(error);
      return;
    }
    if (this.closedOnce) return;
    this.closedOnce = true;
    this.clearTimer();
    const session = this.session;
    if (session !== null && session.state !== "closed") {
      session.abort("transport-error", now());
      this.run();
    }
    this.responses?.abortAll();
    this.blocked = false;
    this.wakeWriters();
    this.host.closed(this);
  }

  // --- application side (used by the exchanges) ----------------------------------

  /** The session, for the exchanges to answer through. Null once refused. */
  get current(): ServerSession | null {
    return this.session;
  }

  /** Resolves when the socket can take more bytes. */
  whenWritable(): Promise<void> {
    if (!this.blocked || this.closedOnce) return Promise.resolve();
    return new Promise((resolve) => {
      const rare = this.rareState();
      rare.drainWaiters ??= [];
      rare.drainWaiters.push(resolve);
    });
  }

  /**
   * The answer just given switches protocols: once the session has
   * switched, the socket is handed to `handlers` (see RawExchange.takeOver).
   */
  handOver(handlers: SocketHandlers): void {
    this.rareState().tunnel = handlers;
  }

  /** A request body stream has room again: deliver the events held back. */
  bodyDrained(): void {
    if (!this.bodyFull) return;
    this.bodyFull = false;
    this.run();
  }

  /**
   * Time for {@link ServerSession} calls: read once per socket event and
   * reused by everything that event triggers synchronously (handlers that
   * answer at once), read afresh otherwise. The clock is not free on every
   * runtime (a native call on Deno).
   */
  now(): number {
    return eventTime ?? now();
  }

  /**
   * Carries out everything the session wants now: actions, then events,
   * then the timer. Re-entrant calls (an answer given synchronously inside
   * a handler) are folded into the running loop.
   */
  run(): void {
    // Flags as bits here (driver-flags.ts): it goes round twice per request.
    if ((this.flags & RUNNING) !== 0) {
      this.flags |= AGAIN;
      return;
    }
    const session = this.session;
    if (session === null) return;
    this.flags |= RUNNING;
    try {
      do {
        this.flags &= ~AGAIN;
        // The usual turn after an answer is one write: taken without an action list.
        const lone = session.takeLoneWrite();
        if (lone !== null) this.write(lone);
        else this.execute(session.takeActions());
        if ((this.flags & (UNFLUSHED | BLOCKED)) === UNFLUSHED) {
          // All written went through: tell the session (its idle timer and close wait for it).
          this.flags &= ~UNFLUSHED;
          session.writable(this.now());
          // Its events are taken below; its actions (a close once flushed) next time round.
          if (session.actionsWaiting) this.flags |= AGAIN;
        }
        if ((this.flags & BODY_FULL) === 0 && !this.backedUp) {
          const events = session.takeEvents();
          if (events.length > 0) {
            this.deliver(events);
            this.flags |= AGAIN; // taking events may resume reading: more actions
          }
        }
      } while ((this.flags & AGAIN) !== 0);
    } finally {
      this.flags &= ~RUNNING;
    }
    if (this.rare?.tunnel != null && !this.switched && session.state === "switched") {
      this.switchOver(session);
    } else if (!this.closedOnce) {
      this.armTimer(session.nextDeadline());
      this.armTimer(session.compactAt());
    }
  }

  /**
   * The session switched protocols: it lets go of the socket (no close, no
   * longer counted), the server forgets the connection, and the handler's
   * handlers get the socket, the bytes already read past the request, and
   * every later event.
   */
  private switchOver(session: ServerSession): void {
    const handlers = this.tunnel;
    const rest = session.takeRest();
    session.release();
    this.clearTimer();
    this.closedOnce = true;
    this.host.closed(this);
    this.switched = true;
    handlers.open(this.socket as RawSocket);
    if (rest.length > 0) handlers.data(rest);
  }

  /**
   * Queues the session's next deadline, only when it comes before the one
   * queued (the queue ignores a later one). The idle deadline moves with
   * every request, and moving it in the queue each time would cost a heap
   * update per request; a deadline left queued for an earlier time is
   * reached early, the session's tick finds nothing due, and the run after
   * it queues the deadline then current. The queue's test (`wouldQueue`) is
   * made here first: most runs queue nothing, and skip the call.
   */
  private armTimer(deadline: number | null): void {
    if (deadline !== null && wouldQueue(this, deadline)) {
      this.host.deadlines.schedule(this, deadline);
    }
  }

  private clearTimer(): void {
    this.host.deadlines.remove(this);
  }

  /**
   * The queued deadline was reached (the queue took this driver out): the
   * session's may be due, or it may have been idle long enough to compact
   * (then the response queue goes too: nothing is owed).
   */
  deadlineReached(): void {
    const session = this.session;
    if (session === null) return;
    const t = now();
    session.tick(t);
    if (session.compact(t) && this.responses?.idle === true) this.responses = null;
    this.run();
  }

  // --- internals -------------------------------------------------------------------

  /**
   * Write back-pressure at a request boundary: the socket refused more bytes
   * and no request body is being read, so new requests wait (undelivered)
   * until it drains. Without this, a client that pipelines without reading
   * its responses has every request answered into an ever-growing write
   * buffer; with it, the session reads ahead `maxPipelinedRequests` (and
   * `maxBufferedBytes`), then pauses reading, and TCP flow control slows
   * the client down. A body being read is never held up (the client may be
   * waiting to finish it before it reads).
   */
  private get backedUp(): boolean {
    return this.blocked && this.reading === null && !this.closedOnce;
  }

  private write(data: readonly Uint8Array[]): void {
    this.flags |= UNFLUSHED;
    if (!(this.socket as RawSocket).write(data)) this.flags |= BLOCKED;
  }

  private execute(actions: readonly SocketAction[]): void {
    const socket = this.socket as RawSocket;
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i] as SocketAction;
      switch (a.type) {
        case "write":
          this.write(a.data);
          break;
        case "shutdown-write":
          socket.shutdownWrite();
          break;
        case "close":
          socket.close();
          break;
        case "pause-read":
          socket.pauseRead();
          break;
        case "resume-read":
          socket.resumeRead();
          break;
        case "connect":
        case "start-tls":
          break; // never asked of a server
      }
    }
  }

  private deliver(events: readonly SessionEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      const ev = events[i] as SessionEvent;
      switch (ev.type) {
        case "request": {
          this.responses ??= new ResponseQueue(this);
          const ex = this.responses.add(ev.id, ev.head, ev.framing, ev.expectContinue);
          if (ev.framing.kind === "none") ex.endBody(null);
          else this.reading = ex;
          this.host.dispatch(ex);
          break;
        }
        case "data":
          if (this.reading !== null && !this.reading.pushBody(ev.data)) this.bodyFull = true;
          break;
        case "end":
          this.reading?.endBody(ev.trailers);
          this.reading = null;
          break;
        case "close":
          this.reading?.failBody();
          this.reading = null;
          this.responses?.abortAll();
          if (this.host.events.active) {
            this.host.events.emit({
              type: "connection-closed",
              connection: this.id,
              reason: ev.reason,
            });
          }
          break;
        case "error":
          // The session answers the error itself; but a body cut short or
          // malformed (a FIN inside it, RFC 9112 §8; bad chunk syntax; over
          // the size limit) must fail its reader, or the handler waits for
          // the rest forever and the session waits for the handler.
          this.reading?.failBody(ev.error);
          this.reading = null;
          break;
        default:
          break; // peer-closed needs nothing
      }
    }
  }
}
