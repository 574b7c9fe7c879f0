/**
 * The client's sockets: carries out the pool's socket actions on a
 * runtime's {@link SocketLayer} (connect, write, close, pause and resume
 * reading, TLS through a tunnel) and reports what the sockets do back to
 * the pool, each report followed by the client's `run()`.
 */
import type { ClientPool, Origin, SocketAction } from "@tether/core";
import { now } from "./clock.ts";
import {
  type ClientTlsOptions,
  type RawSocket,
  type SocketHandlers,
  type SocketLayer,
  TlsFailure,
} from "./socket-layer.ts";

/** See the module comment. */
export class ClientSockets {
  private readonly layer: SocketLayer;
  private readonly pool: ClientPool;
  /** For `https` origins and tunnels. */
  private readonly tls: ClientTlsOptions;
  /** Runs the client after every report to the pool. */
  private readonly run: () => void;
  /** Called when a socket is gone. */
  private readonly gone: (id: number) => void;
  /** Sockets whose `start-tls` handshake is under way. */
  private readonly securing = new Set<number>();
  private readonly sockets = new Map<number, RawSocket>();

  constructor(
    layer: SocketLayer,
    pool: ClientPool,
    tls: ClientTlsOptions,
    run: () => void,
    gone: (id: number) => void,
  ) {
    this.layer = layer;
    this.pool = pool;
    this.tls = tls;
    this.run = run;
    this.gone = gone;
  }

  /** Stops reading from a socket (a response body is full). */
  pauseReading(id: number): void {
    this.sockets.get(id)?.pauseRead();
  }

  /** Reads from a socket again. */
  resumeReading(id: number): void {
    this.sockets.get(id)?.resumeRead();
  }

  /** Closes a socket the pool handed over (a protocol switch the client does not offer). */
  drop(id: number): void {
    this.sockets.get(id)?.close();
    this.sockets.delete(id);
  }

  /** Carries out one of the pool's actions. */
  execute(a: SocketAction): void {
    switch (a.type) {
      case "connect":
        this.connect(a.socket, a.origin);
        break;
      case "write":
        this.sockets.get(a.socket)?.write(a.data);
        break;
      case "shutdown-write":
        this.sockets.get(a.socket)?.shutdownWrite();
        break;
      case "close": {
        const s = this.sockets.get(a.socket);
        this.sockets.delete(a.socket);
        s?.close();
        break;
      }
      case "pause-read":
        this.sockets.get(a.socket)?.pauseRead();
        break;
      case "resume-read":
        this.sockets.get(a.socket)?.resumeRead();
        break;
      case "start-tls":
        this.startTls(a.socket, a.origin);
        break;
    }
  }

  /** The CONNECT tunnel is up: TLS through it, as the origin's client. */
  private startTls(id: number, origin: Origin): void {
    const socket = this.sockets.get(id);
    if (socket === undefined) return;
    if (socket.startTls === undefined) {
      // The layer cannot: a failed connect, and the socket goes.
      this.sockets.delete(id);
      socket.close();
      const message = `the ${this.layer.runtime} socket layer cannot start TLS on a connection`;
      this.pool.connectFailed(id, message, now(), "tls");
      return;
    }
    this.securing.add(id);
    const target = { hostname: origin.host, port: origin.port, tls: this.tls };
    socket.startTls(target, () => {
      if (!this.securing.delete(id)) return;
      this.pool.tlsEstablished(id, now());
      this.run();
    });
  }

  private connect(id: number, origin: Origin): void {
    let opened = false;
    let ended = false;
    const copy = this.layer.reusesReadBuffers;
    const handlers: SocketHandlers = {
      open: (socket) => {
        opened = true;
        this.sockets.set(id, socket);
        this.pool.connected(id, now());
        this.run();
      },
      data: (bytes) => {
        this.pool.received(id, copy ? bytes.slice() : bytes, now());
        this.run();
      },
      end: () => {
        ended = true;
        this.pool.peerEnded(id, now());
        this.run();
      },
      drain: () => {},
      close: (error) => {
        const ours = !this.sockets.has(id);
        this.sockets.delete(id);
        this.gone(id);
        const securing = this.securing.delete(id);
        if (!opened || (securing && !ours)) {
          // A TLS failure is not retried (TLS_FAILED); anything else is a failed connect.
          const kind = error instanceof TlsFailure ? "tls" : "transport";
          this.pool.connectFailed(id, error?.message ?? "connection failed", now(), kind);
        } else if (!ours && (error !== undefined || !ended)) {
          this.pool.reset(id, error?.message ?? "connection reset", now());
        } else if (!ours) this.pool.peerEnded(id, now());
        this.run();
      },
    };
    this.layer.connect(
      {
        hostname: origin.host,
        port: origin.port,
        ...(origin.scheme === "https" ? { tls: this.tls } : {}),
      },
      handlers,
    );
  }
}
