/**
 * The client process of `load:connections`: opens many keep-alive
 * connections to the server under test, in batches, spread over several
 * loopback source addresses (127.0.0.2, 127.0.0.3, …) so that no address
 * goes over the server's default per-client cap (256). Each connection
 * sends one request, checks its answer, then stays open and idle until the
 * orchestrator says `close`.
 */
import net from "node:net";
import { arg, listen, tell } from "./ipc.ts";

/** The request each connection makes, and the body length of its answer. */
const REQUEST = "GET /bytes/64 HTTP/1.1\r\nHost: load\r\n\r\n";
const BODY_LENGTH = 64;

/** The source address of connection `i` (loopback: Linux answers for all of 127/8). */
export function sourceAddress(i: number, addresses: number): string {
  return `127.0.0.${2 + (i % addresses)}`;
}

/** Opens one connection, makes its request; resolves with the socket, or an error text. */
function open(port: number, localAddress: string): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress });
    socket.setNoDelay(true);
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (result: net.Socket | string): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    socket.on("connect", () => socket.write(REQUEST));
    socket.on("data", (b: Buffer) => {
      if (settled) {
        settle("data after the response");
        return;
      }
      received = Buffer.concat([received, b]);
      const end = received.indexOf("\r\n\r\n");
      if (end === -1 || received.length < end + 4 + BODY_LENGTH) return;
      const ok = received.subarray(0, 12).toString("latin1") === "HTTP/1.1 200";
      const exact = received.length === end + 4 + BODY_LENGTH;
      if (ok && exact) settle(socket);
      else settle(`unexpected answer: ${received.subarray(0, 40).toString("latin1")}`);
    });
    socket.on("error", (e) => settle(`error: ${e.message}`));
    socket.on("close", () => settle("closed before the answer"));
  });
}

/** Runs the client process. */
export async function connectionsRole(args: readonly string[]): Promise<void> {
  const port = Number(arg(args, "port", "0"));
  const count = Number(arg(args, "connections", "10000"));
  const addresses = Number(arg(args, "addresses", "50"));
  const batch = Number(arg(args, "batch", "250"));
  const sockets: net.Socket[] = [];
  const errors: string[] = [];
  let closedByServer = 0;
  const started = performance.now();
  for (let first = 0; first < count; first += batch) {
    const results = await Promise.all(
      Array.from({ length: Math.min(batch, count - first) }, (_, j) =>
        open(port, sourceAddress(first + j, addresses)),
      ),
    );
    for (const r of results) {
      if (typeof r === "string") errors.push(r);
      else {
        sockets.push(r);
        r.on("close", () => closedByServer++);
      }
    }
  }
  tell({
    type: "connected",
    connected: sockets.length,
    errors: errors.length,
    firstErrors: errors.slice(0, 5),
    elapsedMs: Math.round(performance.now() - started),
  });
  listen((command) => {
    if (command === "check") {
      tell({ type: "check", open: sockets.length - closedByServer, closedByServer });
    } else if (command === "close" || command === "eof") {
      for (const s of sockets) s.destroy();
      tell({ type: "closed" });
      process.exit(0);
    }
  });
}
