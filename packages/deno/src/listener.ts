/**
 * The listening side of the Deno socket layer (socket-layer.ts): a
 * `Deno.TcpListener` or `Deno.TlsListener` (tls.ts) seen as a
 * {@link RawListener}, with its accept loop. Accepted TLS connections reach
 * `accept` only once their handshake is done; closing the listener drops
 * the handshakes still running.
 */
import type { RawListener, SocketHandlers } from "@tether/adapter-kit";
import type { ConnOps } from "./conn-ops.ts";
import { opened } from "./deno-socket.ts";
import { acceptHandshake } from "./tls.ts";

/** Pause before accepting again after a failed accept (EMFILE…), in ms. */
const ACCEPT_RETRY_MS = 50;

/** A listening `Deno.Listener` and its accept loop. */
export class DenoListener implements RawListener {
  readonly hostname: string;
  readonly port: number;
  private readonly listener: Deno.TcpListener | Deno.TlsListener;
  private readonly accepting: Promise<void>;
  private closed = false;
  /** Aborted by close(): TLS handshakes still running are dropped with the listener. */
  private readonly stopped = new AbortController();
  /** How accepted connections are read and written (conn-ops.ts). */
  private readonly ops: ConnOps;

  /** Starts accepting; each accepted connection gets the handlers `accept()` returns. */
  constructor(
    listener: Deno.TcpListener | Deno.TlsListener,
    accept: () => SocketHandlers,
    ops: ConnOps,
  ) {
    this.listener = listener;
    this.ops = ops;
    this.hostname = listener.addr.hostname;
    this.port = listener.addr.port;
    this.accepting = this.acceptLoop(accept);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stopped.abort();
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
      let conn: Deno.TcpConn | Deno.TlsConn;
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
      if ("handshake" in conn) secured(conn, accept, this.stopped.signal, this.ops);
      else opened(conn, accept(), this.ops);
    }
  }
}

/** A TLS connection reaches `accept` once its handshake is done (tls.ts). */
function secured(
  conn: Deno.TlsConn,
  accept: () => SocketHandlers,
  stopped: AbortSignal,
  ops: ConnOps,
): void {
  void acceptHandshake(conn, stopped).then((ok) => {
    if (ok) opened(conn, accept(), ops);
  });
}
