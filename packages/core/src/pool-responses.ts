/**
 * Reading what a connection says about its requests: interim and final
 * heads, body data, ends, protocol switches and failures, turned into pool
 * events; and what becomes of the connection once nothing is in flight.
 *
 * | connection event      | the pool                                                            |
 * |-----------------------|---------------------------------------------------------------------|
 * | `informational`       | passes it on (RFC 9110 §15.2)                                        |
 * | `response`            | passes it on; notes the `Keep-Alive` hint (timeout, max)            |
 * | `data`                | passes it on; counts the octets (for `TRUNCATED_BODY`)              |
 * | `end`, persistent     | settles the request; the connection has proved persistent            |
 * | `end`, not persistent | settles it; closes; requests pipelined behind go to the retry rules  |
 * |                       | (RFC 9112 §9.3.2) — as `unprocessed` after `Connection: close` (§9.6) |
 * | `switched`            | settles it; hands the socket over (no `close`)                      |
 * | `error` INCOMPLETE_MESSAGE | the server closed inside a message: every request in flight    |
 * |                       | fails as `closed` (truncated when its head was delivered, RFC 9112 §8) |
 * | `error` (other)       | the head request fails with `PROTOCOL_ERROR`; the rest as `aborted` |
 * | `peer-closed`         | every request in flight fails as `closed`                           |
 *
 * Once nothing is in flight, the connection goes on the idle stack until
 * `clientIdleDeadline` (keep-alive.ts: our idle timeout, bounded by the
 * server's hint minus the safety margin), unless it cannot carry another
 * request: not persistent, the request limits reached, or bytes nobody asked
 * for already waiting.
 */
import type { ProtocolError } from "./errors.ts";
import type { Fields } from "./fields.ts";
import { clientIdleDeadline, type IdleDeadlineInput } from "./keep-alive.ts";
import type { ConnectionCloseReason } from "./pool-events.ts";
import { attemptRecord, type PoolEntry } from "./pool-request.ts";
import type { PoolState } from "./pool-state.ts";
import type { PooledConnection } from "./pooled-connection.ts";

/** Turns the connection's events into pool events until it needs more bytes (table above). */
export function drain(state: PoolState, conn: PooledConnection): void {
  while (conn.phase === "open") {
    const ev = conn.http.nextEvent();
    if (ev === null) break;
    if (ev.type === "error") {
      protocolError(state, conn, ev.error);
      return;
    }
    if (ev.type === "peer-closed") {
      state.closeConn(conn, "peer-closed", "closed");
      return;
    }
    const e = conn.entryFor(ev.id) as PoolEntry;
    switch (ev.type) {
      case "informational":
        e.delivered = true;
        if (!e.discard) state.events.push({ type: "informational", id: e.id, head: ev.head });
        break;
      case "response": {
        e.delivered = true;
        e.headDelivered = true;
        e.expected = ev.framing.kind === "length" ? ev.framing.length : undefined;
        e.headersDeadline = Number.POSITIVE_INFINITY;
        // What the connection read in this head (keep-alive.ts, RFC 9112 §9.3).
        const hint = conn.http.lastResponseHint;
        if (hint !== null) conn.noteHint(hint);
        conn.serverVersion = ev.head.version;
        const ended = conn.http.lastResponseClose;
        if (ended !== null && conn.peerEnded === null) conn.peerEnded = ended;
        if (e.discard) break;
        state.events.push({
          type: "response",
          id: e.id,
          head: ev.head,
          connection: conn.socket,
          reused: e.reused,
          attempts: attemptRecord(e),
        });
        break;
      }
      case "data":
        e.received += ev.data.length;
        if (!e.discard) state.events.push({ type: "data", id: e.id, data: ev.data });
        break;
      case "end":
        exchangeEnded(state, conn, e, ev.trailers, ev.persistent);
        break;
      case "switched":
        conn.inFlight.shift();
        state.settle(e, { type: "switched", id: e.id, connection: conn.socket, rest: ev.rest });
        state.closeConn(conn, "switched-protocol", "aborted", false);
        return;
    }
  }
  if (conn.phase === "open" && conn.idle) becomeIdle(state, conn);
}

function exchangeEnded(
  state: PoolState,
  conn: PooledConnection,
  e: PoolEntry,
  trailers: Fields | null,
  persistent: boolean,
): void {
  conn.inFlight.shift();
  if (conn.writing === e) conn.writing = null;
  if (!e.settled) state.settle(e, { type: "end", id: e.id, trailers });
  if (!persistent) {
    // Our own last request said close: the requests up to it are still answered.
    if (conn.peerEnded === null && conn.inFlight.length > 0 && conn.http.state === "closing")
      return;
    const reason = conn.retiring ?? conn.http.closeReason ?? "connection-close";
    // RFC 9112 §9.6: after a response that says close, the server processes
    // no further request; those pipelined behind it were never applied.
    const unprocessed = conn.peerEnded === "connection-close";
    state.closeConn(conn, reason, unprocessed ? "unprocessed" : "closed");
    return;
  }
  conn.proven = true;
  // The next pipelined request waits for its head from now on.
  const next = conn.inFlight[0];
  if (next !== undefined && next !== conn.writing && !next.headDelivered) {
    next.headersDeadline = Math.min(next.headersDeadline, state.now + state.opt.headersTimeoutMs);
    state.noteDeadline(next.headersDeadline);
  }
}

function protocolError(state: PoolState, conn: PooledConnection, error: ProtocolError): void {
  if (error.code === "INCOMPLETE_MESSAGE") {
    state.closeConn(conn, "peer-closed", "closed");
    return;
  }
  const head = conn.inFlight[0];
  if (head !== undefined) state.fail(head, "protocol-error", { protocolError: error });
  state.closeConn(conn, "protocol-error", "aborted");
}

/** The input of every `clientIdleDeadline` call here (see {@link becomeIdle}). */
const idleQuestion: { -readonly [K in keyof IdleDeadlineInput]-?: IdleDeadlineInput[K] } = {
  now: 0,
  ourIdleTimeoutMs: 0,
  hint: null,
  safetyMarginMs: 0,
};

/** Nothing in flight: keep the connection for reuse, or retire it (module header). */
export function becomeIdle(state: PoolState, conn: PooledConnection): void {
  // One question object, filled in each time (clientIdleDeadline keeps nothing of it).
  const q = idleQuestion;
  q.now = state.now;
  q.ourIdleTimeoutMs = state.opt.idleTimeoutMs;
  q.hint = conn.hint;
  q.safetyMarginMs = state.opt.keepAliveSafetyMarginMs;
  const deadline = clientIdleDeadline(q);
  q.hint = null;
  const reason = retireReason(state, conn, deadline);
  if (reason !== null) {
    state.closeConn(conn, reason, "aborted");
    return;
  }
  conn.idleDeadline = deadline;
  state.noteDeadline(deadline);
  if (deadline < state.idleCheckAt) state.idleCheckAt = deadline;
  state.originOf(conn.route).pushIdle(conn, state.now);
}

/** Why an idle connection cannot be kept, or `null` when it can. */
function retireReason(
  state: PoolState,
  conn: PooledConnection,
  deadline: number,
): ConnectionCloseReason | null {
  if (!conn.http.canSend) return conn.http.closeReason ?? "connection-close";
  // Bytes nobody asked for: the framing cannot be trusted (RFC 9112 §9.6).
  if (conn.http.buffered > 0) return "protocol-error";
  if (conn.requestsLeft(state.opt.maxRequestsPerConnection) <= 0) return "max-requests";
  // keep-alive.ts: reuse only while `now < deadline`.
  if (deadline <= state.now) return "idle-timeout";
  return null;
}
