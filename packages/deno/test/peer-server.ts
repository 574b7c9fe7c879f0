/**
 * A Tether server on the Deno socket layer for the real-peer tests (Deno's
 * own fetch, curl): a few routes on the Web-standard handler, and a record
 * of the connections and requests it saw.
 */
import type { RequestInfo, TetherServer } from "@tether/adapter-kit";
import { serve } from "../src/index.ts";

/** One request as the server saw it. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly connection: number;
  readonly requestNumber: number;
}

/** The server and what it saw. */
export interface PeerServer {
  readonly server: TetherServer;
  readonly url: string;
  readonly seen: Seen[];
  /** Connections opened so far (from the server's events). */
  opened(): number;
}

/**
 * Starts a server on 127.0.0.1:0 with these routes:
 * `/text/NAME` → `hello NAME`; `/echo` → the request body; `/stream/N` →
 * N bytes (byte i is i mod 256) in 4 KiB pieces of unknown total length
 * (chunked); `/close` → `bye` with `Connection: close`.
 */
export async function startPeerServer(): Promise<PeerServer> {
  const seen: Seen[] = [];
  let opened = 0;
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request: Request, info: RequestInfo) => {
      const path = new URL(request.url).pathname;
      seen.push({
        method: request.method,
        path,
        connection: info.connection,
        requestNumber: info.requestNumber,
      });
      return answer(request, path);
    },
  });
  server.on((event) => {
    if (event.type === "connection-opened") opened++;
  });
  return { server, url: server.url, seen, opened: () => opened };
}

async function answer(request: Request, path: string): Promise<Response> {
  if (path.startsWith("/text/")) return new Response(`hello ${path.slice("/text/".length)}`);
  if (path === "/echo") return new Response(await request.arrayBuffer());
  if (path.startsWith("/stream/")) return new Response(stream(Number(path.slice(8))));
  if (path === "/close") return new Response("bye", { headers: { connection: "close" } });
  return new Response("not found", { status: 404 });
}

/** `total` bytes (byte i is i mod 256) in 4 KiB pieces. */
function stream(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      const piece = new Uint8Array(Math.min(4096, total - sent));
      for (let i = 0; i < piece.length; i++) piece[i] = (sent + i) % 256;
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
}
