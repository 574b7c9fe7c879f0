/**
 * A socket the Bun layer dials: besides what every {@link BunSocket} does,
 * it may speak TLS (sessions offered and kept per server, tls.ts) and start
 * TLS in place after a CONNECT tunnel's 2xx (`upgradeTLS()`).
 */
import type { ClientTlsOptions, ConnectOptions, SocketHandlers } from "@tether/adapter-kit";
import type { Socket } from "bun";
import { BunSocket, bare } from "./bun-socket.ts";
import { upgraded } from "./socket-handlers.ts";
import { clientTls, handshakeFailure, sessions } from "./tls.ts";

/** Handlers that do nothing: a socket replaced by its TLS socket reports to nobody. */
const NOBODY: SocketHandlers = {
  open: ignore,
  data: ignore,
  end: ignore,
  drain: ignore,
  close: ignore,
};

/** A socket the layer dialled: it may speak TLS, and start TLS in place (tls.ts). */
export class DialledBunSocket extends BunSocket {
  /** TLS: where its session is kept (null once kept, or for plain TCP). */
  private sessionKey: { options: ClientTlsOptions; hostname: string; port: number } | null = null;
  /** `startTls()` waits for this handshake. */
  private tlsReady: (() => void) | null = null;

  /** TLS: keep this connection's session under `options`, for `hostname:port`. */
  wantSession(options: ClientTlsOptions, hostname: string, port: number): void {
    this.sessionKey = { options, hostname, port };
  }

  /** In `open`, before the handshake: offer the session kept for this server. */
  offerSession(socket: Socket<BunSocket>): void {
    const key = this.sessionKey;
    const session = key === null ? undefined : sessions.get(key.options, key.hostname, key.port);
    if (session !== undefined) socket.setSession(session);
  }

  /** Once data flows the server's tickets are in: keep the session (once). */
  takeSession(socket: Socket<BunSocket>): void {
    const key = this.sessionKey;
    if (key === null) return;
    this.sessionKey = null;
    const session = socket.getSession() as unknown;
    if (session instanceof Uint8Array) sessions.keep(key.options, key.hostname, key.port, session);
  }

  /** The handshake ended: `ok`, or a TlsFailure reported with `close`. */
  handshaken(ok: boolean, error: Error | null): void {
    if (!ok) {
      this.failed(handshakeFailure(error));
      return;
    }
    const ready = this.tlsReady;
    this.tlsReady = null;
    if (ready !== null) ready();
    else this.handlers.open(this);
  }

  startTls(target: ConnectOptions, established: () => void): void {
    const plain = this.socket;
    if (plain === null) return;
    this.uncork(); // what was written so far goes in the clear
    const hostname = bare(target.hostname);
    const settings = target.tls ?? {};
    this.tlsReady = established;
    this.wantSession(settings, hostname, target.port);
    // The plain socket goes on seeing the encrypted bytes: it reports to nobody.
    plain.data = new BunSocket(null, NOBODY);
    const [, secure] = plain.upgradeTLS<BunSocket>({
      data: this,
      tls: clientTls(hostname, settings),
      socket: upgraded,
    });
    this.socket = secure;
  }
}

function ignore(): void {}
