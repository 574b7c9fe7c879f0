/**
 * The Bun socket layer: {@link SocketLayer} over `Bun.listen` / `Bun.connect`.
 *
 * This is all `@tether/bun` has to provide; `@tether/adapter-kit` runs core's
 * server sessions and client pool on top of it. It sits on the hot path of
 * every byte, so it only translates, with one shared handler object per
 * listener (Bun's design: no closures per socket) and no allocation on a
 * write that the kernel takes whole.
 *
 * What Bun 1.4.5 does, and what this layer adds to meet the contract (each
 * fact is checked by test/socket-layer.test.ts):
 *
 * - `socket.write()` is unbuffered: it returns the number of bytes the kernel
 *   took, possibly fewer than given (0 when its buffer is full), or -1 once
 *   the socket is closed or shut down. The layer keeps the rest in a queue,
 *   answers `false` until the queue is flushed from Bun's `drain`, and only
 *   then reports `drain`. Bun also calls `drain` when nothing was pending;
 *   those calls are not passed on.
 * - There is no writev, and each `write()` is one `send(2)`: several small
 *   buffers are first copied into one scratch buffer and sent together.
 * - `allowHalfOpen: true` is needed on both sides, or Bun closes the socket
 *   as soon as the peer's FIN arrives (RFC 9112 §9.6: our graceful close and
 *   a half-closed client's response depend on staying open).
 * - `shutdown()` sends FIN (`shutdown(fd, SHUT_WR)`) and reading goes on;
 *   but once our side is shut down, a FIN from the peer makes Bun close the
 *   socket without calling `end`. The layer reports that as `end` then
 *   `close`, as the peer's FIN it is.
 * - `end()` closes the socket completely (FIN, then `close(2)`), `terminate()`
 *   aborts it with RST (SO_LINGER 0). Both call `close` synchronously; the
 *   layer defers that to a microtask so that `RawSocket.close` never calls
 *   back into the caller (as on Node, where `close` comes on a later tick).
 * - A failed connect calls `connectError`, never `open` or `close`.
 * - The bytes given to `data` are a fresh copy per read in Bun 1.4.5, but no
 *   documentation promises it, so {@link bunSocketLayer} declares
 *   `reusesReadBuffers: true` and adapter-kit copies what it keeps.
 *   `binaryType: "uint8array"` matters for that copy: on a Node `Buffer`,
 *   `slice()` is a view, not a copy.
 * - Accepted and dialled sockets already have TCP_NODELAY set by Bun.
 * - TLS (`Bun.connect({ tls })`, `Bun.listen({ tls })`, `upgradeTLS()` after
 *   a CONNECT tunnel's 2xx): what Bun does there is listed in tls.ts.
 */
import type {
  ClientTlsOptions,
  ConnectOptions,
  ListenOptions,
  RawListener,
  RawSocket,
  SocketHandlers,
  SocketLayer,
} from "@tether/adapter-kit";
import type { Socket, SocketHandler, TCPSocketListener } from "bun";
import { clientTls, handshakeFailure, serverTls, sessions } from "./tls.ts";

/** Buffers of one `write()` whose total fits are sent in one `send(2)` through this. */
const COALESCE_LIMIT = 16 * 1024;
/** Shared by every socket: `write()` copies into the kernel before it returns. */
const scratch = new Uint8Array(COALESCE_LIMIT);

/** One Bun socket seen through the {@link RawSocket} interface (and its `socket.data`). */
class BunSocket implements RawSocket {
  /** Null until a dialled socket opens. */
  socket: Socket<BunSocket> | null;
  readonly handlers: SocketHandlers;
  /** Bytes the kernel has not taken yet, oldest first; null when all went out. */
  private queue: Uint8Array[] | null = null;
  /** How much of `queue[0]` has been sent already. */
  private offset = 0;
  /** `write()` answered false: a `drain` is owed once the queue is empty. */
  private owesDrain = false;
  /** `shutdownWrite()` waits for the queue to empty. */
  private shutdownPending = false;
  /** Our FIN is sent. */
  private writeShut = false;
  /** The peer's FIN was reported. */
  private peerEnded = false;
  /** `close` was reported, or is about to be: nothing more happens. */
  private closed = false;
  /** Inside our own `end()` / `terminate()`, which call Bun's `close` synchronously. */
  private closingSelf = false;
  /** An error Bun reported before closing the socket. */
  private failure: Error | undefined = undefined;
  private remoteAddressCache: string | undefined = undefined;
  private remotePortCache = -1;

  constructor(socket: Socket<BunSocket> | null, handlers: SocketHandlers) {
    this.socket = socket;
    this.handlers = handlers;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const queue = this.queue;
    if (queue !== null) {
      // Still blocked: keep the order, the first flush sends these too.
      for (let i = 0; i < chunks.length; i++) queue.push(chunks[i] as Uint8Array);
      return false;
    }
    const socket = this.socket;
    if (socket === null || this.closed) return true; // gone: nothing will drain
    const count = chunks.length;
    if (count === 1) {
      // The common case: one head+body buffer, written as it is.
      const chunk = chunks[0] as Uint8Array;
      const sent = socket.write(chunk);
      if (sent >= chunk.byteLength || sent < 0) return true;
      return this.block([chunk], 0, sent);
    }
    let total = 0;
    for (let i = 0; i < count; i++) total += (chunks[i] as Uint8Array).byteLength;
    if (total <= COALESCE_LIMIT) {
      // One send(2) instead of `count`, for the price of a copy.
      let at = 0;
      for (let i = 0; i < count; i++) {
        const chunk = chunks[i] as Uint8Array;
        scratch.set(chunk, at);
        at += chunk.byteLength;
      }
      const sent = socket.write(scratch, 0, total);
      if (sent >= total || sent < 0) return true;
      // The scratch buffer is shared: keep a copy of what is left.
      return this.block([scratch.slice(sent, total)], 0, 0);
    }
    for (let i = 0; i < count; i++) {
      const chunk = chunks[i] as Uint8Array;
      const sent = socket.write(chunk);
      if (sent < 0) return true;
      if (sent < chunk.byteLength) return this.block(chunks.slice(i), 0, sent);
    }
    return true;
  }

  shutdownWrite(): void {
    if (this.closed || this.writeShut) return;
    if (this.queue !== null) {
      this.shutdownPending = true; // after the queued bytes, as TCP would
      return;
    }
    this.writeShut = true;
    this.socket?.shutdown();
  }

  close(reset?: boolean): void {
    const socket = this.socket;
    if (this.closed || socket === null) return;
    // Unsent bytes are dropped, as on Node's destroy(): a graceful close is
    // shutdownWrite() and waiting for the peer, not this.
    this.queue = null;
    this.closingSelf = true;
    try {
      // terminate() sets SO_LINGER 0, so the kernel sends RST; end() sends
      // FIN, then close(2).
      if (reset === true) socket.terminate();
      else socket.end();
    } finally {
      this.closingSelf = false;
    }
  }

  pauseRead(): void {
    this.socket?.pause();
  }

  resumeRead(): void {
    this.socket?.resume();
  }

  // Bun builds a new string on every read of `remoteAddress`; the driver asks
  // once per request, so the answer is kept.
  get remoteAddress(): string {
    const socket = this.socket;
    if (this.remoteAddressCache === undefined && socket !== null) {
      this.remoteAddressCache = socket.remoteAddress ?? "";
    }
    return this.remoteAddressCache ?? "";
  }

  get remotePort(): number {
    const socket = this.socket;
    if (this.remotePortCache < 0 && socket !== null) this.remotePortCache = socket.remotePort ?? 0;
    return Math.max(this.remotePortCache, 0);
  }

  get localPort(): number {
    return this.socket?.localPort ?? 0;
  }

  // --- Bun's events -----------------------------------------------------------------

  /** Bun's `drain`: sends what is queued, then reports `drain` if one is owed. */
  flushed(): void {
    const socket = this.socket;
    const queue = this.queue;
    if (socket === null || this.closed) return;
    if (queue !== null) {
      let offset = this.offset;
      for (let i = 0; i < queue.length; i++) {
        const chunk = queue[i] as Uint8Array;
        const left = chunk.byteLength - offset;
        const sent = socket.write(chunk, offset, left);
        if (sent < 0) break; // closed under us: `close` follows
        if (sent < left) {
          if (i > 0) queue.splice(0, i);
          this.offset = offset + sent;
          return; // Bun calls `drain` again when the kernel takes more
        }
        offset = 0;
      }
      this.queue = null;
      this.offset = 0;
    }
    if (this.shutdownPending) {
      this.shutdownPending = false;
      this.writeShut = true;
      socket.shutdown();
    }
    if (this.owesDrain) {
      this.owesDrain = false;
      this.handlers.drain();
    }
  }

  /** Bun's `end`, which Bun may repeat for one FIN: reported once. */
  ended(): void {
    if (this.peerEnded || this.closed) return;
    this.peerEnded = true;
    this.handlers.end();
  }

  /** Bun's `close`. */
  gone(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = null;
    const failure = error ?? this.failure;
    if (this.closingSelf) {
      queueMicrotask(() => this.handlers.close());
      return;
    }
    // Once we are shut down, Bun closes on the peer's FIN without `end`.
    if (failure === undefined && this.writeShut && !this.peerEnded) {
      this.peerEnded = true;
      this.handlers.end();
    }
    if (failure === undefined) this.handlers.close();
    else this.handlers.close(failure);
  }

  /**
   * Bun's `error`: a handler threw (Tether's bug, never the peer's) or TLS
   * failed. The connection cannot be trusted any more: it is reset and the
   * error is reported with `close`.
   */
  failed(error: Error): void {
    this.failure ??= error;
    if (this.closed) return;
    this.queue = null;
    this.socket?.terminate();
  }

  /** Dialling failed: reported as `close(error)` without `open`. */
  refused(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close(error);
  }

  private block(queue: Uint8Array[], offset: number, sent: number): false {
    this.queue = queue;
    this.offset = offset + sent;
    this.owesDrain = true;
    return false;
  }
}

/** Handlers that do nothing: a socket replaced by its TLS socket reports to nobody. */
const NOBODY: SocketHandlers = {
  open: ignore,
  data: ignore,
  end: ignore,
  drain: ignore,
  close: ignore,
};

/** A socket the layer dialled: it may speak TLS, and start TLS in place (tls.ts). */
class DialledBunSocket extends BunSocket {
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

/** Handlers shared by every socket; each finds its {@link BunSocket} in `socket.data`. */
const shared = {
  binaryType: "uint8array",
  data(socket: Socket<BunSocket>, bytes: Uint8Array): void {
    socket.data.handlers.data(bytes);
  },
  drain(socket: Socket<BunSocket>): void {
    socket.data.flushed();
  },
  end(socket: Socket<BunSocket>): void {
    socket.data.ended();
  },
  close(socket: Socket<BunSocket>, error?: Error): void {
    socket.data.gone(error);
  },
  error(socket: Socket<BunSocket>, error: Error): void {
    socket.data.failed(error);
  },
} satisfies SocketHandler<BunSocket>;

/** For `Bun.connect`: the {@link BunSocket} is created first and passed as `data`. */
const dialled: SocketHandler<BunSocket> = {
  ...shared,
  open(socket: Socket<BunSocket>): void {
    const raw = socket.data;
    raw.socket = socket;
    raw.handlers.open(raw);
  },
  connectError(socket: Socket<BunSocket>, error: Error): void {
    socket.data.refused(error);
  },
};

/**
 * For TLS sockets this layer dials (or upgrades): `open` comes before the
 * handshake, which `handshake` reports; the session is kept once data flows.
 */
const dialledTls: SocketHandler<BunSocket> = {
  ...shared,
  open(socket: Socket<BunSocket>): void {
    const raw = socket.data as DialledBunSocket;
    raw.socket = socket;
    raw.offerSession(socket);
  },
  handshake(socket: Socket<BunSocket>, ok: boolean, error: Error | null): void {
    (socket.data as DialledBunSocket).handshaken(ok, error);
  },
  data(socket: Socket<BunSocket>, bytes: Uint8Array): void {
    const raw = socket.data as DialledBunSocket;
    raw.takeSession(socket);
    raw.handlers.data(bytes);
  },
  connectError(socket: Socket<BunSocket>, error: Error): void {
    socket.data.refused(error);
  },
};

/** For the TLS socket of `upgradeTLS()`: as {@link dialledTls}, without connecting. */
const upgraded: SocketHandler<BunSocket> = {
  ...dialledTls,
  open(socket: Socket<BunSocket>): void {
    socket.data.socket = socket;
  },
};

/**
 * For a TLS listener: a client whose handshake fails may close before
 * `open` gave it a {@link BunSocket}.
 */
const acceptedTls = {
  ...shared,
  data(socket: Socket<BunSocket>, bytes: Uint8Array): void {
    socket.data?.handlers.data(bytes);
  },
  drain(socket: Socket<BunSocket>): void {
    socket.data?.flushed();
  },
  end(socket: Socket<BunSocket>): void {
    socket.data?.ended();
  },
  close(socket: Socket<BunSocket>, error?: Error): void {
    socket.data?.gone(error);
  },
  error(socket: Socket<BunSocket>, error: Error): void {
    if (socket.data === undefined) socket.terminate();
    else socket.data.failed(error);
  },
} satisfies SocketHandler<BunSocket>;

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

/** IPv6 literals may arrive bracketed, as in URLs (`[::1]`); Bun wants them bare. */
function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

function ignore(): void {}

/** {@link SocketLayer} over `Bun.listen` / `Bun.connect` (Bun 1.4 and newer). */
export const bunSocketLayer: SocketLayer = {
  runtime: "bun",
  reusesReadBuffers: true,

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
