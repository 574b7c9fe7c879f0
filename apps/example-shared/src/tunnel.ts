/**
 * `proxy`'s CONNECT: a tunnel to `host:port` (RFC 9110 §9.3.6), bytes piped
 * both ways through the runtime's socket layer.
 *
 * 1. The target is the request's authority-form (RFC 9112 §3.2.3), port
 *    required; anything else gets 400.
 * 2. The proxy dials it. Failure → 502, and the connection stays HTTP.
 * 3. Success → `200 Connection Established` and the client's connection is
 *    taken over (`takeOver`): "the recipient … switch[es] to tunnel mode
 *    immediately after the response header section".
 * 4. Bytes go through unchanged, with back-pressure: when one side's
 *    writes are refused, the other side's reading pauses until `drain`.
 *    A FIN is passed on as a FIN (half-close), so a TLS close_notify and
 *    FIN reach the far end in order; a close or reset of one side closes
 *    the other ("A tunnel is closed when a tunnel intermediary detects that
 *    either side has closed its connection").
 */
import type { RawExchange, RawSocket, SocketHandlers, SocketLayer } from "@tether/adapter-kit";

const TEXT = [["Content-Type", "text/plain; charset=utf-8"]] as [string, string][];

/** `host:port` (IPv6 bracketed) → host and port, or `null` when it is not authority-form. */
export function parseAuthority(target: string): { hostname: string; port: number } | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^\s/?#@[\]:]+):(\d{1,5})$/.exec(target);
  if (m === null) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  const host = m[1] as string;
  return { hostname: host.startsWith("[") ? host.slice(1, -1) : host, port };
}

/** One side of a tunnel: its socket, once open, and what the other side needs of it. */
class Side implements SocketHandlers {
  socket: RawSocket | null = null;
  other: Side | null = null;
  closed = false;
  private readonly copy: boolean;
  private readonly opened: (socket: RawSocket) => void;
  private readonly failed: (error: Error | undefined) => void;

  constructor(
    copy: boolean,
    opened: (socket: RawSocket) => void,
    failed: (error: Error | undefined) => void,
  ) {
    this.copy = copy;
    this.opened = opened;
    this.failed = failed;
  }

  open(socket: RawSocket): void {
    this.socket = socket;
    this.opened(socket);
  }

  data(bytes: Uint8Array): void {
    const to = this.other?.socket;
    if (to === null || to === undefined) return;
    // A runtime that reuses its read buffer must not see it queued elsewhere.
    if (!to.write([this.copy ? bytes.slice() : bytes])) this.socket?.pauseRead();
  }

  end(): void {
    this.other?.socket?.shutdownWrite();
  }

  drain(): void {
    this.other?.socket?.resumeRead();
  }

  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (this.socket === null) {
      this.failed(error);
      return;
    }
    const other = this.other;
    if (other !== null && !other.closed) other.socket?.close(error !== undefined);
  }
}

/** Answers a CONNECT exchange by tunnelling it through `layer` (steps in the module comment). */
export function tunnel(exchange: RawExchange, layer: SocketLayer): void {
  const target = parseAuthority(exchange.head.target);
  if (target === null) {
    exchange.respond(400, TEXT, "CONNECT needs host:port (RFC 9112 §3.2.3)");
    return;
  }
  const copy = layer.reusesReadBuffers;
  const client = new Side(
    copy,
    () => upstream.socket?.resumeRead(),
    () => upstream.socket?.close(),
  );
  const upstream = new Side(
    copy,
    (socket) => {
      // Nothing flows until the client's side is ours too.
      socket.pauseRead();
      try {
        exchange.takeOver(200, [], client);
      } catch {
        socket.close();
      }
    },
    (error) => {
      const why = error?.message ?? "connection failed";
      exchange.respond(502, TEXT, `bad gateway: ${target.hostname}:${target.port}: ${why}`);
    },
  );
  client.other = upstream;
  upstream.other = client;
  // The client left while we were dialling.
  exchange.signal.addEventListener("abort", () => {
    if (client.socket === null) upstream.socket?.close();
  });
  layer.connect({ hostname: target.hostname, port: target.port }, upstream);
}
