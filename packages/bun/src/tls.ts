/**
 * TLS for the Bun socket layer: `Bun.connect({ tls })`, `Bun.listen({ tls })`
 * and `socket.upgradeTLS()` options, and session resumption.
 *
 * What Bun 1.4.5 does (checked by test/tls.test.ts):
 *
 * - `ALPNProtocols` must be in wire format (length-prefixed), not a list.
 * - Without `serverName`, Bun sends the IP literal itself in SNI, which
 *   RFC 6066 §3 forbids: an empty `serverName` sends none, and the
 *   certificate is still checked against the IP.
 * - `tls: {}` is taken as "no TLS"; `rejectUnauthorized` is always set, so
 *   the object is never empty.
 * - With a `handshake` handler, `open` comes before the handshake and the
 *   handler says whether the certificate was trusted (`authorizationError`);
 *   without one, an untrusted certificate closes the socket with no error at
 *   all. The layer always sets one, to report a {@link TlsFailure}.
 * - A resumed session skips certificate verification. Sessions are kept per
 *   client TLS setting (one {@link ClientTlsOptions} object) and host:port,
 *   so a session verified under one trust setting is never offered under
 *   another. `setSession()` works in `open`, before the handshake.
 * - `upgradeTLS()` leaves the plain socket's handlers receiving the
 *   encrypted bytes; the layer detaches them.
 */
import {
  type ClientTlsOptions,
  type ServerTlsOptions,
  sniName,
  TlsFailure,
  TlsSessionCache,
} from "@tether/adapter-kit";
import type { TLSOptions } from "bun";

/** ALPN `http/1.1` only (RFC 7301), in wire format. */
const ALPN = new Uint8Array([8, ...new TextEncoder().encode("http/1.1")]).buffer;

/** Resumable sessions, per client TLS setting and `host:port`. */
export const sessions = new TlsSessionCache<Uint8Array>();

/** Bun's client TLS options for a connection to `hostname` (module comment). */
export function clientTls(hostname: string, options: ClientTlsOptions): TLSOptions {
  const ca = options.ca;
  return {
    serverName: sniName(hostname, options) ?? "",
    ALPNProtocols: ALPN,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    ...(ca !== undefined ? { ca: typeof ca === "string" ? ca : [...ca] } : {}),
    ...(options.cert !== undefined ? { cert: options.cert } : {}),
    ...(options.key !== undefined ? { key: options.key } : {}),
  };
}

/** Bun's server TLS options. */
export function serverTls(identity: ServerTlsOptions): TLSOptions {
  return { cert: identity.cert, key: identity.key, ALPNProtocols: ALPN };
}

/** The {@link TlsFailure} for a failed handshake. */
export function handshakeFailure(error: Error | null): TlsFailure {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error?.message ?? "the server's certificate was not accepted";
  return new TlsFailure(
    `TLS handshake failed: ${message}`,
    typeof code === "string" ? code : "TLS_FAILED",
    error ?? undefined,
  );
}
