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
 * - `tether-layer`: Tether's node:net socket layer alone writing the same
 *   fixed response (the bench kit's layer-server.ts): what the adapter costs
 */
import * as http from "node:http";
import * as net from "node:net";
import * as v8 from "node:v8";
import { listenLayerFixed } from "../../conformance/bench-kit/layer-server.ts";
import {
  BODY,
  HeadCounter,
  rawResponses,
  tetherServeOptions,
} from "../../conformance/bench-kit/payload.ts";
import { cpuMicros, serveParent } from "../../conformance/bench-kit/processes.ts";
import { nodeSocketLayer, serve } from "../src/index.ts";

/** Long enough that no idle connection is closed while memory is measured. */
const KEEP_ALIVE_MS = 120_000;

/** The raw server's answers to 1…10 heads in one read, as Buffers (Node's own type). */
const RAW = Array.from({ length: 11 }, (_, n) => {
  const bytes = rawResponses(Math.max(n, 1));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
});

/** Starts the server of `kind` on 127.0.0.1 and returns its port and connection counter. */
async function start(kind: string): Promise<{ port: number; open: () => Promise<number> }> {
  switch (kind) {
    case "tether-handler":
    case "tether-fetch": {
      let open = 0;
      const server = await serve(tetherServeOptions(kind, { keepAliveTimeoutMs: KEEP_ALIVE_MS }));
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
    case "tether-layer": {
      const server = await listenLayerFixed(nodeSocketLayer);
      return { port: server.port, open: () => Promise.resolve(server.open()) };
    }
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}

/** A `net.Server`'s open connections. */
function openOf(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((_error, n) => resolve(n)));
}

/**
 * The ceiling: counts request heads (the shared kit's {@link HeadCounter})
 * and writes one fixed response for each, all the responses to one read in
 * one write.
 */
function rawConnection(socket: net.Socket): void {
  const counter = new HeadCounter();
  socket.on("data", (bytes: Buffer) => {
    const heads = counter.feed(bytes);
    if (heads === 0) return;
    const out = RAW[heads];
    if (out !== undefined) socket.write(out);
    else {
      const more = rawResponses(heads);
      socket.write(Buffer.from(more.buffer, more.byteOffset, more.byteLength));
    }
  });
  socket.on("error", () => {});
}

/**
 * Bytes of V8's young generation (the nursery where new objects are
 * allocated) resident now. V8 grows it while a program allocates and shrinks
 * it again once the program is idle; the memory benchmark waits for that.
 */
function youngGeneration(): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === "new_space" || space.space_name === "new_large_object_space") {
      bytes += space.physical_space_size;
    }
  }
  return bytes;
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
    youngGeneration: youngGeneration(),
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
