/**
 * One server under test, in its own process (started by the parent with
 * `startChild("server-child.ts", [kind])`). Every kind answers `GET /` with
 * the same small text body. The parent asks for this process's CPU time
 * around each load round and for its memory after GC (`--expose-gc`).
 *
 * Kinds:
 * - `tether-handler`: our `serve()` with the low-level `handler`
 * - `tether-fetch`: our `serve()` with a Web `fetch` handler
 * - `node-http`: `node:http`
 * - `raw-net`: `node:net` writing a fixed response per request head (the ceiling)
 */
import * as http from "node:http";
import * as net from "node:net";
import { serve } from "../src/index.ts";
import { cpuMicros, serveParent } from "./child.ts";
import { BODY } from "./payload.ts";

/** Long enough that no idle connection is closed while memory is measured. */
const KEEP_ALIVE_MS = 120_000;

const FIELDS: [string, string][] = [["content-type", "text/plain"]];

/** Everything the raw server writes per request. */
const RAW_RESPONSE = Buffer.from(
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
  "latin1",
);

/** Starts the server of `kind` on 127.0.0.1 and returns its port and connection counter. */
async function start(kind: string): Promise<{ port: number; open: () => Promise<number> }> {
  switch (kind) {
    case "tether-handler":
    case "tether-fetch": {
      let open = 0;
      const server = await serve({
        hostname: "127.0.0.1",
        port: 0,
        keepAliveTimeoutMs: KEEP_ALIVE_MS,
        maxConnectionsPerClient: 1_000_000,
        ...(kind === "tether-handler"
          ? { handler: (ex) => ex.respond(200, FIELDS, BODY) }
          : {
              fetch: () => new Response(BODY, { headers: { "content-type": "text/plain" } }),
            }),
      });
      server.on((event) => {
        if (event.type === "connection-opened") open++;
        else if (event.type === "connection-closed") open--;
      });
      return { port: server.port, open: () => Promise.resolve(open) };
    }
    case "node-http": {
      const server = http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": BODY.length });
        res.end(BODY);
      });
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { port: (server.address() as net.AddressInfo).port, open: () => openOf(server) };
    }
    case "raw-net": {
      const server = net.createServer({ noDelay: true }, rawConnection);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return { port: (server.address() as net.AddressInfo).port, open: () => openOf(server) };
    }
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}

/** A `net.Server`'s open connections. */
function openOf(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((_error, n) => resolve(n)));
}

const CR = 13;
const LF = 10;

/**
 * The ceiling: counts request heads (each ends with CRLF CRLF; requests
 * have no body here) and writes one fixed response for each, all the
 * responses to one read in one write.
 */
function rawConnection(socket: net.Socket): void {
  let matched = 0; // how many bytes of CR LF CR LF the stream ends with
  socket.on("data", (bytes: Buffer) => {
    let heads = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === (matched % 2 === 0 ? CR : LF)) {
        matched++;
        if (matched === 4) {
          heads++;
          matched = 0;
        }
      } else matched = b === CR ? 1 : 0;
    }
    if (heads === 1) socket.write(RAW_RESPONSE);
    else if (heads > 1) {
      const out = Buffer.allocUnsafe(RAW_RESPONSE.length * heads);
      for (let i = 0; i < heads; i++) RAW_RESPONSE.copy(out, i * RAW_RESPONSE.length);
      socket.write(out);
    }
  });
  socket.on("error", () => {});
}

/** Heap and RSS after a full GC (needs `--expose-gc`). */
async function memory(): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory needs node --expose-gc");
  // Let pending callbacks finish, then collect twice (the second pass frees
  // what the first one's finalisers released).
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const m = process.memoryUsage();
  return {
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    rss: m.rss,
  };
}

const kind = process.argv[2] ?? "";
const { port, open } = await start(kind);
serveParent({ port, pid: process.pid }, async (message) => {
  switch (message.type) {
    case "cpu":
      return { cpu: cpuMicros() };
    case "memory":
      return { ...(await memory()), open: await open() };
    default:
      throw new Error(`unknown message ${message.type}`);
  }
});
