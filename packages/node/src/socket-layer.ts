/**
 * The Node.js socket layer: {@link SocketLayer} over `node:net`.
 *
 * This is all `@tether/node` has to provide; `@tether/adapter-kit` runs
 * core's server sessions and client pool on top of it. It sits on the hot
 * path of every byte, so it only translates: no copies, no buffering of its
 * own, one closure per socket event.
 *
 * Sockets are opened with `allowHalfOpen: true`, so a FIN from the peer is
 * reported as `end` and our side stays writable until core decides
 * (RFC 9112 §9.6: a graceful close half-closes, then keeps reading), and
 * with `noDelay: true`, because core already writes each message head and
 * body in as few buffers as it can and Nagle's algorithm would only add
 * latency to pipelined and keep-alive exchanges.
 */
import * as net from "node:net";
import type {
  ConnectOptions,
  ListenOptions,
  RawListener,
  RawSocket,
  SocketHandlers,
  SocketLayer,
} from "@tether/adapter-kit";

/** Socket options shared by accepted and outgoing connections. */
const SOCKET_OPTIONS = { allowHalfOpen: true, noDelay: true } as const;

/** A connected `net.Socket` seen through the {@link RawSocket} interface. */
class NodeSocket implements RawSocket {
  private readonly socket: net.Socket;

  constructor(socket: net.Socket) {
    this.socket = socket;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const socket = this.socket;
    const count = chunks.length;
    // The common case (one head+body buffer) needs no corking.
    if (count === 1) return socket.write(chunks[0] as Uint8Array);
    if (count === 0) return !socket.writableNeedDrain;
    // Corked, the chunks leave in one writev() call. Each write() answers
    // for everything queued so far, so the last answer is the one that counts.
    socket.cork();
    let ok = true;
    for (let i = 0; i < count; i++) ok = socket.write(chunks[i] as Uint8Array);
    socket.uncork();
    return ok;
  }

  shutdownWrite(): void {
    // Sends FIN once queued writes are flushed; reading goes on (allowHalfOpen).
    this.socket.end();
  }

  close(reset?: boolean): void {
    // resetAndDestroy() (Node ≥ 16.17) sets SO_LINGER 0, so the kernel sends
    // RST and drops unsent data; destroy() closes normally.
    if (reset === true) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  pauseRead(): void {
    this.socket.pause();
  }

  resumeRead(): void {
    this.socket.resume();
  }

  // Read lazily: Node caches getpeername()/getsockname() on first use, and
  // most connections never ask (clients rarely, servers once).
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? "";
  }

  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }
}

/**
 * Forwards a socket's events to `handlers`. `open` is the caller's business
 * (right away when accepted, on `connect` when dialled).
 *
 * `data` hands over Node's own Buffer (a Uint8Array subclass) as is: Node
 * allocates a fresh buffer for every read and never reuses it, so there is
 * nothing to copy. Node emits `close` exactly once, after `error` if there
 * was one, which is the error reported.
 */
function forward(socket: net.Socket, handlers: SocketHandlers): void {
  let failure: Error | undefined;
  socket.on("data", (bytes: Uint8Array) => handlers.data(bytes));
  socket.on("end", () => handlers.end());
  socket.on("drain", () => handlers.drain());
  socket.on("error", (error: Error) => {
    failure ??= error;
  });
  socket.on("close", () => {
    if (failure === undefined) handlers.close();
    else handlers.close(failure);
  });
}

/** A listening `net.Server`. */
class NodeListener implements RawListener {
  readonly hostname: string;
  readonly port: number;
  private readonly server: net.Server;

  constructor(server: net.Server, hostname: string, port: number) {
    this.server = server;
    this.hostname = hostname;
    this.port = port;
  }

  close(): Promise<void> {
    // server.close() closes the listening handle at once; its callback would
    // wait for every open connection, which RawListener.close must not do.
    // Without a callback a second call is harmless.
    this.server.close();
    return Promise.resolve();
  }
}

/** IPv6 literals may arrive bracketed, as in URLs (`[::1]`); `net` wants them bare. */
function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** {@link SocketLayer} over `node:net` (Node.js 20 and newer). */
export const nodeSocketLayer: SocketLayer = {
  runtime: "node",
  reusesReadBuffers: false,

  listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener> {
    return new Promise((resolve, reject) => {
      const server = net.createServer(SOCKET_OPTIONS, (socket) => {
        const handlers = accept();
        forward(socket, handlers);
        handlers.open(new NodeSocket(socket));
      });
      server.once("error", reject);
      server.listen({ host: bare(options.hostname ?? "0.0.0.0"), port: options.port ?? 0 }, () => {
        server.off("error", reject);
        // Once listening, the only server errors are failed accepts (EMFILE,
        // ENFILE…); Node keeps listening, and so do we rather than crash.
        server.on("error", ignore);
        const address = server.address() as net.AddressInfo;
        resolve(new NodeListener(server, address.address, address.port));
      });
    });
  },

  connect(options: ConnectOptions, handlers: SocketHandlers): void {
    if (options.tls === true) {
      // Reported asynchronously, like every other connect failure.
      const error = new Error("@tether/node does not support TLS (https) origins yet");
      queueMicrotask(() => handlers.close(error));
      return;
    }
    const socket = net.connect({
      ...SOCKET_OPTIONS,
      host: bare(options.hostname),
      port: options.port,
    });
    forward(socket, handlers);
    // A failed connect emits `error` then `close` without `connect`, so the
    // handlers see close(error) and never open.
    socket.once("connect", () => handlers.open(new NodeSocket(socket)));
  },
};

function ignore(): void {}
