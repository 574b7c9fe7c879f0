/**
 * The benchmarks' socket-layer contender (packages/conformance/bench-kit/
 * layer-server.ts), over this package's layer and a real loopback socket:
 * one fixed response per request head, however the heads are split across
 * reads, and the connection count back to 0 once the client ends.
 */
import * as net from "node:net";
import { describe, expect, it } from "vitest";
import { listenLayerFixed } from "../../conformance/bench-kit/layer-server.ts";
import { RAW_RESPONSE } from "../../conformance/bench-kit/payload.ts";
import { nodeSocketLayer } from "../src/index.ts";

const HEAD = "GET / HTTP/1.1\r\nHost: bench\r\n\r\n";

describe("bench kit: the socket layer alone, fixed response", () => {
  it("answers every request head once: two in one write, a third split inside its CR LF CR LF", async () => {
    const server = await listenLayerFixed(nodeSocketLayer);
    const client = net.connect(server.port, "127.0.0.1");
    client.setNoDelay(true);
    let received = 0;
    const all = new Promise<void>((resolve) => {
      client.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 3 * RAW_RESPONSE.length) resolve();
      });
    });
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    expect(server.open()).toBe(1);
    client.write(HEAD + HEAD);
    const cut = HEAD.length - 3; // inside the final CR LF CR LF
    client.write(HEAD.slice(0, cut));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.write(HEAD.slice(cut));
    await all;
    expect(received).toBe(3 * RAW_RESPONSE.length);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.end();
    await closed;
    for (let i = 0; i < 50 && server.open() !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(server.open()).toBe(0);
    await server.close();
  });
});
