/**
 * One connection of the pool: the socket id the adapter knows it by, the
 * {@link ClientConnection} that speaks HTTP/1.x on it, and what the pool
 * needs to decide about reuse — requests sent, the server's `Keep-Alive`
 * hint, whether it has proved persistent, and when it stops being usable.
 *
 * | phase        | meaning                                                       |
 * |--------------|---------------------------------------------------------------|
 * | `connecting` | a `connect` action was issued; waiting for the adapter         |
 * | `tunnelling` | connected to the proxy; CONNECT written, its answer awaited (tunnel.ts) |
 * | `securing`   | the tunnel is up; `start-tls` issued, waiting for `tlsEstablished` |
 * | `open`       | connected: busy (requests in flight) or idle (in the MRU stack) |
 * | `closed`     | the pool let go of it; every later input for it is ignored     |
 *
 * The first three are "establishing": `connectTimeoutMs` covers them all,
 * and a failure in any of them fails the request it was opened for as a
 * failed connect (nothing of that request was written).
 */
import { ClientConnection } from "./client-connection.ts";
import type { CloseReason, KeepAliveHint } from "./keep-alive.ts";
import type { Latin1Decoder } from "./latin1.ts";
import type { HttpVersion } from "./message.ts";
import type { PipelineConnection } from "./pipelining.ts";
import type { PoolEntry } from "./pool-request.ts";
import type { Route } from "./route.ts";
import type { SocketId } from "./socket-actions.ts";
import type { TunnelHandshake } from "./tunnel.ts";

/** Where a {@link PooledConnection} is in its life (table in the module header). */
export type PooledPhase = "connecting" | "tunnelling" | "securing" | "open" | "closed";

/** See the module comment. */
export class PooledConnection implements PipelineConnection {
  readonly socket: SocketId;
  readonly route: Route;
  readonly http: ClientConnection;
  phase: PooledPhase = "connecting";
  /** For a `tunnel` route: the CONNECT exchange, until the proxy's answer is known. */
  tunnel: TunnelHandshake | null = null;
  /** Requests written whose responses have not ended, oldest first. */
  readonly inFlight: PoolEntry[] = [];
  /** The request whose streamed body is being written. */
  writing: PoolEntry | null = null;
  /** The request this connection was opened for, while it still waits. */
  forRequest: PoolEntry | null = null;
  /** Requests written on this connection. */
  sent = 0;
  /** A complete response on it allowed it to persist (RFC 9112 §9.3). */
  proven = false;
  /** The version of the server's last response. */
  serverVersion: HttpVersion | null = null;
  /** Requests the server still accepts, from its last `Keep-Alive: max` (RFC 2068 §19.7.1.1). */
  serverRemaining = Number.POSITIVE_INFINITY;
  /** The server's latest `Keep-Alive` hint. */
  hint: KeepAliveHint | null = null;
  /** Connecting: give up at this time. */
  connectDeadline: number;
  /** Idle: stop reusing at this time. */
  idleDeadline = Number.POSITIVE_INFINITY;
  /** On its origin's idle stack (kept by origin-pool.ts: spares a search of the stack). */
  inIdleStack = false;
  /** When it last became idle (for choosing whom to evict). */
  idleSince = 0;
  /** Set when we retire it after the current requests (our request limit). */
  retiring: "max-requests" | null = null;
  /**
   * Why a response on it ended persistence (the server's side), if one did:
   * then the requests pipelined behind that response get no answer.
   */
  peerEnded: CloseReason | null = null;

  /** `decodeLatin1`: the pool's (see `PoolOptions.decodeLatin1`). */
  constructor(
    socket: SocketId,
    route: Route,
    connectDeadline: number,
    decodeLatin1?: Latin1Decoder,
  ) {
    this.socket = socket;
    this.route = route;
    // Through a tunnel the peer is the origin server, not the proxy.
    this.http = new ClientConnection({
      proxy: route.kind === "proxy",
      ...(decodeLatin1 !== undefined ? { decodeLatin1 } : {}),
    });
    this.connectDeadline = connectDeadline;
  }

  /** Connecting, tunnelling or securing: not yet open (table in the module header). */
  get establishing(): boolean {
    return this.phase === "connecting" || this.phase === "tunnelling" || this.phase === "securing";
  }

  /** A new request may be written now (persistent so far, nothing being written). */
  get canSend(): boolean {
    return this.phase === "open" && this.writing === null && this.http.canSend;
  }

  /** Open with nothing in flight. */
  get idle(): boolean {
    return this.phase === "open" && this.inFlight.length === 0 && this.writing === null;
  }

  /** Requests that may still be written: our limit and the server's `max`, whichever is lower. */
  requestsLeft(maxPerConnection: number): number {
    return Math.min(maxPerConnection - this.sent, this.serverRemaining);
  }

  /** The request in flight with this exchange id. */
  entryFor(exchange: number): PoolEntry | undefined {
    const head = this.inFlight[0];
    if (head !== undefined && head.exchange === exchange) return head;
    return this.inFlight.find((e) => e.exchange === exchange);
  }

  /**
   * Records a response's `Keep-Alive` hint. `max` counts requests after the
   * one answered, so the requests already pipelined behind it use it up.
   */
  noteHint(hint: KeepAliveHint): void {
    this.hint = hint;
    if (hint.max !== undefined) this.serverRemaining = hint.max - (this.inFlight.length - 1);
  }
}
