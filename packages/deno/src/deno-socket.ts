/**
 * One connection of the Deno socket layer (socket-layer.ts): a connected
 * `Deno.TcpConn` (or `Deno.TlsConn`, tls.ts) seen as a {@link RawSocket}.
 *
 * A `Deno.Conn` is promise-based — `read(buffer)`, `write(bytes)` (which
 * may write only part of what it is given), `closeWrite()`, `close()` — so
 * each connection runs exactly two loops, turned into the event callbacks
 * core's drivers expect:
 *
 * - one read loop: a `read()` at a time, into a small region of a shared
 *   slab while reads are small and a 64 KiB buffer while they fill what
 *   they get (read-buffer.ts), each result handed to `data` in place,
 *   waiting while reading is paused (back-pressure);
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
import type { ConnectOptions, RawSocket, SocketHandlers } from "@tether/adapter-kit";
import type { ConnIo, ConnOps } from "./conn-ops.ts";
import { ReadBuffer } from "./read-buffer.ts";
import { isUncleanTlsEnd, startTlsOn } from "./tls.ts";
import { eventTime } from "./turn-clock.ts";
import { WriteQueue } from "./write-queue.ts";

/** `write()` answers false while more than this many bytes wait. */
const HIGH_WATER = 64 * 1024;
/** Queued buffers are merged into one `write()` up to this size. */
const MERGE_UP_TO = 64 * 1024;
/** How long a `close()` waits for queued bytes to leave before dropping them (ms). */
const CLOSE_FLUSH_LIMIT_MS = 2000;

/**
 * A connected `Deno.TcpConn` (or `Deno.TlsConn`, tls.ts) seen through the
 * {@link RawSocket} interface. Call {@link DenoSocket.start} once
 * `handlers.open` has returned.
 */
class DenoSocket implements RawSocket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  /** Replaced by its `Deno.TlsConn` when a dialled connection starts TLS. */
  private conn: Deno.TcpConn | Deno.TlsConn;
  /** How connections are read and written (conn-ops.ts). */
  private readonly ops: ConnOps;
  /** How `conn` is read and written; replaced with it. */
  private io: ConnIo;
  private readonly handlers: SocketHandlers;

  private readonly queue = new WriteQueue(MERGE_UP_TO);
  /** The writer is running (scheduled, writing, or half-closing). */
  private writing = false;
  /** How the running writer writes to its connection (set as it starts). */
  private writeIo: ConnIo;
  /** The batch being written, and how much of it is out. */
  private batch: Uint8Array | null = null;
  private batchDone = 0;
  /** `write()` said false: call `drain` once the queue is empty. */
  private needDrain = false;
  /** shutdownWrite() was called; `writeShut` once the FIN is sent. */
  private wantShutdown = false;
  private writeShut = false;

  /** The read loop is inside `handlers.data`; `flushAfterData`: start the writer as it returns. */
  private inData = false;
  private flushAfterData = false;

  private paused = false;
  /** startTls(): the read loop waits (no read may be pending) until the TLS conn replaces the TCP one. */
  private upgrading = false;
  private resume: (() => void) | null = null;
  private reading = false;
  private readEnded = false;

  /** close() was called, or the connection failed: no more events but `close`. */
  private closing = false;
  private released = false;
  private reported = false;
  private failure: Error | undefined;
  private flushLimit: ReturnType<typeof setTimeout> | undefined;

  constructor(conn: Deno.TcpConn | Deno.TlsConn, handlers: SocketHandlers, ops: ConnOps) {
    this.conn = conn;
    this.ops = ops;
    this.io = ops(conn);
    this.writeIo = this.io;
    this.handlers = handlers;
    const remote = conn.remoteAddr;
    this.remoteAddress = remote.hostname;
    this.remotePort = remote.port;
    this.localPort = conn.localAddr.port;
  }

  /** The clock is read once per batch of completed reads (turn-clock.ts). */
  eventTime(): number {
    return eventTime();
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

  startTls(target: ConnectOptions, established: () => void): void {
    const tcp = this.conn;
    if (this.closing || this.upgrading) return;
    if (this.writing || !("setNoDelay" in tcp)) {
      this.fail(new Error("TLS can start only on an idle TCP connection"));
      return;
    }
    // Called from within `data` (the proxy's 2xx): no read is in flight now,
    // and the loop waits before the next one.
    this.upgrading = true;
    startTlsOn(tcp, target).then(
      (secure) => {
        this.upgrading = false;
        if (this.released) {
          secure.close();
          return;
        }
        this.conn = secure;
        this.io = this.ops(secure);
        this.wakeReader();
        established();
      },
      (error: unknown) => {
        this.upgrading = false;
        this.fail(error);
      },
    );
  }

  resumeRead(): void {
    if (!this.paused) return;
    this.paused = false;
    this.wakeReader();
  }

  // --- reading ---------------------------------------------------------------------

  private async readLoop(): Promise<void> {
    const buffers = new ReadBuffer();
    for (;;) {
      if (this.paused || this.upgrading) await this.unpaused();
      if (this.closing) break;
      let count: number | null;
      try {
        count = await this.io.read(buffers.target);
      } catch (error) {
        if (!isUncleanTlsEnd(error)) {
          // A local close interrupts the pending read: that is no failure.
          this.reading = false;
          if (!this.closing) this.fail(error);
          else this.settle();
          return;
        }
        count = null; // a TLS peer's FIN without close_notify (tls.ts)
      }
      // pauseRead() may come while a read is in flight: hold its bytes.
      if (this.paused) await this.unpaused();
      if (this.closing) break;
      if (count === null || count === 0) {
        // The end of the stream (conn-ops.ts: the target is never empty).
        this.readEnded = true;
        this.reading = false;
        this.handlers.end();
        this.endedBothWays();
        return;
      }
      this.inData = true;
      try {
        this.handlers.data(buffers.filled(count));
      } finally {
        this.inData = false;
        // What `data` wrote leaves now, in one write (see kickWriter).
        if (this.flushAfterData) {
          this.flushAfterData = false;
          this.flushTask();
        }
      }
    }
    this.reading = false;
    this.settle();
  }

  /** Waits while reading is paused (until resumed or closed). */
  private async unpaused(): Promise<void> {
    while ((this.paused || this.upgrading) && !this.closing) {
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
    // Within `data`, the read loop starts the writer as `data` returns: a
    // response written synchronously (and every pipelined one answered in
    // the same call) leaves without waiting for a microtask.
    if (this.inData) {
      this.flushAfterData = true;
      return;
    }
    // Started a microtask later, so that everything written in this turn
    // (several pipelined responses, say) leaves in one write().
    queueMicrotask(this.flushTask);
  }

  /*
   * The writer is a chain of callbacks, not an async function: each turn of
   * it is one `conn.write()` and one `then`, with the callbacks bound once
   * per connection, so a small response costs no async function's frame,
   * promise and resumption closures (the garbage of a keep-alive exchange).
   */

  /** Starts the writer on the current connection (a microtask after kickWriter). */
  private readonly flushTask = (): void => {
    this.writeIo = this.io;
    this.writeNext();
  };

  /** Writes the next batch, or half-closes, or ends the writer's run. */
  private writeNext(): void {
    if (!this.queue.empty && !this.released) {
      const bytes = this.queue.take();
      this.batch = bytes;
      this.batchDone = 0;
      this.writeSome(bytes);
      return;
    }
    if (this.wantShutdown && !this.writeShut && !this.released) {
      this.writeShut = true;
      try {
        this.writeIo.closeWrite().then(this.writerStopped, this.writeFailed);
      } catch (error) {
        this.writeFailed(error);
      }
      return;
    }
    this.writerStopped();
  }

  private writeSome(bytes: Uint8Array): void {
    try {
      this.writeIo.write(bytes).then(this.wrote, this.writeFailed);
    } catch (error) {
      this.writeFailed(error);
    }
  }

  /** Deno's write() returns how much the kernel took: write the rest, then the next batch. */
  private readonly wrote = (count: number): void => {
    const bytes = this.batch as Uint8Array; // set by writeNext; each write settles once
    const done = this.batchDone + count;
    if (done < bytes.length) {
      this.batchDone = done;
      this.writeSome(bytes.subarray(done));
      return;
    }
    this.batch = null;
    this.queue.written(bytes.length);
    this.writeNext();
  };

  private readonly writeFailed = (error: unknown): void => {
    this.batch = null;
    this.writing = false;
    if (!this.released) this.fail(error);
    else this.settle();
  };

  /** The queue is empty (and the FIN sent if wanted): the writer's run is over. */
  private readonly writerStopped = (): void => {
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
  };

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

/** Wraps a fresh connection, reports `open`, then starts reading. */
export function opened(
  conn: Deno.TcpConn | Deno.TlsConn,
  handlers: SocketHandlers,
  ops: ConnOps,
): void {
  // Core writes each message in as few buffers as it can; Nagle's algorithm
  // would only delay pipelined and keep-alive exchanges. (A TlsConn has no
  // setNoDelay: tls.ts sets it on the TCP connection where it can.)
  try {
    if ("setNoDelay" in conn) conn.setNoDelay(true);
  } catch {
    // The peer is already gone: the read loop will report it.
  }
  const socket = new DenoSocket(conn, handlers, ops);
  handlers.open(socket);
  socket.start();
}
