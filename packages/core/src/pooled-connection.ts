/**
 * One connection of the pool: the socket id the adapter knows it by, the
 * {@link ClientConnection} that speaks HTTP/1.x on it, and what the pool
 * needs to decide about reuse — requests sent, the server's `Keep-Alive`
 * hint, whether it has proved persistent, and when it stops being usable.
 *
 * | phase        | meaning                                                       |
 * |--------------|---------------------------------------------------------------|
 * | `connecting` | a `connect` action was issued; waiting for the adapter         |
 * | `open`       | connected: busy (requests in flight) or idle (in the MRU stack) |
 * | `closed`     | the pool let go of it; every later input for it is ignored     |
 */
import { ClientConnection } from "./client-connection.ts";
import type { CloseReason, KeepAliveHint } from "./keep-alive.ts";
import type { HttpVersion } from "./message.ts";
import type { PipelineConnection } from "./pipelining.ts";
import type { PoolEntry } from "./pool-request.ts";
import type { Origin, SocketId } from "./socket-actions.ts";

/** Where a {@link PooledConnection} is in its life (table in the module header). */
export type PooledPhase = "connecting" | "open" | "closed";

/** See the module comment. */
export class PooledConnection implements PipelineConnection {
  readonly socket: SocketId;
  readonly route: Origin;
  readonly http: ClientConnection;
  phase: PooledPhase = "connecting";
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
  /** When it last became idle (for choosing whom to evict). */
  idleSince = 0;
  /** Set when we retire it after the current requests (our request limit). */
  retiring: "max-requests" | null = null;
  /**
   * Why a response on it ended persistence (the server's side), if one did:
   * then the requests pipelined behind that response get no answer.
   */
  peerEnded: CloseReason | null = null;

  constructor(socket: SocketId, route: Origin, proxy: boolean, connectDeadline: number) {
    this.socket = socket;
    this.route = route;
    this.http = new ClientConnection({ proxy });
    this.connectDeadline = connectDeadline;
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
