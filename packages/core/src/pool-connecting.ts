/**
 * From a `connect` action to an open connection, and the failures on the
 * way (phases in pooled-connection.ts; the CONNECT exchange in tunnel.ts).
 *
 * | input (phase)                          | the pool                                                     |
 * |----------------------------------------|--------------------------------------------------------------|
 * | `connected` (connecting)               | direct or proxy route: opens it. Tunnel: writes CONNECT       |
 * |                                        | (→ tunnelling)                                               |
 * | `received` (tunnelling)                | 2xx: asks for `start-tls` (→ securing). Refused: the request  |
 * |                                        | fails with `PROXY_CONNECT_FAILED` and the proxy's status.     |
 * |                                        | Broken answer: `PROTOCOL_ERROR`                              |
 * | `peerEnded`, `reset` (tunnelling,      | a failed connect: the socket is closed, the request goes to   |
 * | securing)                              | the retry rules (RFC 9112 §9.3.1: nothing of it was written)  |
 * | `tlsEstablished` (securing)            | opens it                                                     |
 * | `connectFailed` (any but open)         | kind `tls`: `TLS_FAILED`, not retried (the same certificate   |
 * |                                        | fails the same way). Otherwise `CONNECT_FAILED`, retry rules |
 * | `tick` past `connectTimeoutMs`         | `TIMEOUT` (connect), whichever phase it is in                 |
 *
 * Opening: phase `open`, the `connection-opened` event, then the request the
 * connection was opened for is written on it, or it goes idle for the next.
 */
import type { ConnectionCloseReason } from "./pool-events.ts";
import { becomeIdle } from "./pool-responses.ts";
import { dispatch } from "./pool-scheduler.ts";
import type { FailureDetail, PoolState } from "./pool-state.ts";
import type { PooledConnection } from "./pooled-connection.ts";
import type { FailureCause } from "./retry.ts";
import type { TunnelAnswer } from "./tunnel.ts";

/** The adapter connected the socket (phase `connecting`). */
export function connected(state: PoolState, conn: PooledConnection): void {
  const tunnel = conn.tunnel;
  if (tunnel === null) {
    opened(state, conn);
    return;
  }
  conn.phase = "tunnelling";
  state.write(conn, [tunnel.request()]);
}

/** Octets from the proxy while its answer to CONNECT is awaited. */
export function tunnelReceived(state: PoolState, conn: PooledConnection, bytes: Uint8Array): void {
  const answer = conn.tunnel?.receive(bytes) ?? null;
  if (answer !== null) tunnelAnswered(state, conn, answer);
}

/** The proxy closed its side while its answer to CONNECT was awaited. */
export function tunnelEnded(state: PoolState, conn: PooledConnection): void {
  const tunnel = conn.tunnel;
  if (tunnel !== null) tunnelAnswered(state, conn, tunnel.receiveEnd());
}

/** The TLS handshake through the tunnel completed (phase `securing`). */
export function tlsEstablished(state: PoolState, conn: PooledConnection): void {
  opened(state, conn);
}

/**
 * The connection could not be established: it is let go of (with a `close`
 * action unless the adapter already lost the socket) and the request it was
 * opened for fails with `cause` (the retry rules decide what follows).
 */
export function establishFailed(
  state: PoolState,
  conn: PooledConnection,
  cause: FailureCause,
  detail: FailureDetail,
  sendClose: boolean,
): void {
  const e = conn.forRequest;
  state.closeConn(conn, closeReasonOf(cause), "aborted", sendClose);
  if (e !== null) state.failUnsent(e, conn.socket, cause, detail);
}

function tunnelAnswered(state: PoolState, conn: PooledConnection, answer: TunnelAnswer): void {
  conn.tunnel = null;
  switch (answer.kind) {
    case "established":
      conn.phase = "securing";
      state.actions.push({
        type: "start-tls",
        socket: conn.socket,
        origin: conn.route.tunnel ?? conn.route.connect,
      });
      break;
    case "refused":
      establishFailed(
        state,
        conn,
        "tunnel-refused",
        { status: answer.status, message: `${answer.status} ${answer.reason}`.trimEnd() },
        true,
      );
      break;
    case "failed":
      if (answer.protocolError !== undefined) {
        establishFailed(
          state,
          conn,
          "protocol-error",
          { protocolError: answer.protocolError },
          true,
        );
      } else establishFailed(state, conn, "connect-failed", { message: answer.message }, true);
      break;
  }
}

/** The connection is ready for requests. */
function opened(state: PoolState, conn: PooledConnection): void {
  conn.phase = "open";
  conn.connectDeadline = Number.POSITIVE_INFINITY;
  const route = conn.route;
  state.events.push({
    type: "connection-opened",
    connection: conn.socket,
    origin: route.connect,
    ...(route.tunnel !== null ? { tunnel: route.tunnel } : {}),
  });
  const e = conn.forRequest;
  if (e !== null && !e.settled && e.conn === null && e.readyAt <= state.now)
    dispatch(state, e, conn);
  else becomeIdle(state, conn);
}

function closeReasonOf(cause: FailureCause): ConnectionCloseReason {
  switch (cause) {
    case "tls-failed":
    case "tunnel-refused":
    case "connect-timeout":
    case "protocol-error":
      return cause;
    default:
      return "connect-failed";
  }
}
