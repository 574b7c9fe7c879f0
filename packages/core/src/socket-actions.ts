/**
 * What core asks a socket adapter to do. Core never touches a socket: its
 * drivers (the client pool, the server session) return these actions, and
 * the Node, Bun and Deno adapters carry them out in order. Time flows the
 * other way: a driver exposes its next deadline, the adapter arms one timer
 * and calls back with the current time when it fires.
 */

/** An adapter's handle for one socket, chosen by core (client) or the adapter (server). */
export type SocketId = number;

/** Where a client connects (RFC 9110 §4.3.2: scheme, host and port identify an origin). */
export interface Origin {
  readonly scheme: "http" | "https";
  /** Host name or IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
}

/** One instruction for an adapter. */
export type SocketAction =
  /**
   * Open a connection to `origin` and report back with the same id: TCP for
   * `http`, TLS over TCP for `https` (the adapter verifies the server as
   * `origin.host`; a failed handshake is `connectFailed(…, "tls")`).
   */
  | { readonly type: "connect"; readonly socket: SocketId; readonly origin: Origin }
  /**
   * Begin TLS on this open connection as the client of `origin` (a CONNECT
   * tunnel to it is established, RFC 9110 §9.3.6): verify the server as
   * `origin.host`, then report `tlsEstablished`, or `connectFailed(…, "tls")`
   * (or `connectFailed(…)` when the transport failed) once the socket is gone.
   */
  | { readonly type: "start-tls"; readonly socket: SocketId; readonly origin: Origin }
  /** Write these buffers, in order (a writev). */
  | { readonly type: "write"; readonly socket: SocketId; readonly data: readonly Uint8Array[] }
  /** Half-close: send FIN, keep reading (RFC 9112 §9.6). */
  | { readonly type: "shutdown-write"; readonly socket: SocketId }
  /** Close the socket completely, releasing it. */
  | { readonly type: "close"; readonly socket: SocketId }
  /** Stop reading from the socket (back-pressure); resume on `resume-read`. */
  | { readonly type: "pause-read"; readonly socket: SocketId }
  | { readonly type: "resume-read"; readonly socket: SocketId };

/** Formats an origin as `scheme://host:port` (IPv6 literals bracketed). */
export function originKey(origin: Origin): string {
  const host = origin.host.includes(":") ? `[${origin.host}]` : origin.host;
  return `${origin.scheme}://${host}:${origin.port}`;
}
