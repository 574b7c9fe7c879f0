/**
 * The socket layer: the only thing a runtime adapter implements.
 *
 * Each adapter (node:net, Bun.listen/Bun.connect, Deno.listen/Deno.connect)
 * provides a {@link SocketLayer}; everything else — running core's server
 * sessions and client pool, timers, Web `Request`/`Response` — is shared
 * code in this package. The test kit also drives raw scripted peers through
 * the same layer, so one conformance suite runs on every runtime.
 */

/** One TCP (or TLS) connection, as an adapter exposes it. */
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
  /**
   * Client side only: begins TLS on this open connection, in place — the
   * hand-off after a proxy's 2xx to CONNECT (RFC 9110 §9.3.6). `target` is
   * the origin at the tunnel's far end: the server is verified as
   * `target.hostname` with `target.tls` (SNI as for {@link ConnectOptions.tls};
   * sessions are resumed per hostname and port). From the call on, `data`
   * carries decrypted bytes and `write` encrypts.
   * `established` is called once the handshake completes; a failed handshake
   * closes the socket and reports `close(error)` — a {@link TlsFailure} when
   * TLS itself failed. Optional: a layer without it cannot tunnel `https`
   * through a proxy.
   */
  startTls?(target: ConnectOptions, established: () => void): void;
  /**
   * The time to stamp the event being delivered (`data`, `end`) with:
   * monotonic milliseconds, whole, never less than an earlier answer, and
   * read no earlier than the event's bytes arrived. For a runtime whose
   * clock is costly to read (a native call on Deno) and that delivers many
   * events in one turn of its event loop: it may read the clock once per
   * turn. Never the wall clock, which can jump. Optional: without it the
   * server reads the monotonic clock for every event.
   */
  eventTime?(): number;
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

/** A server's TLS identity: PEM text, as read from the files. */
export interface ServerTlsOptions {
  /** The certificate chain, leaf first (PEM). */
  readonly cert: string;
  /** The private key (PEM). */
  readonly key: string;
}

/**
 * How a client speaks TLS. Every layer offers ALPN `http/1.1` only
 * (RFC 7301; Tether speaks nothing else) and verifies the server's
 * certificate unless told not to.
 */
export interface ClientTlsOptions {
  /**
   * The name sent in SNI (RFC 6066 §3) and checked against the
   * certificate. Default: the host connected to; an IP literal is never
   * sent in SNI ("Literal IPv4 and IPv6 addresses are not permitted"), and
   * is checked against the certificate's IP addresses instead.
   */
  readonly servername?: string;
  /** Trusted CA certificates (PEM), instead of the runtime's default store. */
  readonly ca?: string | readonly string[];
  /** A client certificate chain (PEM), for servers that ask for one. */
  readonly cert?: string;
  /** The client certificate's private key (PEM). */
  readonly key?: string;
  /** Verify the server's certificate and name. Default true; false is for tests only. */
  readonly rejectUnauthorized?: boolean;
}

/** Options for {@link SocketLayer.listen}. */
export interface ListenOptions {
  /** Interface to bind; default "0.0.0.0". */
  readonly hostname?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /**
   * Serve TLS with this identity. Accepted sockets report `open` once the
   * handshake is done; a failed handshake never reaches `accept`.
   * `shutdownWrite` sends close_notify before FIN where the runtime can.
   */
  readonly tls?: ServerTlsOptions;
}

/** Options for {@link SocketLayer.connect}. */
export interface ConnectOptions {
  readonly hostname: string;
  readonly port: number;
  /**
   * Speak TLS (`https` origins). `open` comes once the handshake is done; a
   * handshake that fails as TLS (untrusted certificate, wrong name, an
   * alert) is reported as `close(error)` with a {@link TlsFailure}.
   */
  readonly tls?: ClientTlsOptions;
}

/**
 * A TLS handshake failed as TLS: the certificate is not trusted, expired or
 * for another name, or the peer sent an alert. Layers report it through
 * `close(error)`, so that the client can tell it (`TLS_FAILED`, not
 * retried) from a transport failure (`CONNECT_FAILED`, retried).
 */
export class TlsFailure extends Error {
  override readonly name = "TlsFailure";
  /** The runtime's code for the failure, when it has one (e.g. `UNABLE_TO_VERIFY_LEAF_SIGNATURE`). */
  readonly code: string;

  constructor(message: string, code = "TLS_FAILED", cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/** True for an IPv4 or IPv6 literal (brackets allowed): never sent in SNI (RFC 6066 §3). */
export function isIpLiteral(hostname: string): boolean {
  const host =
    hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  if (host.includes(":")) return true;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** The SNI name for a connection to `hostname` (see {@link ClientTlsOptions.servername}), or undefined. */
export function sniName(hostname: string, tls: ClientTlsOptions): string | undefined {
  if (tls.servername !== undefined) return tls.servername;
  return isIpLiteral(hostname) ? undefined : hostname;
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
   * The runtime's native decoder of octets to a string with one code point
   * per octet (latin1: 0x00 → U+0000 … 0xFF → U+00FF, every octet value),
   * handed to core's parsers (`ParserOptions.decodeLatin1`). Optional: core
   * has a portable one. Node and Bun have `Buffer.prototype.latin1Slice`.
   */
  readonly decodeLatin1?: (bytes: Uint8Array, start: number, end: number) => string;
  /**
   * The runtime's native encoder of a string to octets, one per code unit
   * (the inverse of {@link decodeLatin1}): writes `text` into `into` from
   * index 0, `into.length === text.length`, every code unit ≤ 0xFF.
   * Installed in core for every outgoing head (core's
   * `installLatin1Writer`). Optional: core's portable path is used without
   * it. Node has `Buffer.prototype.latin1Write`.
   */
  readonly encodeLatin1?: (text: string, into: Uint8Array) => void;
  /**
   * Listens; `accept` is called for each new connection and returns the
   * handlers for it (their `open` is called right away).
   */
  listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener>;
  /** Connects; `handlers.open` on success, `handlers.close(error)` on failure. */
  connect(options: ConnectOptions, handlers: SocketHandlers): void;
}
