/**
 * The client connection pool, sans-I/O: it decides which request goes on
 * which connection, when connections open, are reused, retire and close,
 * and when a failed request is sent again. It never touches a socket or a
 * clock. Inputs are calls (`request`, `connected`, `received`, `peerEnded`,
 * `reset`, `tick` …, each with the current time); outputs are
 * {@link SocketAction}s for the adapter and {@link PoolEvent}s for the
 * caller, taken with `takeActions()` / `takeEvents()`.
 *
 * The rules, each in its own module:
 * - caps and the FIFO queue, idle connections most recently used first: origin-pool.ts
 * - reuse and retirement: keep-alive.ts (`clientIdleDeadline`), pooled-connection.ts
 * - pipelining: pipelining.ts; retries: retry.ts; errors: attempt-failure.ts
 * - proxies: proxy.ts; routes (direct, proxy, tunnel): route.ts
 * - establishing a connection (connect, CONNECT tunnel, TLS): pool-connecting.ts
 *
 * Stale connections: a request is put on a connection only inside one of
 * these calls, after every input already received has been applied, so a
 * close, reset or stray byte that arrived while the connection was idle
 * retires it before anything is written on it (RFC 9112 §9.3.1). A close
 * that crosses our write is the stale-connection race; retry.ts row 7
 * covers it.
 *
 * Sockets: the pool sends exactly one `close` for every socket it asked to
 * `connect`, except when the adapter reported `connectFailed` and when a
 * `switched` event hands the socket to the caller. An adapter treats a
 * `close` of a socket that already failed as a no-op.
 *
 * TLS is the adapter's: core only knows the `https` scheme (port 443 by
 * default, RFC 9110 §4.2.2), that an `https` connection is another origin
 * than an `http` one to the same host (route.ts), the `start-tls` hand-off
 * after a CONNECT tunnel's 2xx, and the `tls` kind of a failed connect.
 */
import { attemptError } from "./attempt-failure.ts";
import { UsageError } from "./errors.ts";
import type { OutgoingFields } from "./outgoing-fields.ts";
import {
  connected,
  establishFailed,
  tlsEstablished,
  tunnelEnded,
  tunnelReceived,
} from "./pool-connecting.ts";
import type {
  ConnectFailureKind,
  PoolEvent,
  PoolOptions,
  PoolRequest,
  PoolStats,
} from "./pool-events.ts";
import { resolvePoolOptions } from "./pool-options.ts";
import { checkStreamChunk, checkStreamEnd, type PoolEntry, prepareEntry } from "./pool-request.ts";
import { drain } from "./pool-responses.ts";
import { pump } from "./pool-scheduler.ts";
import { PoolState } from "./pool-state.ts";
import type { PooledConnection } from "./pooled-connection.ts";
import type { SocketAction, SocketId } from "./socket-actions.ts";

/** See the module comment. */
export class ClientPool {
  private readonly s: PoolState;
  private nextId = 1;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.s = new PoolState(resolvePoolOptions(options));
  }

  // --- the caller's side ----------------------------------------------------

  /**
   * Adds a request and returns its id. Throws a {@link UsageError} for a
   * request that could never be sent (bad method, target or field).
   */
  request(req: PoolRequest, now: number): number {
    if (this.closed) throw new UsageError("INVALID_STATE", "the pool is closed");
    this.s.at(now);
    const e = prepareEntry(this.nextId, req, this.s.opt.proxy, this.s.opt.http10, this.s.heads);
    this.nextId++;
    this.s.live.set(e);
    this.s.originOf(e.route).enqueue(e);
    pump(this.s);
    if (!e.settled && e.conn === null && e.opening === null) {
      this.s.events.push({ type: "request-queued", id: e.id });
    }
    return e.id;
  }

  /** Body data of a request whose body is `{ stream: true }`. */
  writeBody(id: number, chunk: Uint8Array): void {
    const e = this.s.live.get(id);
    if (e === undefined || e.discard) return;
    checkStreamChunk(e, chunk);
    const conn = e.conn;
    if (conn !== null && conn.writing === e) {
      if (chunk.length > 0) e.bodyWritten = true;
      this.s.write(conn, conn.http.sendData(chunk));
    } else e.chunks.push(chunk);
  }

  /** Ends a streamed body (with trailers, when chunked: RFC 9112 §7.1.2). */
  endBody(id: number, trailers?: OutgoingFields): void {
    const e = this.s.live.get(id);
    if (e === undefined || e.discard) return;
    checkStreamEnd(e, trailers);
    e.streamEnded = true;
    e.trailers = trailers;
    const conn = e.conn;
    if (conn !== null && conn.writing === e) {
      this.s.write(conn, conn.http.sendEnd(trailers));
      conn.writing = null;
      if (conn.inFlight[0] === e) {
        e.headersDeadline = this.s.now + this.s.opt.headersTimeoutMs;
        this.s.noteDeadline(e.headersDeadline);
      }
      pump(this.s);
    }
  }

  /**
   * Cancels a request: it ends with `CANCELLED`. A request being written or
   * answered costs its connection (framing is lost); one pipelined behind
   * others is dropped quietly when its response comes.
   */
  cancel(id: number, now: number): void {
    this.s.at(now);
    const e = this.s.live.get(id);
    if (e === undefined) return;
    const conn = e.conn;
    const error = attemptError(e, "cancelled");
    if (conn !== null && conn.inFlight[0] !== e && conn.writing !== e) {
      e.discard = true;
      this.s.settle(e, { type: "error", id, error });
      return;
    }
    this.s.settle(e, { type: "error", id, error });
    if (conn !== null) {
      // Its own entry is settled: closing fails only the others (retry rules).
      this.s.closeConn(conn, "aborted", "aborted");
    }
    pump(this.s);
  }

  /** Fails every request with `CANCELLED` and closes every connection. */
  close(now: number): void {
    this.s.at(now);
    this.closed = true;
    for (const e of this.s.live.values()) {
      const error = attemptError(e, "cancelled", { message: "the pool was closed" });
      this.s.settle(e, { type: "error", id: e.id, error });
    }
    for (const conn of [...this.s.sockets.values()])
      this.s.closeConn(conn, "shutdown", "cancelled");
  }

  // --- the adapter's side ---------------------------------------------------

  /**
   * The socket asked for by a `connect` action is established (for an
   * `https` origin: TLS included). For a tunnel, the CONNECT goes first.
   */
  connected(socket: SocketId, now: number): void {
    this.s.at(now);
    const conn = this.s.sockets.get(socket);
    if (conn === undefined || conn.phase !== "connecting") return;
    connected(this.s, conn);
    pump(this.s);
  }

  /** The TLS handshake asked for by a `start-tls` action completed. */
  tlsEstablished(socket: SocketId, now: number): void {
    this.s.at(now);
    const conn = this.s.sockets.get(socket);
    if (conn === undefined || conn.phase !== "securing") return;
    tlsEstablished(this.s, conn);
    pump(this.s);
  }

  /**
   * Connecting failed: refused, DNS, reset (kind `transport`), or a TLS
   * handshake that failed as TLS (kind `tls`: `TLS_FAILED`, not retried).
   * Also for a failed `start-tls`. No `close` follows for this socket.
   */
  connectFailed(
    socket: SocketId,
    message: string,
    now: number,
    kind: ConnectFailureKind = "transport",
  ): void {
    this.s.at(now);
    const conn = this.s.sockets.get(socket);
    if (conn === undefined) return;
    if (conn.phase === "open") {
      this.reset(socket, message, now);
      return;
    }
    const cause = kind === "tls" ? "tls-failed" : "connect-failed";
    establishFailed(this.s, conn, cause, { message }, false);
    pump(this.s);
  }

  /** Bytes arrived on a socket. */
  received(socket: SocketId, bytes: Uint8Array, now: number): void {
    this.s.at(now);
    const conn = this.s.sockets.get(socket);
    if (conn === undefined) return;
    if (conn.phase === "tunnelling") tunnelReceived(this.s, conn, bytes);
    else if (conn.phase !== "open") return;
    else if (conn.idle) {
      // Bytes on an idle connection (a 408, or junk): the server is done with it.
      this.s.closeConn(conn, "peer-closed", "closed");
    } else {
      (conn.inFlight[0] as PoolEntry).responseBytes = true;
      conn.http.receive(bytes);
      drain(this.s, conn);
    }
    pump(this.s);
  }

  /** The server closed its write side (EOF). */
  peerEnded(socket: SocketId, now: number): void {
    this.s.at(now);
    const conn = this.s.sockets.get(socket);
    if (conn === undefined) return;
    if (conn.phase === "tunnelling") {
      tunnelEnded(this.s, conn);
      pump(this.s);
      return;
    }
    if (conn.establishing) {
      this.failEstablishing(conn, "closed while connecting");
      return;
    }
    if (!conn.idle) {
      conn.http.receiveEnd();
      drain(this.s, conn);
    }
    this.s.closeConn(conn, "peer-closed", "closed");
    pump(this.s);
  }

  /** The connection was reset (or failed on write). */
  reset(socket: SocketId, message: string, now: number): void {
    this.s.at(now);
    const conn = this.s.sockets.get(socket);
    if (conn === undefined) return;
    if (conn.establishing) {
      this.failEstablishing(conn, message);
      return;
    }
    conn.http.abort("transport-error");
    this.s.closeConn(conn, "transport-error", "reset", true, message);
    pump(this.s);
  }

  /** The earliest time `tick` has something to do, or `null`. */
  nextDeadline(): number | null {
    let t = Number.POSITIVE_INFINITY;
    // Without a headers timeout no request has a headers deadline.
    const heads = this.s.opt.headersTimeoutMs !== Number.POSITIVE_INFINITY;
    for (const conn of this.s.sockets.values()) {
      if (conn.establishing) t = Math.min(t, conn.connectDeadline);
      else if (conn.idle) t = Math.min(t, conn.idleDeadline);
      if (heads) for (const e of conn.inFlight) if (!e.settled) t = Math.min(t, e.headersDeadline);
    }
    // Only a retry backs off; without one pending, the queues need no scan.
    if (this.s.backoffUntil > this.s.now) {
      for (const origin of this.s.origins.values()) {
        for (const e of origin.queue) if (e.readyAt > this.s.now) t = Math.min(t, e.readyAt);
      }
    }
    return t === Number.POSITIVE_INFINITY ? null : t;
  }

  /**
   * The earliest deadline set since the last call (or since the pool was
   * made), or `null` when none was: a deadline that {@link nextDeadline}
   * may report for the first time. A driver that armed its timer at
   * `nextDeadline()` once keeps it right with this alone: every deadline
   * held then is still no earlier than the timer, and a deadline dropped
   * since only makes the timer early (`tick` then finds nothing due). The
   * driver asks `nextDeadline()` again after its timer fires. Costs nothing
   * per connection, where `nextDeadline()` looks at each one.
   */
  takeNewDeadline(): number | null {
    const t = this.s.newDeadline;
    this.s.newDeadline = Number.POSITIVE_INFINITY;
    return t === Number.POSITIVE_INFINITY ? null : t;
  }

  /** Time passed: timeouts fire, idle connections expire, backed-off retries go out. */
  tick(now: number): void {
    this.s.at(now);
    for (const conn of [...this.s.sockets.values()]) {
      if (conn.establishing && conn.connectDeadline <= this.s.now) {
        establishFailed(this.s, conn, "connect-timeout", {}, true);
      } else if (conn.idle && conn.idleDeadline <= this.s.now) {
        this.s.closeConn(conn, "idle-timeout", "aborted");
      } else {
        const late = conn.inFlight.find((e) => !e.settled && e.headersDeadline <= this.s.now);
        if (late === undefined) continue;
        this.s.fail(late, "headers-timeout");
        this.s.closeConn(conn, "read-timeout", "aborted");
      }
    }
    pump(this.s);
  }

  /**
   * The socket of a connection not yet open ended or was reset: a failed
   * connect. Before the adapter connected it, the socket is already gone;
   * after (tunnel, TLS), it is closed.
   */
  private failEstablishing(conn: PooledConnection, message: string): void {
    establishFailed(this.s, conn, "connect-failed", { message }, conn.phase !== "connecting");
    pump(this.s);
  }

  /** The socket actions produced so far, in order; the list is emptied. */
  takeActions(): SocketAction[] {
    const out = this.s.actions;
    this.s.actions = [];
    return out;
  }

  /** The events produced so far, in order; the list is emptied. */
  takeEvents(): PoolEvent[] {
    const out = this.s.events;
    this.s.events = [];
    return out;
  }

  /**
   * Moves the actions produced so far onto the end of `into`, in order, as
   * {@link takeActions} hands them over, without making a new list: a
   * driver that empties `into` after each batch reuses both lists' storage.
   */
  moveActionsTo(into: SocketAction[]): void {
    moveAll(this.s.actions, into);
  }

  /** Moves the events produced so far onto the end of `into` (as {@link moveActionsTo}). */
  moveEventsTo(into: PoolEvent[]): void {
    moveAll(this.s.events, into);
  }

  /** Sizes of the pool right now. */
  stats(): PoolStats {
    let connecting = 0;
    let idle = 0;
    let queued = 0;
    let inFlight = 0;
    for (const conn of this.s.sockets.values()) {
      if (conn.establishing) connecting++;
      else if (conn.idle) idle++;
      inFlight += conn.inFlight.filter((e) => !e.settled).length;
    }
    for (const origin of this.s.origins.values()) queued += origin.queue.length;
    return { connections: this.s.sockets.size, connecting, idle, queued, inFlight };
  }
}

/**
 * Appends `from` to `into` and empties `from`, keeping its storage:
 * `pop()` keeps it where `length = 0` would give it up, so that the next
 * batch allocates again.
 */
function moveAll<T>(from: T[], into: T[]): void {
  const n = from.length;
  for (let i = 0; i < n; i++) into.push(from[i] as T);
  while (from.length > 0) from.pop();
}
