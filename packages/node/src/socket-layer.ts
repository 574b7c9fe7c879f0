/**
 * The Node.js socket layer: {@link SocketLayer} over `node:net`, and
 * `node:tls` for TLS (tls.ts).
 *
 * This is all `@tether/node` has to provide; `@tether/adapter-kit` runs
 * core's server sessions and client pool on top of it. It sits on the hot
 * path of every byte, so it only translates: no buffering of its own, one
 * closure per socket event, and no copies but one per read on dialled
 * plain-TCP sockets, which read through a shared buffer ({@link READ_INTO})
 * because that costs less than Node's `data` events.
 *
 * Sockets are opened with `allowHalfOpen: true`, so a FIN from the peer is
 * reported as `end` and our side stays writable until core decides
 * (RFC 9112 §9.6: a graceful close half-closes, then keeps reading), and
 * with `noDelay: true`, because core already writes each message head and
 * body in as few buffers as it can and Nagle's algorithm would only add
 * latency to pipelined and keep-alive exchanges.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type {
  ClientTlsOptions,
  ConnectOptions,
  ListenOptions,
  RawListener,
  RawSocket,
  SocketHandlers,
  SocketLayer,
} from "@tether/adapter-kit";
import { latin1SliceDecoder } from "@tether/adapter-kit";
import { clientOptions, createTlsServer, rememberSessions, TlsHandlers } from "./tls.ts";

/** Writes of several buffers up to this many bytes in all are copied into one buffer. */
const COALESCE_LIMIT = 8 * 1024;

/** Socket options shared by accepted and outgoing connections. */
const SOCKET_OPTIONS = { allowHalfOpen: true, noDelay: true } as const;

/** A connected `net.Socket` seen through the {@link RawSocket} interface. */
class NodeSocket implements RawSocket {
  /** A `tls.TLSSocket` for TLS; replaced by one when a dialled socket starts TLS. */
  protected socket: net.Socket;

  constructor(socket: net.Socket) {
    this.socket = socket;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const socket = this.socket;
    const count = chunks.length;
    // The common case (one head+body buffer) needs no corking.
    if (count === 1) return socket.write(chunks[0] as Uint8Array);
    if (count === 0) return !socket.writableNeedDrain;
    // A small response (head and body, or several pipelined answers) is
    // copied into one buffer: one plain write() is much cheaper in Node
    // than the corked writev() path, whose bookkeeping costs more than
    // copying a few kilobytes.
    let total = 0;
    for (let i = 0; i < count; i++) total += (chunks[i] as Uint8Array).length;
    if (total <= COALESCE_LIMIT) {
      const joined = Buffer.allocUnsafe(total);
      let at = 0;
      for (let i = 0; i < count; i++) {
        const chunk = chunks[i] as Uint8Array;
        joined.set(chunk, at);
        at += chunk.length;
      }
      return socket.write(joined);
    }
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
    // TLS handles refuse resetAndDestroy(): those are destroyed (tls.ts).
    if (reset === true && !(this.socket instanceof tls.TLSSocket)) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  pauseRead(): void {
    this.socket.pause();
  }

  resumeRead(): void {
    this.socket.resume();
  }

  // Read lazily: most connections never ask (clients rarely, servers once,
  // at accept, keeping their own copy). Node answers the address and the
  // port from one getpeername() whose result it then keeps on the socket
  // (`_peername`, ~56 bytes per idle connection); reading the port lets go
  // of it. Read again while connected, Node asks the kernel anew.
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? "";
  }

  get remotePort(): number {
    const socket = this.socket as net.Socket & { _peername?: unknown };
    const port = socket.remotePort ?? 0;
    if (socket._peername !== undefined && !socket.destroyed) socket._peername = undefined;
    return port;
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }
}

/** A socket this layer dialled: it can start TLS in place (after a CONNECT tunnel's 2xx). */
class DialledSocket extends NodeSocket {
  private readonly handlers: SocketHandlers;

  constructor(socket: net.Socket, handlers: SocketHandlers) {
    super(socket);
    this.handlers = handlers;
  }

  startTls(target: ConnectOptions, established: () => void): void {
    const plain = this.socket;
    // The TLS socket takes the TCP handle over; the plain one only reports
    // its own end from now on, to nobody.
    for (const event of ["data", "end", "drain", "error", "close"]) plain.removeAllListeners(event);
    plain.on("error", ignore);
    const host = bare(target.hostname);
    const settings = target.tls ?? {};
    const secure = tls.connect({
      ...SOCKET_OPTIONS,
      ...clientOptions(host, target.port, settings),
      socket: plain,
    });
    rememberSessions(secure, host, target.port, settings);
    const handlers = new TlsHandlers(this.handlers);
    forward(secure, handlers);
    this.socket = secure;
    secure.once("secureConnect", () => {
      handlers.secured();
      established();
    });
  }
}

/** Where each socket keeps its handlers, so that one set of listeners serves every socket. */
const HANDLERS = Symbol("tether.handlers");
/** The first error a socket reported, for its `close`. */
const FAILURE = Symbol("tether.failure");

/** A socket whose events are forwarded (see {@link forward}). */
interface Forwarded extends net.Socket {
  [HANDLERS]: SocketHandlers;
  [FAILURE]: Error | undefined;
}

// Node calls listeners with the socket as `this`: these five functions are
// shared by every socket instead of five closures made per connection (an
// idle connection's memory is one of the benchmarked costs).
function onData(this: Forwarded, bytes: Uint8Array): void {
  this[HANDLERS].data(bytes);
}

function onEnd(this: Forwarded): void {
  this[HANDLERS].end();
}

function onDrain(this: Forwarded): void {
  this[HANDLERS].drain();
}

function onError(this: Forwarded, error: Error): void {
  this[FAILURE] ??= error;
}

function onClose(this: Forwarded): void {
  const failure = this[FAILURE];
  if (failure === undefined) this[HANDLERS].close();
  else this[HANDLERS].close(failure);
}

/**
 * Where every dialled plain-TCP socket reads into (`net.connect`'s
 * `onread`): one buffer for all of them. Each read is copied out into
 * octets of its own before it is handed on, so nothing handed on is ever
 * overwritten and `reusesReadBuffers` stays false. This skips what a `data`
 * listener costs on every read (Readable#push, its state checks, the
 * event), which is more than the copy. pause()/resume() stop and restart
 * the handle's reading as before; `end`, `error` and `close` are emitted as
 * usual. A TLS socket started on top (startTls) takes the TCP handle over
 * and reads through its own buffers, with `data` events.
 */
const READ_INTO = {
  buffer: Buffer.allocUnsafeSlow(64 * 1024),
  callback: onRead,
};

/**
 * The `onread` callback, shared like the listeners above: Node calls it as
 * a method of the socket (`this`; Node 12 through 24 alike) with the first
 * `n` octets of {@link READ_INTO} filled. It never asks Node to pause
 * (returns true): pauseRead() does, by pause().
 */
function onRead(this: Forwarded, n: number, buffer: Uint8Array): boolean {
  const bytes = new Uint8Array(n);
  bytes.set(buffer.subarray(0, n));
  this[HANDLERS].data(bytes);
  return true;
}

/**
 * Forwards a socket's events to `handlers`. `open` is the caller's business
 * (right away when accepted, on `connect` when dialled).
 *
 * `data` hands over Node's own Buffer (a Uint8Array subclass) as is: Node
 * allocates a fresh buffer for every read and never reuses it, so there is
 * nothing to copy. A socket opened with `onread` ({@link READ_INTO}) emits
 * no `data`; its reads come through {@link onRead}. Node emits `close`
 * exactly once, after `error` if there was one, which is the error reported.
 */
function forward(socket: net.Socket, handlers: SocketHandlers): void {
  const s = socket as Forwarded;
  s[HANDLERS] = handlers;
  s[FAILURE] = undefined;
  socket.on("data", onData as (bytes: Buffer) => void);
  dropIdleEndListener(socket);
  socket.on("end", onEnd as () => void);
  socket.on("drain", onDrain as () => void);
  socket.on("error", onError as (error: Error) => void);
  socket.on("close", onClose as () => void);
}

/**
 * Node gives every socket an `end` listener of its own that only matters
 * when `allowHalfOpen` is false (writing is then refused after the peer's
 * FIN). Ours are half-open, where it does nothing; left in place, ours
 * would make Node keep an array of the two on every socket (~70 bytes per
 * idle connection), so it is removed. Only that listener (known by its
 * name) and only on a half-open socket; anything else is left alone.
 */
function dropIdleEndListener(socket: net.Socket): void {
  if (!socket.allowHalfOpen) return;
  const listeners = socket.listeners("end");
  const own = listeners[0];
  if (listeners.length === 1 && typeof own === "function" && own.name === "onReadableStreamEnd") {
    socket.removeListener("end", own as () => void);
  }
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

/** Core's parsers decode head octets with it (`SocketLayer.decodeLatin1`; adapter-kit buffer-latin1.ts). */
const decodeLatin1 = latin1SliceDecoder(Buffer.prototype);

/**
 * `Buffer#latin1Write(string, offset, length)`: what `write(s, "latin1")`
 * runs, without its argument handling; one octet per code unit. Like
 * `Buffer#latin1Slice` it takes any `Uint8Array` as `this`.
 */
const latin1Write = (
  Buffer.prototype as unknown as {
    latin1Write?: (text: string, offset: number, length: number) => number;
  }
).latin1Write;

/** Core writes outgoing heads with it (`SocketLayer.encodeLatin1`). */
function encodeLatin1(text: string, into: Uint8Array): void {
  (latin1Write as (text: string, offset: number, length: number) => number).call(
    into,
    text,
    0,
    into.length,
  );
}

/** {@link SocketLayer} over `node:net` (Node.js 20 and newer). */
export const nodeSocketLayer: SocketLayer = {
  runtime: "node",
  reusesReadBuffers: false,
  // An internal method: should a Node release drop it, core's portable decoder is used.
  ...(decodeLatin1 !== undefined ? { decodeLatin1 } : {}),
  ...(typeof latin1Write === "function" ? { encodeLatin1 } : {}),

  listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener> {
    return new Promise((resolve, reject) => {
      const onSocket = (socket: net.Socket): void => {
        const handlers = accept();
        forward(socket, handlers);
        handlers.open(new NodeSocket(socket));
      };
      // TLS: `onSocket` runs once the handshake is done (tls.ts).
      const server =
        options.tls === undefined
          ? net.createServer(SOCKET_OPTIONS, onSocket)
          : createTlsServer(options.tls, onSocket);
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
    if (options.tls !== undefined) {
      connectTls(options, options.tls, handlers);
      return;
    }
    const socket = net.connect({
      ...SOCKET_OPTIONS,
      host: bare(options.hostname),
      port: options.port,
      onread: READ_INTO,
    });
    forward(socket, handlers);
    // A failed connect emits `error` then `close` without `connect`, so the
    // handlers see close(error) and never open.
    socket.once("connect", () => handlers.open(new DialledSocket(socket, handlers)));
  },
};

/**
 * Dials TLS (tls.ts): `open` once the handshake is done; a handshake that
 * fails as TLS closes with a TlsFailure.
 */
function connectTls(
  options: ConnectOptions,
  settings: ClientTlsOptions,
  inner: SocketHandlers,
): void {
  const host = bare(options.hostname);
  const socket = tls.connect({
    ...SOCKET_OPTIONS,
    ...clientOptions(host, options.port, settings),
  });
  rememberSessions(socket, host, options.port, settings);
  const handlers = new TlsHandlers(inner);
  forward(socket, handlers);
  socket.once("secureConnect", () => {
    handlers.secured();
    handlers.open(new DialledSocket(socket, handlers));
  });
}

function ignore(): void {}
