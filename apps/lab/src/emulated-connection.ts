/**
 * One emulated connection of the link (relay.ts): the client's socket, the
 * relay's socket to the server, and a {@link Pipe} each way. It records what
 * it sees of every request and response in its {@link LinkRecord}, closes
 * each side as the other's FIN or reset arrives (RFC 9112 §9.6 half-closes
 * pass through), and applies the `dropAfter` fault.
 */
import type { RawSocket, SocketHandlers, SocketLayer } from "@tether/adapter-kit";
import type { LinkParameters, Sender } from "./link-model.ts";
import { type Piece, Pipe } from "./pipe.ts";
import type { LinkRecord } from "./relay.ts";
import { clock, type Timeline } from "./timeline.ts";
import { RequestTap, ResponseTap } from "./wire-tap.ts";

/** What a connection needs from the relay. */
export interface ConnectionContext {
  readonly params: LinkParameters;
  readonly timeline: Timeline;
  readonly layer: SocketLayer;
  /** The origin server. */
  readonly origin: { readonly hostname: string; readonly port: number };
  /** The fault: close after this many requests. */
  readonly dropAfter: number | undefined;
  /** A sender for one direction, through that direction's shared bottleneck. */
  sender(direction: "up" | "down", openAt: number): Sender;
  /** The connection is closed on both sides (or destroyed). */
  closed(c: Connection): void;
}

/** One emulated connection: the client's socket, the relay's socket to the server, two pipes. */
export class Connection {
  private readonly relay: ConnectionContext;
  private readonly record: LinkRecord;
  private readonly copy: boolean;
  private readonly requestTap = new RequestTap();
  private readonly responseTap = new ResponseTap();
  private readonly upPipe: Pipe;
  private readonly downPipe: Pipe;
  private client: RawSocket | null = null;
  private upstream: RawSocket | null = null;
  /** Bytes for the server that arrived before the relay's connection to it opened. */
  private early: Uint8Array[] = [];
  private upstreamState: "waiting" | "connecting" | "open" | "closed" = "waiting";
  private shutdownUpstreamOnOpen = false;
  private clientEnded = false;
  private clientClosed = false;
  private upstreamEnded = false;
  private upFinDelivered = false;
  private downFinDelivered = false;
  /** The fault (see {@link startDrop}): not yet, waiting for the N-th response, done. */
  private drop: "none" | "pending" | "done" = "none";
  private done = false;

  constructor(relay: ConnectionContext, record: LinkRecord) {
    this.relay = relay;
    this.record = record;
    this.copy = relay.layer.reusesReadBuffers;
    const half = relay.params.rttMs / 2;
    // The first byte leaves once the handshakes are done (TCP's, and TLS's with --tls).
    const openAt = record.tlsDoneAt ?? record.establishedAt;
    this.upPipe = new Pipe(relay.sender("up", openAt), relay.timeline, half, {
      left: (piece, at) => {
        const r = record.requests[piece.tag.index];
        if (r !== undefined) r.leftAt = at;
      },
      deliver: (piece) => this.toServer(piece),
      fin: () => {
        this.upFinDelivered = true;
        if (this.upstreamState === "open") this.upstream?.shutdownWrite();
        else this.shutdownUpstreamOnOpen = true;
        this.settle();
      },
    });
    this.downPipe = new Pipe(relay.sender("down", openAt), relay.timeline, half, {
      left: () => {},
      deliver: (piece) => this.toClient(piece),
      fin: () => {
        this.downFinDelivered = true;
        this.record.clientFinAt = clock();
        if (!this.clientClosed) this.client?.shutdownWrite();
        this.settle();
      },
    });
  }

  clientHandlers(): SocketHandlers {
    return {
      open: (socket) => {
        this.client = socket;
        // The ACK of the handshake reaches the server 1.5 RTT after the SYN left.
        const at = this.record.acceptedAt + this.relay.params.rttMs * 1.5;
        this.relay.timeline.at(at, () => this.connectUpstream());
      },
      data: (bytes) => {
        const data = this.copy ? bytes.slice() : bytes;
        this.record.bytesUp += data.length;
        const now = clock();
        for (const span of this.requestTap.feed(data)) {
          if (span.starts) {
            this.record.requests[span.index] = {
              index: span.index,
              method: "",
              target: "",
              version: "",
              arrivedAt: now,
              leftAt: null,
              deliveredAt: null,
              fate: "pending",
            };
          }
          const line = this.requestTap.lines[span.index];
          const r = this.record.requests[span.index];
          if (span.ends && line !== undefined && r !== undefined) {
            r.method = line.method;
            r.target = line.target;
            r.version = line.version;
          }
          this.upPipe.push({ bytes: data.subarray(span.from, span.to), tag: span });
        }
      },
      end: () => {
        this.clientEnded = true;
        this.record.endedBy ??= "client";
        this.upPipe.end();
        this.settle();
      },
      drain: () => {},
      close: (error) => {
        this.clientClosed = true;
        if (error !== undefined || !this.clientEnded) this.abort(error ? "error" : "client");
        else this.settle();
      },
    };
  }

  /** Tears the connection down at once (a reset): the other side learns of it RTT/2 later. */
  abort(reason: "client" | "error"): void {
    this.record.endedBy ??= reason;
    this.upPipe.kill();
    this.downPipe.kill();
    const half = this.relay.params.rttMs / 2;
    if (!this.clientClosed) {
      this.relay.timeline.at(clock() + half, () => {
        this.record.clientFinAt ??= clock();
        this.client?.close(true);
      });
    }
    if (this.upstreamState === "open") {
      this.relay.timeline.at(clock() + half, () => this.upstream?.close(true));
    } else if (this.upstreamState === "waiting") this.upstreamState = "closed";
    this.clientEnded = true;
    this.upFinDelivered = true;
    this.downFinDelivered = true;
    this.settle();
  }

  /** Closes both sockets now (the relay is shutting down). */
  destroy(): void {
    this.record.endedBy ??= "error";
    this.upPipe.kill();
    this.downPipe.kill();
    if (!this.clientClosed) {
      this.clientClosed = true;
      this.client?.close(true);
    }
    const upstream = this.upstream;
    this.upstreamState = "closed";
    this.upstream = null;
    upstream?.close(true);
    this.done = true;
    this.record.closedAt ??= clock();
    this.count();
    this.relay.closed(this);
  }

  private connectUpstream(): void {
    if (this.upstreamState !== "waiting") return;
    this.upstreamState = "connecting";
    const { hostname, port } = this.relay.origin;
    this.relay.layer.connect(
      { hostname, port },
      {
        open: (socket) => {
          if (this.upstreamState !== "connecting") {
            socket.close(true);
            return;
          }
          this.upstream = socket;
          this.upstreamState = "open";
          this.record.upstreamAt = clock();
          if (this.early.length > 0) socket.write(this.early.splice(0));
          if (this.shutdownUpstreamOnOpen) socket.shutdownWrite();
        },
        data: (bytes) => this.fromServer(this.copy ? bytes.slice() : bytes),
        end: () => {
          this.upstreamEnded = true;
          this.record.endedBy ??= "server";
          if (this.responseTap.closed()) this.markLastComplete();
          this.downPipe.end();
          this.settle();
        },
        drain: () => {},
        close: () => {
          const state = this.upstreamState;
          this.upstreamState = "closed";
          this.upstream = null;
          if (state === "open" && !this.upstreamEnded) {
            this.upstreamEnded = true;
            this.record.endedBy ??= "server";
            this.downPipe.end();
          } else if (state === "connecting") {
            // The server could not be reached: the client's connection goes too.
            this.abort("error");
          }
          this.settle();
        },
      },
    );
  }

  private fromServer(data: Uint8Array): void {
    if (this.drop === "done") return;
    this.record.bytesDown += data.length;
    const now = clock();
    for (const span of this.responseTap.feed(data)) {
      if (span.starts) {
        this.record.responses[span.index] = {
          index: span.index,
          status: 0,
          sentAt: now,
          firstByteAt: null,
          lastByteAt: null,
          complete: false,
        };
      }
      const head = this.responseTap.heads[span.index];
      const r = this.record.responses[span.index];
      if (head !== undefined && r !== undefined) r.status = head.status;
      this.downPipe.push({ bytes: data.subarray(span.from, span.to), tag: span });
    }
    this.checkDrop();
  }

  private markLastComplete(): void {
    const last = this.record.responses[this.record.responses.length - 1];
    if (last !== undefined) last.complete = true;
  }

  /** A piece reaches the server, unless the connection is being dropped or the server has closed. */
  private toServer(piece: Piece): void {
    const r = this.record.requests[piece.tag.index];
    const limit = this.relay.dropAfter;
    if (this.drop !== "none" || (limit !== undefined && piece.tag.index >= limit)) {
      if (r !== undefined) r.fate = "dropped";
      this.startDrop();
      return;
    }
    if (this.upstreamState === "closed" || this.upstreamEnded) {
      if (r !== undefined) r.fate = "server-closed";
      return;
    }
    if (this.upstreamState === "open") this.upstream?.write([piece.bytes]);
    else this.early.push(piece.bytes);
    if (piece.tag.ends && r !== undefined) {
      r.deliveredAt = clock();
      r.fate = "delivered";
    }
  }

  /** A piece reaches the client. */
  private toClient(piece: Piece): void {
    if (this.clientClosed) return;
    this.client?.write([piece.bytes]);
    const r = this.record.responses[piece.tag.index];
    if (r === undefined) return;
    const now = clock();
    if (piece.tag.starts) r.firstByteAt = now;
    if (piece.tag.ends) {
      r.lastByteAt = now;
      r.complete = true;
    }
  }

  /**
   * The fault: a request after the N-th reached the server side. The server
   * answers the N it has, then closes; its FIN follows the N-th response to
   * the client, and every later request is lost.
   */
  private startDrop(): void {
    if (this.drop !== "none") return;
    this.drop = "pending";
    this.record.endedBy ??= "drop";
    this.checkDrop();
  }

  private checkDrop(): void {
    const limit = this.relay.dropAfter ?? 0;
    if (this.drop !== "pending") return;
    if (this.responseTap.completed < limit && this.upstreamState === "open") return;
    this.drop = "done";
    const socket = this.upstream;
    this.upstreamState = "closed";
    this.upstream = null;
    socket?.close();
    this.upstreamEnded = true;
    this.downPipe.end();
    this.settle();
  }

  /** Copies the model's counters into the record. */
  count(): void {
    this.record.slowStartRounds = this.upPipe.slowStartRounds + this.downPipe.slowStartRounds;
    this.record.finalWindow = this.downPipe.window;
  }

  /** Closes what is finished; reports the connection closed once both sides are. */
  private settle(): void {
    if (this.done) return;
    if (this.clientEnded && this.downFinDelivered && !this.clientClosed) {
      this.clientClosed = true;
      this.client?.close();
    }
    if (this.upFinDelivered && this.upstreamEnded && this.upstreamState === "open") {
      this.upstreamState = "closed";
      this.upstream?.close();
    }
    const upstreamDone = this.upstreamState === "closed" || this.upstreamState === "waiting";
    if (this.clientClosed && upstreamDone && (this.upstreamEnded || this.upFinDelivered)) {
      this.done = true;
      this.record.closedAt = clock();
      this.count();
      if (this.upstreamState === "waiting") this.upstreamState = "closed";
      this.relay.closed(this);
    }
  }
}
