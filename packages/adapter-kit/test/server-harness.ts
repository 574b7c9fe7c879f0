/**
 * The raw-connection harness of the adapter-kit tests: serves with
 * `options` on the in-memory socket layer (memory-layer.ts), writes one
 * request's bytes, and reads everything until the server closes.
 */
import type { ServeOptions } from "../src/api.ts";
import { createServe } from "../src/server.ts";
import type { RawSocket } from "../src/socket-layer.ts";
import { memoryLayer } from "./memory-layer.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Starts `serve()` with `options` on 127.0.0.1, sends `request` on a raw
 * connection, and resolves with everything read until the server closes
 * (the server is closed after).
 */
export async function exchange(
  options: Omit<ServeOptions, "hostname" | "port">,
  request: string,
): Promise<string> {
  const layer = memoryLayer();
  const server = await createServe(layer)({ hostname: "127.0.0.1", port: 0, ...options });
  let seen = "";
  await new Promise<void>((resolve) => {
    let socket: RawSocket | null = null;
    layer.connect(
      { hostname: "127.0.0.1", port: server.port },
      {
        open: (s) => {
          socket = s;
          s.write([enc.encode(request)]);
        },
        data: (bytes) => {
          seen += dec.decode(bytes);
        },
        // The server half-closed: finish the lingering close at once.
        end: () => (socket as RawSocket | null)?.shutdownWrite(),
        drain: () => {},
        close: () => resolve(),
      },
    );
  });
  await server.close();
  return seen;
}
