/**
 * The Deno socket layer: {@link SocketLayer} over `Deno.listen` and
 * `Deno.connect` (`Deno.TcpConn`), not `Deno.serve` and not Deno's `fetch`.
 *
 * This is all `@tether/deno` has to provide; `@tether/adapter-kit` runs
 * core's server sessions and client pool on top of it. A `Deno.Conn` is
 * promise-based — `read(buffer)`, `write(bytes)` (which may write only part
 * of what it is given), `closeWrite()`, `close()` — so each connection runs
 * exactly two loops, turned into the event callbacks core's drivers expect:
 *
 * - one read loop: a `read()` at a time into a 64 KiB buffer, each result
 *   handed to `data`, waiting while reading is paused (back-pressure);
 * - one writer: `write()` only queues, and a single task flushes the queue,
 *   coalescing small buffers into one `write()` (Deno has no writev) and
 *   looping on partial writes. `write()` answers `false` while more than
 *   64 KiB waits; `drain` follows once the queue is empty.
 *
 * Half-close (RFC 9112 §9.6) is `closeWrite()` (shutdown(SHUT_WR)), done
 * after the queue is flushed, as Node's `end()` does. A peer's FIN is
 * `end`; the socket then stays writable until the caller closes it, or
 * closes by itself once our side is shut as well (Node's `allowHalfOpen`).
 *
 * Resets: Deno offers no SO_LINGER, and its `close()` is shutdown(SHUT_WR)
 * then close(2), so the peer always sees a FIN first; Linux follows it with
 * an RST only when unread input is left in our receive buffer or arrives
 * later. `close(true)` therefore closes at once, dropping queued writes, and
 * is as close to an abort as Deno allows.
 */
import type {
  ConnectOptions,
  ListenOptions,
  RawListener,
  RawSocket,
  SocketHandlers,
  SocketLayer,
} from "@tether/adapter-kit";
import { sharedPool } from "./byte-pool.ts";
import { WriteQueue } from "./write-queue.ts";

/** Size of a read buffer: one `read()` returns at most this many bytes. */
const READ_SIZE = 64 * 1024;
/**
 * Reads shorter than this are copied out of the read buffer, which is
 * reused; longer ones are handed over as they are and the loop takes a new
 * buffer. Small reads (request heads) thus cost a small copy, not a 64 KiB
 * allocation, and bulk reads (bodies) cost no copy at all. The smallest
 * copies are views on the shared byte pool's slabs (byte-pool.ts).
 */
const HAND_OVER_AT = 16 * 1024;
/** `write()` answers false while more than this many bytes wait. */
const HIGH_WATER = 64 * 1024;
/** Queued buffers are merged into one `write()` up to this size. */
const MERGE_UP_TO = 64 * 1024;
/** How long a `close()` waits for queued bytes to leave before dropping them (ms). */
const CLOSE_FLUSH_LIMIT_MS = 2000;
/** Pause before accepting again after a failed accept (EMFILE…), in ms. */
const ACCEPT_RETRY_MS = 50;

/**
 * A connected `Deno.TcpConn` seen through the {@link RawSocket} interface.
 * Call {@link DenoSocket.start} once `handlers.open` has returned.
 */
class DenoSocket implements RawSocket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  private readonly conn: Deno.TcpConn;
  private readonly handlers: SocketHandlers;

  private readonly queue = new WriteQueue(MERGE_UP_TO);
  /** The writer is running (scheduled, writing, or half-closing). */
  private writing = false;
  /** `write()` said false: call `drain` once the queue is empty. */
  private needDrain = false;
  /** shutdownWrite() was called; `writeShut` once the FIN is sent. */
  private wantShutdown = false;
  private writeShut = false;

  private paused = false;
  private resume: (() => void) | null = null;
  private reading = false;
  private readEnded = false;

  /** close() was called, or the connection failed: no more events but `close`. */
  private closing = false;
  private released = false;
  private reported = false;
  private failure: Error | undefined;
  private flushLimit: ReturnType<typeof setTimeout> | undefined;

  constructor(conn: Deno.TcpConn, handlers: SocketHandlers) {
    this.conn = conn;
    this.handlers = handlers;
    const remote = conn.remoteAddr;
    this.remoteAddress = remote.hostname;
    this.remotePort = remote.port;
    this.localPort = conn.localAddr.port;
  }

  /** Starts the read loop (after `open`, which may already have closed us). */
  start(): void {
    if (this.closing) return;
    this.reading = true;
    void this.readLoop();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closing || this.wantShutdown) return true; // nothing more may be sent: drop
    this.queue.push(chunks);
    this.kickWriter();
    if (this.queue.bytes < HIGH_WATER) return true;
    this.needDrain = true;
    return false;
  }

  shutdownWrite(): void {
    if (this.closing || this.wantShutdown) return;
    this.wantShutdown = true;
    this.kickWriter();
  }

  close(reset?: boolean): void {
    if (reset === true) {
      this.queue.clear();
      this.release();
      return;
    }
    if (this.closing) return;
    this.closing = true;
    this.wakeReader();
    if (!this.writing) {
      this.release();
      return;
    }
    // Bytes the caller was told went through are still queued (the writer
    // runs a microtask later): let them leave, but not forever.
    this.flushLimit = setTimeout(() => this.release(), CLOSE_FLUSH_LIMIT_MS);
  }

  pauseRead(): void {
    this.paused = true;
  }

  resumeRead(): void {
    if (!this.paused) return;
    this.paused = false;
    this.wakeReader();
  }

  // --- reading ---------------------------------------------------------------------

  private async readLoop(): Promise<void> {
    const conn = this.conn;
    let buffer = new Uint8Array(READ_SIZE);
    for (;;) {
      if (this.paused) await this.unpaused();
      if (this.closing) break;
      let count: number | null;
      try {
        count = await conn.read(buffer);
      } catch (error) {
        // A local close interrupts the pending read: that is no failure.
        this.reading = false;
        if (!this.closing) this.fail(error);
        else this.settle();
        return;
      }
      // pauseRead() may come while a read is in flight: hold its bytes.
      if (this.paused) await this.unpaused();
      if (this.closing) break;
      if (count === null) {
        this.readEnded = true;
        this.reading = false;
        this.handlers.end();
        this.endedBothWays();
        return;
      }
      let bytes: Uint8Array;
      if (count < HAND_OVER_AT) bytes = sharedPool.copy(buffer.subarray(0, count));
      else {
        bytes = buffer.subarray(0, count);
        buffer = new Uint8Array(READ_SIZE);
      }
      this.handlers.data(bytes);
    }
    this.reading = false;
    this.settle();
  }

  /** Waits while reading is paused (until resumed or closed). */
  private async unpaused(): Promise<void> {
    while (this.paused && !this.closing) {
      await new Promise<void>((resolve) => {
        this.resume = resolve;
      });
    }
  }

  private wakeReader(): void {
    const resume = this.resume;
    this.resume = null;
    resume?.();
  }

  // --- writing ---------------------------------------------------------------------

  private kickWriter(): void {
    if (this.writing || this.released) return;
    this.writing = true;
    // Started a microtask later, so that everything written in this turn
    // (several pipelined responses, say) leaves in one write().
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const conn = this.conn;
    try {
      while (!this.queue.empty && !this.released) {
        const bytes = this.queue.take();
        // Deno's write() returns how much the kernel took: loop on the rest.
        let done = 0;
        while (done < bytes.length) {
          done += await conn.write(done === 0 ? bytes : bytes.subarray(done));
        }
        this.queue.written(bytes.length);
      }
      if (this.wantShutdown && !this.writeShut && !this.released) {
        this.writeShut = true;
        await conn.closeWrite();
      }
    } catch (error) {
      this.writing = false;
      if (!this.released) this.fail(error);
      else this.settle();
      return;
    }
    this.writing = false;
    if (this.closing || this.released) {
      this.release();
      return;
    }
    if (this.needDrain) {
      this.needDrain = false;
      this.handlers.drain();
    }
    this.endedBothWays();
  }

  // --- closing ---------------------------------------------------------------------

  /** Both directions are done (FIN each way): close, as Node does with allowHalfOpen. */
  private endedBothWays(): void {
    if (this.readEnded && this.writeShut && !this.writing) this.release();
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.release();
  }

  /** Closes the connection now; `close` is reported once both loops have stopped. */
  private release(): void {
    this.closing = true;
    if (this.flushLimit !== undefined) clearTimeout(this.flushLimit);
    this.flushLimit = undefined;
    if (!this.released) {
      this.released = true;
      try {
        this.conn.close();
      } catch {
        // Already closed (BadResource): nothing left to release.
      }
    }
    this.wakeReader();
    this.settle();
  }

  /** Reports `close` once, when the connection is released and no read or write is pending. */
  private settle(): void {
    if (!this.released || this.reading || this.writing || this.reported) return;
    this.reported = true;
    if (this.failure === undefined) this.handlers.close();
    else this.handlers.close(this.failure);
  }
}

/** A listening `Deno.Listener` and its accept loop. */
class DenoListener implements RawListener {
  readonly hostname: string;
  readonly port: number;
  private readonly listener: Deno.TcpListener;
  private readonly accepting: Promise<void>;
  private closed = false;

  constructor(listener: Deno.TcpListener, accept: () => SocketHandlers) {
    this.listener = listener;
    this.hostname = listener.addr.hostname;
    this.port = listener.addr.port;
    this.accepting = this.acceptLoop(accept);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        this.listener.close();
      } catch {
        // Already closed.
      }
    }
    // Resolves once the pending accept() has been cancelled, so no operation
    // outlives the listener.
    return this.accepting;
  }

  private async acceptLoop(accept: () => SocketHandlers): Promise<void> {
    while (!this.closed) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.listener.accept();
      } catch (error) {
        if (this.closed || error instanceof Deno.errors.BadResource) return;
        // A connection reset while it waited to be accepted is that one
        // connection's failure: take the next one at once.
        if (
          error instanceof Deno.errors.NotConnected ||
          error instanceof Deno.errors.ConnectionReset ||
          error instanceof Deno.errors.ConnectionAborted
        ) {
          continue;
        }
        // A failed accept (EMFILE, ENFILE…): keep listening, as Node does,
        // after a pause so that a lasting shortage does not spin.
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
        continue;
      }
      opened(conn, accept());
    }
  }
}

/** Wraps a fresh connection, reports `open`, then starts reading. */
function opened(conn: Deno.TcpConn, handlers: SocketHandlers): void {
  // Core writes each message in as few buffers as it can; Nagle's algorithm
  // would only delay pipelined and keep-alive exchanges.
  try {
    conn.setNoDelay(true);
  } catch {
    // The peer is already gone: the read loop will report it.
  }
  const socket = new DenoSocket(conn, handlers);
  handlers.open(socket);
  socket.start();
}

/** IPv6 literals may arrive bracketed, as in URLs (`[::1]`); Deno wants them bare. */
function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** {@link SocketLayer} over `Deno.listen` / `Deno.connect` (Deno 2). Needs `--allow-net`. */
export const denoSocketLayer: SocketLayer = {
  runtime: "deno",
  // Short reads are copied out of the reused buffer and long ones handed
  // over with a new buffer taken: what `data` receives is never reused.
  reusesReadBuffers: false,

  listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener> {
    if (options.tls !== undefined) {
      return Promise.reject(new Error("@tether/deno does not serve TLS (https) yet"));
    }
    try {
      const listener = Deno.listen({
        hostname: bare(options.hostname ?? "0.0.0.0"),
        port: options.port ?? 0,
        transport: "tcp",
      });
      return Promise.resolve(new DenoListener(listener, accept));
    } catch (error) {
      return Promise.reject(error);
    }
  },

  connect(options: ConnectOptions, handlers: SocketHandlers): void {
    if (options.tls !== undefined) {
      // Reported asynchronously, like every other connect failure.
      const error = new Error("@tether/deno does not support TLS (https) origins yet");
      queueMicrotask(() => handlers.close(error));
      return;
    }
    Deno.connect({ hostname: bare(options.hostname), port: options.port, transport: "tcp" }).then(
      (conn) => opened(conn, handlers),
      (error: unknown) => handlers.close(error instanceof Error ? error : new Error(String(error))),
    );
  },
};
