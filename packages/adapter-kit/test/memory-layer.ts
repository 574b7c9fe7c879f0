/**
 * An in-memory {@link SocketLayer}: sockets are pairs of queues, bytes are
 * delivered on a later macrotask, FIN and close travel like on TCP. It lets
 * the shared adapter code be tested without the OS, deterministically.
 */
import type {
  ConnectOptions,
  ListenOptions,
  RawListener,
  RawSocket,
  SocketHandlers,
  SocketLayer,
} from "../src/socket-layer.ts";

const later = (fn: () => void) => setTimeout(fn, 0);

class MemorySocket implements RawSocket {
  peer: MemorySocket | null = null;
  readonly handlers: SocketHandlers;
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort: number;
  readonly localPort: number;
  private paused = false;
  private inbox: Uint8Array[] = [];
  private finReceived = false;
  private finDelivered = false;
  closed = false;
  written = 0;

  constructor(handlers: SocketHandlers, localPort: number, remotePort: number) {
    this.handlers = handlers;
    this.localPort = localPort;
    this.remotePort = remotePort;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.closed) return false;
    const peer = this.peer;
    for (const c of chunks) {
      this.written += c.length;
      const copy = c.slice();
      later(() => peer?.deliver(copy));
    }
    return true;
  }

  shutdownWrite(): void {
    const peer = this.peer;
    later(() => peer?.receiveFin());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const peer = this.peer;
    later(() => {
      peer?.receiveFin();
      later(() => peer?.closeFromPeer());
    });
    later(() => this.handlers.close());
  }

  pauseRead(): void {
    this.paused = true;
  }

  resumeRead(): void {
    this.paused = false;
    later(() => this.flush());
  }

  private deliver(bytes: Uint8Array): void {
    if (this.closed) return;
    this.inbox.push(bytes);
    this.flush();
  }

  private receiveFin(): void {
    this.finReceived = true;
    this.flush();
  }

  private closeFromPeer(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close();
  }

  private flush(): void {
    while (!this.paused && !this.closed && this.inbox.length > 0) {
      this.handlers.data(this.inbox.shift() as Uint8Array);
    }
    if (!this.paused && this.finReceived && !this.finDelivered && this.inbox.length === 0) {
      this.finDelivered = true;
      if (!this.closed) this.handlers.end();
    }
  }
}

/** A fresh in-memory network. */
export function memoryLayer(): SocketLayer & { readonly connections: number } {
  const listeners = new Map<number, () => SocketHandlers>();
  let nextPort = 40000;
  let connections = 0;
  return {
    runtime: "memory",
    reusesReadBuffers: false,
    get connections() {
      return connections;
    },
    async listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener> {
      const port = options.port !== undefined && options.port !== 0 ? options.port : nextPort++;
      listeners.set(port, accept);
      return {
        hostname: options.hostname ?? "127.0.0.1",
        port,
        close: async () => {
          listeners.delete(port);
        },
      };
    },
    connect(options: ConnectOptions, handlers: SocketHandlers): void {
      const accept = listeners.get(options.port);
      if (accept === undefined) {
        later(() => handlers.close(new Error("ECONNREFUSED")));
        return;
      }
      connections++;
      const clientPort = nextPort++;
      const client = new MemorySocket(handlers, clientPort, options.port);
      const server = new MemorySocket(accept(), options.port, clientPort);
      client.peer = server;
      server.peer = client;
      later(() => {
        server.handlers.open(server);
        client.handlers.open(client);
      });
    },
  };
}
