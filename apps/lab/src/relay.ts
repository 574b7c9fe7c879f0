/**
 * The link emulator: a TCP relay on loopback between the lab's client and
 * its origin server, built on a runtime's {@link SocketLayer} (so it runs on
 * Node, Bun and Deno alike). Each accepted connection is one emulated
 * connection: its bytes are delayed and paced by the model of
 * link-model.ts, and the relay records what it saw of every request and
 * response ({@link LinkRecord}) for the waterfall.
 *
 * Faults: with `dropAfter: N`, the server side closes a connection, without
 * a word, once N requests have been answered and the next one arrives — as
 * a restarting server or a middlebox would. Requests after the N-th are
 * lost; the client sees the connection close with them unanswered.
 */
import type { RawListener, SocketHandlers, SocketLayer } from "@tether/adapter-kit";
import { Connection, type ConnectionContext } from "./emulated-connection.ts";
import { Bottleneck, type LinkParameters, Sender } from "./link-model.ts";
import { clock, Timeline } from "./timeline.ts";

/** A request as the link saw it. Times on the shared monotonic clock (ms). */
export interface WireRequest {
  readonly index: number;
  method: string;
  target: string;
  version: string;
  /** Its first byte reached the link (the client wrote it). */
  readonly arrivedAt: number;
  /** Its first byte left for the server (after the handshake and the window). */
  leftAt: number | null;
  /** Its last byte reached the server. */
  deliveredAt: number | null;
  /** `dropped` by the fault; `server-closed`: arrived after the server had closed. */
  fate: "pending" | "delivered" | "dropped" | "server-closed";
}

/** A response as the link saw it. */
export interface WireResponse {
  readonly index: number;
  status: number;
  /** The server wrote its first byte. */
  readonly sentAt: number;
  /** Its first byte reached the client. */
  firstByteAt: number | null;
  /** Its last byte reached the client. */
  lastByteAt: number | null;
  complete: boolean;
}

/** Everything the link saw of one connection. */
export interface LinkRecord {
  /** 1 for the first connection accepted, 2 for the next… */
  readonly id: number;
  /** The client connected (its SYN). */
  readonly acceptedAt: number;
  /** The TCP handshake is done (one RTT after the SYN). */
  readonly establishedAt: number;
  /**
   * With TLS, its handshake is done too (`tlsRtts` more round trips):
   * the request's first byte may leave. `null` without TLS.
   */
  readonly tlsDoneAt: number | null;
  /** Round trips of the TLS handshake (0 without TLS). */
  readonly tlsRtts: number;
  /** The relay's connection to the server opened (when the ACK would arrive, 1.5 RTT). */
  upstreamAt: number | null;
  /** The server's FIN (or the reset) reached the client. */
  clientFinAt: number | null;
  /** Both sides are closed. */
  closedAt: number | null;
  /** Who ended the connection first. */
  endedBy: "client" | "server" | "drop" | "error" | null;
  readonly requests: WireRequest[];
  readonly responses: WireResponse[];
  bytesUp: number;
  bytesDown: number;
  /** Slow-start rounds, both directions (link-model.ts point 5). */
  slowStartRounds: number;
  /** The server→client congestion window at the end (bytes). */
  finalWindow: number;
}

/** Faults the link injects. */
export interface LinkFaults {
  /** Close each connection, unannounced, after this many requests. */
  readonly dropAfter?: number;
}

/** A running link emulator. */
export class LinkEmulator {
  /** Every connection so far, in the order they were accepted. */
  readonly links: LinkRecord[] = [];
  private readonly layer: SocketLayer;
  private readonly params: LinkParameters;
  private readonly target: { readonly hostname: string; readonly port: number };
  private readonly faults: LinkFaults;
  private readonly timeline = new Timeline();
  private readonly up: Bottleneck;
  private readonly down: Bottleneck;
  private readonly open = new Set<Connection>();
  private idleWaiters: (() => void)[] = [];
  private listener: RawListener | null = null;

  private constructor(
    layer: SocketLayer,
    params: LinkParameters,
    target: { hostname: string; port: number },
    faults: LinkFaults,
  ) {
    this.layer = layer;
    this.params = params;
    this.target = target;
    this.faults = faults;
    this.up = new Bottleneck(params.bytesPerMs);
    this.down = new Bottleneck(params.bytesPerMs);
  }

  /** Starts a relay on a free loopback port, forwarding to `target`. */
  static async start(
    layer: SocketLayer,
    params: LinkParameters,
    target: { hostname: string; port: number },
    faults: LinkFaults = {},
  ): Promise<LinkEmulator> {
    const relay = new LinkEmulator(layer, params, target, faults);
    relay.listener = await layer.listen({ hostname: "127.0.0.1", port: 0 }, () => relay.accept());
    return relay;
  }

  /** `http://127.0.0.1:PORT`: the origin as the client sees it. */
  get url(): string {
    return `http://127.0.0.1:${this.listener?.port ?? 0}`;
  }

  /** Every connection so far, with the counters of open ones brought up to date. */
  observe(): readonly LinkRecord[] {
    for (const c of this.open) c.count();
    return this.links;
  }

  /** Resolves once every connection is closed (or after `timeoutMs`). */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops listening and resets whatever is still open. */
  async close(): Promise<void> {
    await this.listener?.close();
    this.timeline.clear();
    for (const c of [...this.open]) c.destroy();
  }

  private accept(): SocketHandlers {
    const now = clock();
    const { rttMs, tlsRtts } = this.params;
    const record: LinkRecord = {
      id: this.links.length + 1,
      acceptedAt: now,
      establishedAt: now + rttMs,
      tlsDoneAt: tlsRtts > 0 ? now + rttMs * (1 + tlsRtts) : null,
      tlsRtts,
      upstreamAt: null,
      clientFinAt: null,
      closedAt: null,
      endedBy: null,
      requests: [],
      responses: [],
      bytesUp: 0,
      bytesDown: 0,
      slowStartRounds: 0,
      finalWindow: 0,
    };
    this.links.push(record);
    const c = new Connection(this.context(), record);
    this.open.add(c);
    return c.clientHandlers();
  }

  private context(): ConnectionContext {
    return {
      params: this.params,
      timeline: this.timeline,
      layer: this.layer,
      origin: this.target,
      dropAfter: this.faults.dropAfter,
      sender: (direction, openAt) =>
        new Sender(this.params, direction === "up" ? this.up : this.down, openAt),
      closed: (c) => {
        this.open.delete(c);
        if (this.open.size === 0) for (const w of this.idleWaiters.splice(0)) w();
      },
    };
  }
}
