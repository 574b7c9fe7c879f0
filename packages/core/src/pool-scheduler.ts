/**
 * Which waiting request goes on which connection, and when a connection is
 * opened. Runs at the end of every pool input, after the input's effects,
 * so a request is never put on a connection whose close is already known.
 *
 * For each origin, oldest waiting request first (origins in the order of
 * their oldest request, so the total cap is shared first come, first
 * served), the first row that applies:
 *
 * | # | the request …                                  | goes                                            |
 * |---|------------------------------------------------|-------------------------------------------------|
 * | 1 | is backing off (`readyAt` later than now)      | waits; a later request may go first              |
 * |   | (a retry only takes connections opened after    |                                                  |
 * |   | its failure, in rows 2–3)                       |                                                  |
 * | 2 | finds an idle connection                        | on the most recently used one                    |
 * | 3 | may be pipelined (pipelining.ts)                | behind the requests on the shortest pipeline     |
 * | 4 | already has a connection being opened for it    | waits for it                                     |
 * | 5 | fits under both caps (evicting an idle one of   | on a new connection, opened for it               |
 * |   | this origin, or the least recently used one of  |                                                  |
 * |   | any, if that makes room)                        |                                                  |
 * | 6 | otherwise                                       | waits in the FIFO queue                          |
 */

import type { OriginPool } from "./origin-pool.ts";
import type { PoolEntry } from "./pool-request.ts";
import { attemptOn, resetAttempt } from "./pool-request.ts";
import type { PoolState } from "./pool-state.ts";
import { PooledConnection } from "./pooled-connection.ts";
import { prepareRequest } from "./request-preparation.ts";
import { TunnelHandshake } from "./tunnel.ts";

/** Serves every origin's waiting requests (table above); forgets empty origins. */
export function pump(state: PoolState): void {
  // Runs after every input: no allocation in the common case (one origin, or none waiting).
  let first: OriginPool | null = null;
  let waiting: OriginPool[] | null = null;
  // Idle connections past their reuse deadline are closed; none is before `idleCheckAt`.
  const expire = state.now >= state.idleCheckAt;
  if (expire) state.idleCheckAt = Number.POSITIVE_INFINITY;
  for (const origin of state.origins.values()) {
    if (expire && origin.idleCount > 0) {
      for (const conn of origin.expiredIdle(state.now))
        state.closeConn(conn, "idle-timeout", "aborted");
      const t = origin.earliestIdleDeadline();
      if (t < state.idleCheckAt) state.idleCheckAt = t;
    }
    if (origin.queue.length === 0) continue;
    if (first === null) first = origin;
    else if (waiting === null) waiting = [first, origin];
    else waiting.push(origin);
  }
  if (waiting !== null) {
    waiting.sort((a, b) => (a.queue[0] as PoolEntry).id - (b.queue[0] as PoolEntry).id);
    for (const origin of waiting) serve(state, origin);
  } else if (first !== null) serve(state, first);
  // (Deleting the entry being visited is allowed while iterating a Map.)
  for (const origin of state.origins.values()) if (origin.empty) state.origins.delete(origin.key);
}

function serve(state: PoolState, origin: OriginPool): void {
  const depth = state.opt.pipelining;
  for (let i = 0; i < origin.queue.length; ) {
    const e = origin.queue[i] as PoolEntry;
    if (e.readyAt > state.now) {
      i++; // row 1
      continue;
    }
    let conn = origin.takeIdle(e); // row 2
    if (conn === null) conn = origin.pipelineCandidate(e, depth); // row 3
    if (conn !== null) {
      dispatch(state, e, conn); // takes e out of the queue
      continue;
    }
    i++;
    if (e.opening !== null) continue; // row 4
    if (makeRoom(state, origin))
      open(state, origin, e); // row 5
    else if (depth <= 1) break; // row 6, and no later request can do better
  }
}

/** True when one more connection fits under both caps, after evicting an idle one if needed. */
function makeRoom(state: PoolState, origin: OriginPool): boolean {
  if (origin.connections.size >= state.opt.connectionsPerOrigin) {
    const victim = origin.leastRecentlyUsed();
    if (victim === undefined) return false;
    state.closeConn(victim, "evicted", "aborted");
  }
  if (state.sockets.size >= state.opt.maxConnections) {
    let victim: PooledConnection | undefined;
    for (const o of state.origins.values()) {
      const c = o.leastRecentlyUsed();
      if (c !== undefined && (victim === undefined || c.idleSince < victim.idleSince)) victim = c;
    }
    if (victim === undefined) return false;
    state.closeConn(victim, "evicted", "aborted");
  }
  return true;
}

/**
 * Asks the adapter for a new connection on behalf of `e`: to the origin or
 * the proxy; for a tunnel, the CONNECT it will carry first (tunnel.ts).
 */
function open(state: PoolState, origin: OriginPool, e: PoolEntry): void {
  const socket = state.nextSocketId();
  const route = origin.route;
  const deadline = state.now + state.opt.connectTimeoutMs;
  const conn = new PooledConnection(socket, route, deadline, state.opt.decodeLatin1);
  state.noteDeadline(deadline);
  if (route.tunnel !== null) conn.tunnel = new TunnelHandshake(route.tunnel, e.proxyAuthorization);
  conn.forRequest = e;
  e.opening = conn;
  origin.connections.add(conn);
  state.sockets.set(socket, conn);
  state.actions.push({ type: "connect", socket, origin: route.connect });
}

/**
 * Writes `e` on `conn` (idle, just connected, or with room in its pipeline):
 * the head, and the body when it is known; a stream continues with
 * `writeBody`. The last request the limits allow says `Connection: close`
 * (RFC 9112 §9.6).
 */
export function dispatch(state: PoolState, e: PoolEntry, conn: PooledConnection): void {
  const origin = state.originOf(e.route);
  origin.dequeue(e);
  origin.removeIdle(conn);
  if (e.opening !== null && e.opening !== conn) e.opening.forRequest = null;
  if (conn.forRequest !== null && conn.forRequest !== e) conn.forRequest.opening = null;
  e.opening = null;
  conn.forRequest = null;
  resetAttempt(e);
  e.reused = conn.sent > 0;
  attemptOn(e, conn.socket);
  if (e.reused) state.events.push({ type: "connection-reused", connection: conn.socket, id: e.id });
  let prepared = e.prepared;
  if (conn.requestsLeft(state.opt.maxRequestsPerConnection) <= 1) {
    conn.retiring = "max-requests";
    if (!e.fields.hasToken("connection", "close")) {
      const fields = e.fields.clone();
      fields.append("Connection", "close");
      prepared = prepareRequest(
        { method: e.method, target: e.target, version: e.version, fields },
        { bodyLength: e.bodyLength },
        e.route.kind === "proxy",
      );
    }
  }
  const http = conn.http;
  const { id, bytes } = http.sendPrepared(prepared);
  e.conn = conn;
  e.exchange = id;
  conn.inFlight.push(e);
  conn.sent++;
  conn.serverRemaining--;
  conn.idleDeadline = Number.POSITIVE_INFINITY;
  const data = [bytes];
  if (http.writerState === "body") {
    if (e.stream) {
      for (const chunk of e.chunks) data.push(...http.sendData(chunk));
      if (e.chunks.some((c) => c.length > 0)) e.bodyWritten = true;
      e.chunks = [];
      if (e.streamEnded) data.push(...http.sendEnd(e.trailers));
      else conn.writing = e;
    } else {
      if (e.bytes !== null && e.bytes.length > 0) data.push(...http.sendData(e.bytes));
      data.push(...http.sendEnd());
    }
  }
  if (conn.writing !== e && conn.inFlight.length === 1) {
    e.headersDeadline = state.now + state.opt.headersTimeoutMs;
    state.noteDeadline(e.headersDeadline);
  }
  state.write(conn, data);
}
