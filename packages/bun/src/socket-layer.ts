/**
 * The Bun socket layer: {@link SocketLayer} over `Bun.listen` / `Bun.connect`.
 *
 * This is all `@tether/bun` has to provide; `@tether/adapter-kit` runs core's
 * server sessions and client pool on top of it. It sits on the hot path of
 * every byte, so it only translates, with one shared handler object per
 * listener (Bun's design: no closures per socket, socket-handlers.ts), no
 * allocation on a write that the kernel takes whole and no copy of a read.
 * A socket is a {@link BunSocket} (bun-socket.ts: writes, half-close,
 * close), or a {@link DialledBunSocket} when dialled (dialled-socket.ts:
 * TLS sessions, TLS started in place).
 *
 * What Bun 1.4.5 does, and what this layer makes of it (each fact is checked
 * by test/socket-layer.test.ts):
 *
 * - The bytes given to `data` come in a fresh `ArrayBuffer` per read, which
 *   Bun never writes again (the test keeps every buffer of 200 reads and
 *   finds each intact, each in an ArrayBuffer of its own). So
 *   {@link bunSocketLayer} declares `reusesReadBuffers: false` and nothing
 *   above it copies reads. `binaryType: "uint8array"` gives plain
 *   Uint8Arrays, not Node `Buffer`s.
 * - `allowHalfOpen: true` is needed on both sides, or Bun closes the socket
 *   as soon as the peer's FIN arrives (RFC 9112 §9.6: our graceful close and
 *   a half-closed client's response depend on staying open).
 * - A failed connect calls `connectError`, never `open` or `close`.
 * - Accepted and dialled sockets already have TCP_NODELAY set by Bun.
 * - Bun's `Buffer.prototype.latin1Slice` decodes octets to code points of
 *   the same value (0x80–0x9F stay U+0080–U+009F) from any `Uint8Array`, in
 *   about 40% of the time of a view plus `TextDecoder.decode` for a 100-octet
 *   head: it is core's head decoder (`decodeLatin1`).
 * - Writes, half-close and close: bun-socket.ts. TLS (`Bun.connect({ tls })`,
 *   `Bun.listen({ tls })`, `upgradeTLS()` after a CONNECT tunnel's 2xx):
 *   tls.ts.
 */
import type {
  ConnectOptions,
  ListenOptions,
  RawListener,
  SocketHandlers,
  SocketLayer,
} from "@tether/adapter-kit";
import { latin1SliceDecoder } from "@tether/adapter-kit";
import type { Socket, TCPSocketListener } from "bun";
import { BunSocket, bare } from "./bun-socket.ts";
import { DialledBunSocket } from "./dialled-socket.ts";
import { acceptedTls, dialled, dialledTls, shared } from "./socket-handlers.ts";
import { clientTls, serverTls } from "./tls.ts";

/** A listening `Bun.listen` server. */
class BunListener implements RawListener {
  readonly hostname: string;
  readonly port: number;
  private readonly listener: TCPSocketListener<BunSocket>;

  constructor(listener: TCPSocketListener<BunSocket>) {
    this.listener = listener;
    this.hostname = listener.hostname;
    this.port = listener.port;
  }

  close(): Promise<void> {
    // stop(false) closes the listening socket only; a second call is harmless.
    this.listener.stop(false);
    return Promise.resolve();
  }
}

function ignore(): void {}

/**
 * Core's parsers decode head octets with Bun's `Buffer#latin1Slice`
 * (`SocketLayer.decodeLatin1`; module comment, adapter-kit buffer-latin1.ts).
 * Bun's own method, not a standard one: should a release drop it, core's
 * portable decoder is used.
 */
const decodeLatin1 = latin1SliceDecoder(Buffer.prototype);

/** {@link SocketLayer} over `Bun.listen` / `Bun.connect` (Bun 1.4 and newer). */
export const bunSocketLayer: SocketLayer = {
  runtime: "bun",
  // Bun hands each read over in a fresh buffer (module comment).
  reusesReadBuffers: false,
  ...(decodeLatin1 !== undefined ? { decodeLatin1 } : {}),

  listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener> {
    try {
      const tls = options.tls;
      const listener = Bun.listen<BunSocket>({
        hostname: bare(options.hostname ?? "0.0.0.0"),
        port: options.port ?? 0,
        allowHalfOpen: true,
        // TLS: `open` comes once the handshake is done (no `handshake` handler).
        ...(tls !== undefined ? { tls: serverTls(tls) } : {}),
        socket: {
          ...(tls !== undefined ? acceptedTls : shared),
          open(socket: Socket<BunSocket>): void {
            const handlers = accept();
            const raw = new BunSocket(socket, handlers);
            socket.data = raw;
            handlers.open(raw);
          },
        },
      });
      return Promise.resolve(new BunListener(listener));
    } catch (error) {
      // EADDRINUSE, EACCES…: Bun.listen throws synchronously.
      return Promise.reject(error);
    }
  },

  connect(options: ConnectOptions, handlers: SocketHandlers): void {
    const raw = new DialledBunSocket(null, handlers);
    const hostname = bare(options.hostname);
    const tls = options.tls;
    if (tls !== undefined) raw.wantSession(tls, hostname, options.port);
    try {
      Bun.connect<BunSocket>({
        hostname,
        port: options.port,
        allowHalfOpen: true,
        data: raw,
        ...(tls !== undefined ? { tls: clientTls(hostname, tls) } : {}),
        socket: tls !== undefined ? dialledTls : dialled,
      }).catch(ignore); // `connectError` has reported the failure
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      queueMicrotask(() => raw.refused(failure));
    }
  },
};
