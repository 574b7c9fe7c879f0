// scratch (helper s7h): js-path.ts with in-process phases for callgrind_control
import * as fs from "node:fs";
import type { RawSocket, SocketHandlers, SocketLayer } from "@tether/adapter-kit";
import { createServe } from "@tether/adapter-kit";
import { tetherServeOptions } from "../../conformance/bench-kit/payload.ts";
import { nodeSocketLayer } from "../src/socket-layer.ts";

const N = Number(process.env.S7N ?? "20000");
const DIR = process.env.S7DIR ?? "/tmp/s7h/sig";
const CONNECTIONS = 50;
const KA = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", "latin1");
const PIP = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n".repeat(10), "latin1");
let written = 0;
class MemorySocket implements RawSocket {
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 40000;
  readonly localPort = 8080;
  write(chunks: readonly Uint8Array[]): boolean {
    for (let i = 0; i < chunks.length; i++) written += (chunks[i] as Uint8Array).length;
    return true;
  }
  shutdownWrite(): void {}
  close(): void {}
  pauseRead(): void {}
  resumeRead(): void {}
}
const handlers: SocketHandlers[] = [];
const layer: SocketLayer = {
  ...nodeSocketLayer,
  listen(_options, accept) {
    for (let i = 0; i < CONNECTIONS; i++) {
      const h = accept();
      h.open(new MemorySocket());
      handlers.push(h);
    }
    return Promise.resolve({ hostname: "127.0.0.1", port: 8080, close: () => Promise.resolve() });
  },
};
await createServe(layer)(tetherServeOptions("tether-handler", { keepAliveTimeoutMs: 600_000 }));
function run(requests: number, req: Buffer, depth: number): void {
  for (let done = 0; done < requests; ) {
    for (let c = 0; c < CONNECTIONS && done < requests; c++) {
      (handlers[c] as SocketHandlers).data(req);
      done += depth;
    }
  }
}
const sab = new Int32Array(new SharedArrayBuffer(4));
function signal(name: string): void {
  fs.writeFileSync(`${DIR}/${name}`, "");
}
function waitFor(name: string): void {
  while (!fs.existsSync(`${DIR}/${name}`)) Atomics.wait(sab, 0, 0, 2);
}
run(40000, KA, 1);
run(40000, PIP, 10);
run(20000, KA, 1);
written = 0;
run(1, KA, 1);
const ka = written;
written = 0;
run(10, PIP, 10);
fs.writeFileSync(`${DIR}/answer`, `${ka} ${written}`);
signal("ready1");
waitFor("go1");
run(N, KA, 1);
signal("ready2");
waitFor("go2");
run(N, PIP, 10);
signal("ready3");
waitFor("go3");
process.exit(0);
