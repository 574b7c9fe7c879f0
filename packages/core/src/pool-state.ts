/**
 * The client pool's books: its connections by socket and by origin, the
 * requests not yet settled, the actions and events produced, the current
 * time — and the one path every failure takes: an attempt fails, the retry
 * rules (retry.ts) decide, and the request is queued again or settled with
 * a typed error (attempt-failure.ts).
 *
 * The scheduler (pool-scheduler.ts), the response reader
 * (pool-responses.ts) and the public driver (client-pool.ts) all work on
 * one {@link PoolState}.
 */
import { attemptError, attemptFailure, exhaustedError } from "./attempt-failure.ts";
import type { ProtocolError } from "./errors.ts";
import { IdTable } from "./id-table.ts";
import { OriginPool } from "./origin-pool.ts";
import type { ConnectionCloseReason, PoolEvent } from "./pool-events.ts";
import type { ResolvedPoolOptions } from "./pool-options.ts";
import {
  attemptOn,
  type PoolEntry,
  PreparedHeads,
  resetAttempt,
  retryCandidate,
  retryFor,
} from "./pool-request.ts";
import type { PooledConnection } from "./pooled-connection.ts";
import { type FailureCause, retryDecision } from "./retry.ts";
import type { Route } from "./route.ts";
import type { SocketAction, SocketId } from "./socket-actions.ts";

/** Extra facts for the error of a failed attempt. */
export interface FailureDetail {
  readonly message?: string;
  readonly protocolError?: ProtocolError;
  /** `tunnel-refused`: the proxy's status. */
  readonly status?: number;
}

/** See the module comment. */
export class PoolState {
  readonly opt: ResolvedPoolOptions;
  readonly origins = new Map<string, OriginPool>();
  /** Every connection held, connecting ones included, by socket id. */
  readonly sockets = new Map<SocketId, PooledConnection>();
  /** Requests not yet settled, by id (not a `Map`: see id-table.ts). */
  readonly live = new IdTable<PoolEntry>();
  /** Heads of requests without fields of their own, prepared once (pool-request.ts). */
  readonly heads = new PreparedHeads();
  actions: SocketAction[] = [];
  events: PoolEvent[] = [];
  /** The latest time given to the pool (inputs never move it back). */
  now = Number.NEGATIVE_INFINITY;
  /**
   * The latest `readyAt` any retry was given. Once `now` passes it, no
   * queued request is backing off and deadlines need not scan the queues.
   */
  backoffUntil = Number.NEGATIVE_INFINITY;
  /**
   * The earliest deadline set since the driver last took it
   * (`ClientPool.takeNewDeadline`): every deadline `nextDeadline` reports
   * is set through {@link noteDeadline}, so a driver whose timer is armed no
   * later than every deadline it knew of stays right by this alone.
   */
  newDeadline = Number.POSITIVE_INFINITY;
  /**
   * No idle connection's reuse deadline is earlier than this (a lower
   * bound: lowered when a connection becomes idle, made exact when the
   * scheduler looks for expired ones): until `now` reaches it, none has
   * expired and the idle stacks need no scan.
   */
  idleCheckAt = Number.POSITIVE_INFINITY;
  private socketCounter = 0;

  constructor(opt: ResolvedPoolOptions) {
    this.opt = opt;
  }

  /** A socket id not used before (ids start at 1). */
  nextSocketId(): SocketId {
    return ++this.socketCounter;
  }

  /** A deadline was set at `t` (see {@link newDeadline}). */
  noteDeadline(t: number): void {
    if (t < this.newDeadline) this.newDeadline = t;
  }

  /** Records the current time. */
  at(now: number): void {
    if (now > this.now) this.now = now;
  }

  /** The pool of one route (route.ts), created on first use. */
  originOf(route: Route): OriginPool {
    let origin = this.origins.get(route.key);
    if (origin === undefined) {
      origin = new OriginPool(route);
      this.origins.set(route.key, origin);
    }
    return origin;
  }

  /**
   * A `write` action for these buffers (none when empty). Buffers for the
   * socket of the action just before are added to it: requests pipelined in
   * one turn leave in one write. `data` must be a fresh list: it becomes the
   * action's, and may grow until the actions are taken.
   */
  write(conn: PooledConnection, data: Uint8Array[]): void {
    if (data.length === 0) return;
    const actions = this.actions;
    // Never `actions[-1]`: on an empty list that is a slow named-property lookup.
    const last = actions.length > 0 ? actions[actions.length - 1] : undefined;
    if (last !== undefined && last.type === "write" && last.socket === conn.socket) {
      // Made by this method, and not taken yet: still ours to add to.
      const list = last.data as Uint8Array[];
      for (let i = 0; i < data.length; i++) list.push(data[i] as Uint8Array);
      return;
    }
    actions.push({ type: "write", socket: conn.socket, data });
  }

  /** `e` is done: emit its last event and forget it. */
  settle(e: PoolEntry, last: PoolEvent): void {
    e.settled = true;
    this.live.delete(e.id);
    this.origins.get(e.route.key)?.dequeue(e);
    if (e.opening !== null) e.opening.forRequest = null;
    e.opening = null;
    this.events.push(last);
  }

  /**
   * Lets go of a connection: a `close` action (unless the socket is already
   * gone or handed over), a `connection-closed` event, and `cause` for every
   * request still in flight on it, oldest first.
   */
  closeConn(
    conn: PooledConnection,
    reason: ConnectionCloseReason,
    cause: FailureCause,
    sendClose = true,
    message?: string,
  ): void {
    if (conn.phase === "closed") return;
    conn.phase = "closed";
    const origin = this.originOf(conn.route);
    origin.connections.delete(conn);
    origin.removeIdle(conn);
    this.sockets.delete(conn.socket);
    if (conn.forRequest !== null) conn.forRequest.opening = null;
    conn.forRequest = null;
    conn.writing = null;
    if (sendClose) this.actions.push({ type: "close", socket: conn.socket });
    this.events.push({ type: "connection-closed", connection: conn.socket, reason });
    const detail = message !== undefined ? { message } : {};
    for (const e of conn.inFlight.splice(0)) this.fail(e, cause, detail);
  }

  /**
   * An attempt that wrote nothing failed (connecting failed or timed out, the
   * tunnel or TLS could not be set up): it counts as one.
   */
  failUnsent(
    e: PoolEntry,
    socket: SocketId,
    cause: FailureCause,
    detail: FailureDetail = {},
  ): void {
    if (e.settled || e.conn !== null) return;
    attemptOn(e, socket);
    this.fail(e, cause, detail);
  }

  /**
   * The current attempt of `e` failed: the retry rules send it again (back
   * in the queue at its original place, after the backoff, for a
   * connection opened after this failure) or it settles with an error.
   */
  fail(e: PoolEntry, cause: FailureCause, detail: FailureDetail = {}): void {
    if (e.settled) return;
    const conn = e.conn;
    if (conn !== null) {
      const i = conn.inFlight.indexOf(e);
      if (i !== -1) conn.inFlight.splice(i, 1);
      if (conn.writing === e) conn.writing = null;
    }
    const failure = attemptFailure(e, cause);
    const policy = { maxAttempts: this.opt.maxAttempts };
    const decision = retryDecision(failure, retryCandidate(e), e.attempts, policy);
    if (decision.retry) {
      resetAttempt(e);
      retryFor(e, decision.reason);
      const delayMs = Math.max(0, this.opt.retryBackoffMs(e.retries.length) || 0);
      e.readyAt = this.now + delayMs;
      if (e.readyAt > this.backoffUntil) this.backoffUntil = e.readyAt;
      if (e.readyAt > this.now) this.noteDeadline(e.readyAt);
      e.freshAfter = this.socketCounter;
      this.originOf(e.route).enqueue(e);
      const attempt = e.attempts + 1;
      this.events.push({
        type: "request-retried",
        id: e.id,
        reason: decision.reason,
        attempt,
        delayMs,
      });
      return;
    }
    let error = attemptError(e, cause, detail);
    // RETRIES_EXHAUSTED only when retries were made; otherwise the failure itself.
    if (decision.reason === "attempts-exhausted" && e.attempts > 1)
      error = exhaustedError(e, error);
    this.settle(e, { type: "error", id: e.id, error });
  }
}
