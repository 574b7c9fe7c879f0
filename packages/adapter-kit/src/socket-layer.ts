/**
 * The socket layer: the only thing a runtime adapter implements.
 *
 * Each adapter (node:net, Bun.listen/Bun.connect, Deno.listen/Deno.connect)
 * provides a {@link SocketLayer}; everything else — running core's server
 * sessions and client pool, timers, Web `Request`/`Response` — is shared
 * code in this package. The test kit also drives raw scripted peers through
 * the same layer, so one conformance suite runs on every runtime.
 */

/** One TCP connection, as an adapter exposes it. */
export interface RawSocket {
  /**
   * Queues buffers for writing, in order. Returns `false` when the runtime's
   * buffer is full: stop writing until {@link SocketHandlers.drain}.
   * The buffers must not be modified until written.
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Half-close: send FIN, keep reading (RFC 9112 §9.6). */
  shutdownWrite(): void;
  /** Close completely. `reset` aborts with RST where the runtime can. */
  close(reset?: boolean): void;
  /** Stop delivering `data` until {@link RawSocket.resumeRead}. */
  pauseRead(): void;
  resumeRead(): void;
  /** The peer's address (IP literal, no brackets), when known. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
}

/** What a socket reports. Every callback may be called only after `open`. */
export interface SocketHandlers {
  /** The connection is established (client) or accepted (server). */
  open(socket: RawSocket): void;
  /** Bytes arrived. The buffer may be reused by the runtime after the call returns. */
  data(bytes: Uint8Array): void;
  /** The peer sent FIN. */
  end(): void;
  /** Writes blocked by back-pressure may continue. */
  drain(): void;
  /** The socket is gone (after `close`, a reset, or an error). Called once. */
  close(error?: Error): void;
}

/** A listening server socket. */
export interface RawListener {
  readonly hostname: string;
  readonly port: number;
  /** Stops accepting. Open sockets are not touched. */
  close(): Promise<void>;
}

/** Options for {@link SocketLayer.listen}. */
export interface ListenOptions {
  /** Interface to bind; default "0.0.0.0". */
  readonly hostname?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

/** Options for {@link SocketLayer.connect}. */
export interface ConnectOptions {
  readonly hostname: string;
  readonly port: number;
  /** `https` origins (TLS) are not supported yet by every layer. */
  readonly tls?: boolean;
}

/** A runtime's TCP sockets. */
export interface SocketLayer {
  /** Name of the runtime, for events and reports ("node", "bun", "deno"). */
  readonly runtime: string;
  /**
   * The runtime reuses the buffer it passes to `data` once the callback
   * returns (so bytes kept longer must be copied). False on Node.
   */
  readonly reusesReadBuffers: boolean;
  /**
   * Listens; `accept` is called for each new connection and returns the
   * handlers for it (their `open` is called right away).
   */
  listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener>;
  /** Connects; `handlers.open` on success, `handlers.close(error)` on failure. */
  connect(options: ConnectOptions, handlers: SocketHandlers): void;
}
