/**
 * The socket layer alone: a runtime's Tether {@link SocketLayer} writing the
 * fixed response for each request head, as the raw ceilings do, with no
 * HTTP engine above it (no parsing, no session, no handler). It sits
 * between the ceiling (the runtime's sockets used directly) and Tether's
 * servers, so a benchmark shows what the adapter itself costs per request
 * apart from what core and adapter-kit cost: the adapters are meant to
 * move bytes and nothing more.
 */
import type { RawSocket, SocketHandlers, SocketLayer } from "@tether/adapter-kit";
import { HeadCounter, rawResponses } from "./payload.ts";

/** A listening socket-layer server: its port and how many connections are open. */
export interface LayerServer {
  readonly port: number;
  open(): number;
  /** Stops listening (open connections are left as they are). */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (any port) through `layer`; each head read gets the fixed response. */
export async function listenLayerFixed(layer: SocketLayer): Promise<LayerServer> {
  let open = 0;
  const accept = (): SocketHandlers => {
    const heads = new HeadCounter();
    let socket: RawSocket | null = null;
    return {
      open(s) {
        socket = s;
        open++;
      },
      data(bytes) {
        const n = heads.feed(bytes);
        // All the answers to one read in one write, as the ceilings write them.
        if (n > 0) socket?.write([rawResponses(n)]);
      },
      end() {
        socket?.close();
      },
      drain() {},
      close() {
        if (socket !== null) open--;
      },
    };
  };
  const listener = await layer.listen({ hostname: "127.0.0.1", port: 0 }, accept);
  return { port: listener.port, open: () => open, close: () => listener.close() };
}
