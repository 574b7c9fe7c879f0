/**
 * TLS for the Deno socket layer, over `Deno.connectTls`, `Deno.startTls`
 * and `Deno.listenTls` (rustls inside Deno): client options, the handshake
 * before `open`/`accept`, and telling a TLS failure from a transport one.
 *
 * What Deno 2.9 does (checked by test/tls.test.ts):
 *
 * - The name given as `hostname` is both SNI and the name the certificate
 *   is checked against; for an IP literal no SNI is sent (RFC 6066 §3) and
 *   the certificate's IP addresses are checked. A custom
 *   {@link ClientTlsOptions.servername} therefore dials the address with
 *   `Deno.connect` and starts TLS on it as the other name.
 * - `caCerts` are trusted *in addition to* Deno's root store (Node's `ca`
 *   replaces it); the runtime's roots still apply.
 * - A `Deno.TlsConn` has no `setNoDelay`: clients dial TCP with
 *   `Deno.connect`, set TCP_NODELAY, then `Deno.startTls`. Only a client
 *   certificate needs `Deno.connectTls` (`startTls` takes none). Accepted
 *   TLS connections keep Deno's default (Nagle on).
 * - There is no per-connection way to skip certificate verification:
 *   `rejectUnauthorized: false` only skips the name check
 *   (`unsafelyDisableHostnameVerification`); the chain is still verified
 *   unless Deno runs with `--unsafely-ignore-certificate-errors`.
 * - No session resumption: each connection makes a full handshake.
 * - The handshake runs lazily; the layer awaits `handshake()` before
 *   `open` (client) and before `accept` (server), so a failed handshake is
 *   a `close(TlsFailure)` and never an open socket. rustls reports TLS
 *   failures as `Deno.errors.InvalidData`; anything else (refused, reset)
 *   is the transport's and is passed on as it is.
 * - A server gives an accepted connection {@link HANDSHAKE_TIMEOUT_MS} for
 *   its handshake, and drops it when the listener closes. But Deno keeps
 *   the TCP connection under a `TlsConn` closed mid-handshake open until
 *   the handshake can end (denoland/deno#14547): a client that stays
 *   silent holds its socket until it sends or goes.
 * - `closeWrite()` on a `TlsConn` sends close_notify, then FIN.
 * - A peer that closes without close_notify (many servers do) makes rustls
 *   fail the read with `UnexpectedEof`. The layer reports it as the end of
 *   the stream (`end`), as Node and Bun do: HTTP framing tells a complete
 *   message from a cut one (RFC 9112 §9.8 accepts such an "incomplete
 *   close" for messages with a Content-Length or a final chunk). Only a
 *   read-until-close body would need the difference, which the layer
 *   contract cannot carry.
 */
import {
  type ClientTlsOptions,
  type ConnectOptions,
  type ServerTlsOptions,
  sniName,
  TlsFailure,
} from "@tether/adapter-kit";

/** Tether speaks HTTP/1.1 only (RFC 7301). */
const ALPN = ["http/1.1"];

/** A server drops a connection whose handshake has not completed in this long (ms), as Node's `handshakeTimeout`. */
export const HANDSHAKE_TIMEOUT_MS = 120_000;

/** IPv6 literals may arrive bracketed, as in URLs (`[::1]`); Deno wants them bare. */
function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** rustls' certificate verdicts, named with the codes Node (OpenSSL) gives for them. */
const CODES: readonly (readonly [RegExp, string])[] = [
  [/UnknownIssuer/, "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
  [/not valid for name|NotValidForName/, "ERR_TLS_CERT_ALTNAME_INVALID"],
  [/Expired/, "CERT_HAS_EXPIRED"],
  [/NotValidYet/, "CERT_NOT_YET_VALID"],
  [/Revoked/, "CERT_REVOKED"],
];

/** A handshake-time error as a {@link TlsFailure} when TLS failed, else as it is (module comment). */
export function classify(error: unknown): Error {
  const e = error instanceof Error ? error : new Error(String(error));
  if (!(e instanceof Deno.errors.InvalidData)) return e;
  const code = CODES.find(([pattern]) => pattern.test(e.message))?.[1] ?? "TLS_FAILED";
  return new TlsFailure(`TLS handshake failed: ${e.message}`, code, e);
}

/** A TLS peer's FIN without close_notify (module comment): the end of the stream, not a failure. */
export function isUncleanTlsEnd(error: unknown): boolean {
  return error instanceof Deno.errors.UnexpectedEof;
}

/** `ca` as Deno's `caCerts` list. */
function caCerts(options: ClientTlsOptions): { caCerts?: string[] } {
  const ca = options.ca;
  if (ca === undefined) return {};
  return { caCerts: typeof ca === "string" ? [ca] : [...ca] };
}

/** Options shared by `connectTls` and `startTls`, verifying the server as `name`. */
function common(name: string, options: ClientTlsOptions) {
  return {
    hostname: name,
    alpnProtocols: ALPN,
    ...caCerts(options),
    ...(options.rejectUnauthorized === false ? { unsafelyDisableHostnameVerification: true } : {}),
  };
}

/** Runs the handshake; a failure closes `conn` and rejects with {@link classify}'s error. */
async function handshaken(conn: Deno.TlsConn): Promise<Deno.TlsConn> {
  try {
    await conn.handshake();
    return conn;
  } catch (error) {
    closeQuietly(conn);
    throw classify(error);
  }
}

/** The name to verify the server as: the SNI name, else the IP literal itself. */
function verifiedName(hostname: string, options: ClientTlsOptions): string {
  return sniName(hostname, options) ?? hostname;
}

/**
 * Starts TLS on a connected TCP connection (a dialled origin, or a CONNECT
 * tunnel's far end) and completes the handshake. The TCP connection is
 * consumed at once (no read or write may be pending on it).
 */
export function startTlsOn(tcp: Deno.TcpConn, target: ConnectOptions): Promise<Deno.TlsConn> {
  const settings = target.tls ?? {};
  if (settings.cert !== undefined || settings.key !== undefined) {
    closeQuietly(tcp);
    const why =
      "Deno.startTls cannot present a client certificate (through a proxy, or with a custom servername)";
    return Promise.reject(new TlsFailure(why, "TLS_CLIENT_CERT_UNSUPPORTED"));
  }
  const name = verifiedName(bare(target.hostname), settings);
  let started: Promise<Deno.TlsConn>;
  try {
    started = Deno.startTls(tcp, common(name, settings));
  } catch (error) {
    closeQuietly(tcp);
    return Promise.reject(classify(error));
  }
  return started.then(handshaken, (error: unknown) => Promise.reject(classify(error)));
}

/**
 * Dials `options` and completes the TLS handshake. TCP with TCP_NODELAY
 * then `startTls`, or `connectTls` when a client certificate is to be
 * presented (module comment).
 */
export async function connectTls(options: ConnectOptions): Promise<Deno.TlsConn> {
  const settings = options.tls ?? {};
  const hostname = bare(options.hostname);
  if ((settings.cert === undefined) !== (settings.key === undefined)) {
    throw new TlsFailure(
      "a client certificate needs both cert and key",
      "TLS_CLIENT_CERT_INCOMPLETE",
    );
  }
  if (settings.cert !== undefined && settings.key !== undefined) {
    const certified = { cert: settings.cert, key: settings.key };
    const name = verifiedName(hostname, settings);
    if (settings.servername !== undefined && name !== hostname) {
      throw new TlsFailure(
        "Deno.connectTls cannot verify a custom servername with a client certificate",
        "TLS_CLIENT_CERT_UNSUPPORTED",
      );
    }
    const conn = await Deno.connectTls({
      port: options.port,
      ...common(hostname, settings),
      ...certified,
    });
    return handshaken(conn);
  }
  const tcp = await Deno.connect({ hostname, port: options.port, transport: "tcp" });
  try {
    tcp.setNoDelay(true);
  } catch {
    // The peer is already gone: the handshake will say so.
  }
  return startTlsOn(tcp, options);
}

/** `Deno.listenTls` with the server's identity, offering ALPN `http/1.1`. */
export function listenTls(
  hostname: string,
  port: number,
  identity: ServerTlsOptions,
): Deno.TlsListener {
  return Deno.listenTls({
    hostname,
    port,
    transport: "tcp",
    cert: identity.cert,
    key: identity.key,
    alpnProtocols: ALPN,
  });
}

/**
 * Completes an accepted connection's handshake, within
 * {@link HANDSHAKE_TIMEOUT_MS} and while the listener is open (`stopped`
 * aborts it). False (and the connection closed) when it failed: such a
 * client never reaches the application.
 */
export async function acceptHandshake(conn: Deno.TlsConn, stopped: AbortSignal): Promise<boolean> {
  if (stopped.aborted) {
    closeQuietly(conn);
    return false;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  let abort: () => void = () => {};
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("TLS handshake timed out")), HANDSHAKE_TIMEOUT_MS);
    abort = () => reject(new Error("the listener closed"));
    stopped.addEventListener("abort", abort, { once: true });
  });
  try {
    await Promise.race([conn.handshake(), cut]);
    return true;
  } catch {
    closeQuietly(conn);
    return false;
  } finally {
    clearTimeout(timer);
    stopped.removeEventListener("abort", abort);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed or consumed.
  }
}
