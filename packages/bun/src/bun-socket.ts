/**
 * One Bun TCP (or TLS) socket seen through adapter-kit's {@link RawSocket}:
 * the write queue behind Bun's unbuffered `write()`, half-close, close, and
 * Bun's socket events turned into {@link SocketHandlers} calls.
 *
 * What Bun 1.4.5 does here (each fact is checked by test/socket-layer.test.ts):
 *
 * - `socket.write()` is unbuffered: it returns the number of bytes the kernel
 *   took, possibly fewer than given (0 when its buffer is full), or -1 once
 *   the socket is closed or shut down. The socket keeps the rest in a queue,
 *   answers `false` until the queue is flushed from Bun's `drain`, and only
 *   then reports `drain`. Bun also calls `drain` when nothing was pending;
 *   those calls are not passed on.
 * - There is no writev and no corking: each `write()` is one `send(2)`, even
 *   inside a `data` handler. So the layer corks: small writes wait until
 *   the `data` callback they are made in returns or, made elsewhere, until
 *   the current microtasks have run, then each socket's leave in one
 *   `send(2)`, several buffers first copied into one scratch buffer. The
 *   answers to one read's pipelined requests, which a Web handler resolves
 *   one after the other over many microtasks, would still leave one by one:
 *   once a socket has sent in a turn, its next writes wait for the end of
 *   the turn (`setImmediate`, which costs more than a microtask and is not
 *   worth it for a lone answer). Writes of 16 KiB or more, `shutdownWrite`
 *   and `close` uncork at once, so ordering and back-pressure stay the
 *   kernel's.
 * - `shutdown()` sends FIN (`shutdown(fd, SHUT_WR)`) and reading goes on;
 *   but once our side is shut down, a FIN from the peer makes Bun close the
 *   socket without calling `end`. That is reported as `end` then `close`, as
 *   the peer's FIN it is.
 * - `end()` closes the socket completely (FIN, then `close(2)`), `terminate()`
 *   aborts it with RST (SO_LINGER 0). Both call `close` synchronously; that
 *   is deferred to a microtask so that `RawSocket.close` never calls back
 *   into the caller (as on Node, where `close` comes on a later tick).
 */
import type { RawSocket, SocketHandlers } from "@tether/adapter-kit";
import type { Socket } from "bun";

/** Buffers written in one turn whose total fits are sent in one `send(2)` through this. */
const COALESCE_LIMIT = 16 * 1024;
/** Shared by every socket: `write()` copies into the kernel before it returns. */
const scratch = new Uint8Array(COALESCE_LIMIT);

/**
 * Counts reads, every socket's: a read starts a new turn of the event loop
 * (more or less: several sockets' reads may share one), which is all the
 * corking below needs to know.
 */
let turn = 0;
/** Inside a `data` callback: writes wait for its end. */
let reading = false;
/** Sockets with writes corked until the current `data` callback returns. */
let corkedInRead: BunSocket[] = [];
/** Sockets with writes corked until the current microtasks have run. */
let corked: BunSocket[] = [];
/** Sockets with writes corked until the end of the event loop's turn. */
let corkedLate: BunSocket[] = [];

/** Sends the corked writes of every socket in `corked` (a microtask). */
function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  for (let i = 0; i < sockets.length; i++) (sockets[i] as BunSocket).uncork();
}

/** Sends the corked writes of every socket in `corkedLate` (an immediate). */
function uncorkLate(): void {
  const sockets = corkedLate;
  corkedLate = [];
  for (let i = 0; i < sockets.length; i++) (sockets[i] as BunSocket).uncork();
}

/** One Bun socket seen through the {@link RawSocket} interface (and its `socket.data`). */
export class BunSocket implements RawSocket {
  /** Null until a dialled socket opens. */
  socket: Socket<BunSocket> | null;
  readonly handlers: SocketHandlers;
  /** Small writes not yet given to Bun (corked; see the module comment). */
  private readonly pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** The socket is in `corkedInRead`, `corked` or `corkedLate`. */
  private isCorked = false;
  /** The turn this socket last sent in. */
  private sentInTurn = -1;
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
      this.owesDrain = true;
      return false;
    }
    if (this.socket === null || this.closed) return true; // gone: nothing will drain
    const pending = this.pending;
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i] as Uint8Array;
      pending.push(chunk);
      this.pendingBytes += chunk.byteLength;
    }
    if (this.pendingBytes < COALESCE_LIMIT) {
      if (!this.isCorked) {
        this.isCorked = true;
        // A socket that already sent in this turn is writing a chain of
        // answers (pipelined ones, which a Web handler resolves over many
        // microtasks): the rest of the chain waits for the turn's end.
        // Otherwise the microtasks of the turn are waited for only.
        if (reading) corkedInRead.push(this);
        else if (this.sentInTurn !== turn) {
          if (corked.push(this) === 1) queueMicrotask(uncorkAll);
        } else if (corkedLate.push(this) === 1) setImmediate(uncorkLate);
      }
      return true;
    }
    // Large writes go at once, after what this turn corked: the kernel's
    // answer is the caller's.
    if (this.uncork()) return true;
    this.owesDrain = true;
    return false;
  }

  /**
   * Gives Bun what this turn wrote: small buffers in runs of up to 16 KiB,
   * each run copied into the scratch buffer and sent with one `send(2)`,
   * larger ones as they are. True when the kernel took it all (or the
   * socket is gone); otherwise the rest waits in the queue for Bun's `drain`.
   */
  uncork(): boolean {
    this.isCorked = false;
    const pending = this.pending;
    const count = pending.length;
    if (count === 0) return true;
    this.pendingBytes = 0;
    this.sentInTurn = turn;
    const socket = this.socket;
    let i = 0;
    while (i < count && socket !== null && !this.closed) {
      let end = i + 1;
      let size = (pending[i] as Uint8Array).byteLength;
      while (end < count && size + (pending[end] as Uint8Array).byteLength <= COALESCE_LIMIT) {
        size += (pending[end] as Uint8Array).byteLength;
        end++;
      }
      if (end === i + 1) {
        // One buffer (the common case: a response's head and body in one),
        // written as it is.
        const sent = socket.write(pending[i] as Uint8Array);
        if (sent < 0) break; // closed or shut down under us
        if (sent < size) {
          const rest = pending.splice(i);
          pending.length = 0;
          return this.block(rest, sent);
        }
      } else {
        // One send(2) instead of `end - i`, for the price of a copy.
        let at = 0;
        for (let k = i; k < end; k++) {
          const chunk = pending[k] as Uint8Array;
          scratch.set(chunk, at);
          at += chunk.byteLength;
        }
        const sent = socket.write(scratch, 0, size);
        if (sent < 0) break;
        if (sent < size) {
          // The scratch buffer is shared: keep a copy of what is left.
          const rest = pending.splice(end);
          pending.length = 0;
          rest.unshift(scratch.slice(sent, size));
          return this.block(rest, 0);
        }
      }
      i = end;
    }
    pending.length = 0;
    return true;
  }

  shutdownWrite(): void {
    if (this.closed || this.writeShut) return;
    this.uncork(); // what was written goes first
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
    // What this turn wrote goes now, as if it had not been corked; bytes the
    // kernel did not take are dropped, as on Node's destroy(): a graceful
    // close is shutdownWrite() and waiting for the peer, not this.
    this.uncork();
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

  /** Bun's `data`: a read, which starts a turn; what it writes leaves when it returns. */
  received(bytes: Uint8Array): void {
    turn++;
    reading = true;
    try {
      this.handlers.data(bytes);
    } finally {
      reading = false;
      if (corkedInRead.length > 0) {
        const sockets = corkedInRead;
        corkedInRead = [];
        for (let i = 0; i < sockets.length; i++) (sockets[i] as BunSocket).uncork();
      }
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
    this.pending.length = 0;
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
    this.pending.length = 0;
    this.socket?.terminate();
  }

  /** Dialling failed: reported as `close(error)` without `open`. */
  refused(error: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close(error);
  }

  /** The kernel took part: the rest waits for Bun's `drain`, `offset` bytes into `queue[0]`. */
  private block(queue: Uint8Array[], offset: number): false {
    this.queue = queue;
    this.offset = offset;
    return false;
  }
}

/** IPv6 literals may arrive bracketed, as in URLs (`[::1]`); Bun wants them bare. */
export function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}
