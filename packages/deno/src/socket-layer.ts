/**
 * The Deno socket layer: {@link SocketLayer} over `Deno.listen` and
 * `Deno.connect` (`Deno.TcpConn`), not `Deno.serve` and not Deno's `fetch`;
 * TLS over `Deno.listenTls`/`Deno.startTls` (`Deno.TlsConn`, tls.ts).
 *
 * This is all `@tether/deno` has to provide; `@tether/adapter-kit` runs
 * core's server sessions and client pool on top of it. Each connection is a
 * `DenoSocket` (deno-socket.ts: one read loop, one writer, half-close and
 * resets); each listener a `DenoListener` with its accept loop
 * (listener.ts). Reads and writes start Deno's operations directly where the
 * runtime allows it (conn-ops.ts).
 */
import type {
  ConnectOptions,
  ListenOptions,
  RawListener,
  SocketHandlers,
  SocketLayer,
} from "@tether/adapter-kit";
import { type ConnOps, fastestOps } from "./conn-ops.ts";
import { opened } from "./deno-socket.ts";
import { latin1Decoder } from "./latin1.ts";
import { DenoListener } from "./listener.ts";
import { connectTls, listenTls } from "./tls.ts";

/** IPv6 literals may arrive bracketed, as in URLs (`[::1]`); Deno wants them bare. */
function bare(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/**
 * The Deno socket layer with its connections read and written by `ops`
 * (conn-ops.ts); {@link denoSocketLayer} is this with the fastest
 * operations the runtime offers.
 */
export function denoSocketLayerWith(ops: ConnOps): SocketLayer {
  return {
    runtime: "deno",
    // Reads go into fresh space each time (read-buffer.ts): what `data`
    // receives is never written again.
    reusesReadBuffers: false,
    // Heads are decoded by Node's latin1Slice as Deno provides it (latin1.ts).
    ...(latin1Decoder !== undefined ? { decodeLatin1: latin1Decoder } : {}),

    listen(options: ListenOptions, accept: () => SocketHandlers): Promise<RawListener> {
      try {
        const hostname = bare(options.hostname ?? "0.0.0.0");
        const port = options.port ?? 0;
        const listener =
          options.tls === undefined
            ? Deno.listen({ hostname, port, transport: "tcp" })
            : listenTls(hostname, port, options.tls);
        return Promise.resolve(new DenoListener(listener, accept, ops));
      } catch (error) {
        return Promise.reject(error);
      }
    },

    connect(options: ConnectOptions, handlers: SocketHandlers): void {
      const dialled =
        options.tls === undefined
          ? Deno.connect({ hostname: bare(options.hostname), port: options.port, transport: "tcp" })
          : connectTls(options); // open once the handshake is done (tls.ts)
      dialled.then(
        (conn) => opened(conn, handlers, ops),
        (error: unknown) =>
          handlers.close(error instanceof Error ? error : new Error(String(error))),
      );
    },
  };
}

/** {@link SocketLayer} over `Deno.listen` / `Deno.connect` and their TLS forms (Deno 2). Needs `--allow-net`. */
export const denoSocketLayer: SocketLayer = denoSocketLayerWith(fastestOps);
