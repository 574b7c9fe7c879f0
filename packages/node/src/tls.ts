/**
 * TLS for the Node socket layer, over `node:tls`: client options (ALPN
 * `http/1.1` only, SNI, trust, client certificates), session resumption,
 * the TLS server, and telling a TLS failure from a transport one.
 *
 * - SNI (RFC 6066 §3) names the host connected to, never an IP literal;
 *   the certificate is checked against `host` (a name, or the IP).
 * - Session resumption: every TLS connection's `session` tickets are kept
 *   per host:port, and the next connection to it offers the newest one
 *   (`tls.connect({ session })`), saving the full handshake. The cache
 *   belongs to one {@link ClientTlsOptions} object (one client's setting),
 *   so a session verified under one trust setting is never resumed under
 *   another; it holds at most {@link TLS_SESSION_CACHE_SIZE} entries.
 * - A failure before the handshake completed is a {@link TlsFailure} when
 *   TLS failed (certificate, name, alert), and left as it is when the
 *   transport did (refused, reset: an error with a `syscall`, or an errno
 *   code such as ECONNRESET).
 * - Graceful close: `end()` on a TLS socket sends close_notify, then FIN.
 *   `close(true)` cannot reset a TLS socket (Node's `resetAndDestroy()`
 *   refuses TLS handles): it is destroyed instead.
 */
import * as tls from "node:tls";
import {
  type ClientTlsOptions,
  type RawSocket,
  type ServerTlsOptions,
  type SocketHandlers,
  sniName,
  TlsFailure,
  TlsSessionCache,
} from "@tether/adapter-kit";

/** Tether speaks HTTP/1.1 only (RFC 7301). */
const ALPN = ["http/1.1"];

/** Resumable sessions (see the module comment). */
const sessions = new TlsSessionCache<Buffer>();

/** `tls.connect` options for a client connection to `hostname:port` (plus `socket` for a tunnel). */
export function clientOptions(
  hostname: string,
  port: number,
  options: ClientTlsOptions,
): tls.ConnectionOptions {
  const servername = sniName(hostname, options);
  const session = sessions.get(options, hostname, port);
  const ca = options.ca;
  return {
    host: hostname,
    port,
    ALPNProtocols: ALPN,
    ...(servername !== undefined ? { servername } : {}),
    ...(ca !== undefined ? { ca: typeof ca === "string" ? ca : [...ca] } : {}),
    ...(options.cert !== undefined ? { cert: options.cert } : {}),
    ...(options.key !== undefined ? { key: options.key } : {}),
    rejectUnauthorized: options.rejectUnauthorized !== false,
    ...(session !== undefined ? { session } : {}),
  };
}

/** Keeps the session tickets a client connection receives, for the next connection. */
export function rememberSessions(
  socket: tls.TLSSocket,
  hostname: string,
  port: number,
  options: ClientTlsOptions,
): void {
  socket.on("session", (session: Buffer) => {
    // Only a session whose server passed verification (or was not asked to).
    if (!socket.authorized && options.rejectUnauthorized !== false) return;
    sessions.keep(options, hostname, port, session);
  });
}

/**
 * Handlers that report a failure before the handshake completed as a
 * {@link TlsFailure} when TLS failed; `secured()` marks the handshake done.
 */
export class TlsHandlers implements SocketHandlers {
  private readonly inner: SocketHandlers;
  private handshaken = false;

  constructor(inner: SocketHandlers) {
    this.inner = inner;
  }

  /** The handshake completed: later errors are the connection's, not the handshake's. */
  secured(): void {
    this.handshaken = true;
  }

  open(socket: RawSocket): void {
    this.inner.open(socket);
  }

  data(bytes: Uint8Array): void {
    this.inner.data(bytes);
  }

  end(): void {
    this.inner.end();
  }

  drain(): void {
    this.inner.drain();
  }

  close(error?: Error): void {
    if (error === undefined) this.inner.close();
    else this.inner.close(this.handshaken ? error : classify(error));
  }
}

/** A handshake-time error as a {@link TlsFailure} when TLS failed, else as it is (module comment). */
export function classify(error: Error): Error {
  const e = error as Error & { code?: unknown; syscall?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  if (typeof e.syscall === "string" || /^E[A-Z]+$/.test(code)) return error;
  return new TlsFailure(`TLS handshake failed: ${error.message}`, code || "TLS_FAILED", error);
}

/** A TLS server: PEM identity, ALPN `http/1.1`, half-open sockets, TCP_NODELAY. */
export function createTlsServer(
  identity: ServerTlsOptions,
  onSecure: (socket: tls.TLSSocket) => void,
): tls.Server {
  const server = tls.createServer(
    {
      cert: identity.cert,
      key: identity.key,
      ALPNProtocols: ALPN,
      allowHalfOpen: true,
      noDelay: true,
    } as tls.TlsOptions,
    onSecure,
  );
  // A client that fails its handshake never reaches the application.
  server.on("tlsClientError", ignore);
  return server;
}

function ignore(): void {}
