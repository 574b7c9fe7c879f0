/**
 * Opens many keep-alive connections, makes one GET on each, reads the
 * response, and leaves them open and idle (for the memory benchmark). Raw
 * `node:net` sockets, so this process stays small. Loopback only; the
 * parent closes everything with `close`.
 */
import * as net from "node:net";
import { BODY } from "../../conformance/bench-kit/payload.ts";
import { serveParent } from "../../conformance/bench-kit/processes.ts";

const sockets: net.Socket[] = [];
const REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/** One connection, one request, the whole response read; the socket stays open. */
function openOne(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1", noDelay: true });
    let text = "";
    socket.setEncoding("latin1");
    socket.on("error", reject); // after resolve() this is a no-op
    socket.once("connect", () => socket.write(REQUEST));
    const onData = (chunk: string): void => {
      text += chunk;
      if (!text.endsWith(BODY)) return;
      socket.off("data", onData);
      if (!text.startsWith("HTTP/1.1 200")) reject(new Error(`unexpected response: ${text}`));
      else {
        sockets.push(socket);
        resolve();
      }
    };
    socket.on("data", onData);
  });
}

/** Opens `count` connections, `parallel` at a time. */
async function open(port: number, count: number, parallel: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      await openOne(port);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

serveParent({ pid: process.pid }, async (message) => {
  switch (message.type) {
    case "open":
      await open(Number(message.port), Number(message.count), 64);
      return { open: sockets.length };
    case "churn": {
      // Served and closed again: the server's code paths are compiled
      // before the baseline reading, so JIT code is not counted per connection.
      const kept = sockets.length;
      await open(Number(message.port), Number(message.count), 64);
      for (const s of sockets.splice(kept)) s.destroy();
      return { open: sockets.length };
    }
    case "close":
      for (const s of sockets.splice(0)) s.destroy();
      return { open: 0 };
    default:
      throw new Error(`unknown message ${message.type}`);
  }
});
