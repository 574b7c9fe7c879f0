/**
 * What an accepted socket keeps while idle: nothing of Node's that only this
 * layer made it keep (the peer's address Node caches on first read, and an
 * array of two `end` listeners where Node's own does nothing on a half-open
 * socket). Issue #4 measures memory per idle connection. Real loopback
 * sockets; every wait is for an event, nothing sleeps.
 */
import type * as net from "node:net";
import type { RawSocket } from "@tether/adapter-kit";
import { scoped, text } from "@tether/conformance";
import { expect, it } from "vitest";
import { nodeSocketLayer } from "../src/index.ts";

/** The `net.Socket` under one of this layer's sockets (this test looks at Node's side). */
function netSocketOf(raw: RawSocket | undefined): net.Socket & { _peername?: unknown } {
  const socket = (raw as unknown as { socket?: net.Socket } | undefined)?.socket;
  if (socket === undefined) throw new Error("no socket");
  return socket;
}

it("reports the peer's address and port (as the server reads them at accept), then lets Node's copy go", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    const port = netSocketOf(client.socket).localPort;
    expect(server.socket?.remoteAddress).toBe("127.0.0.1");
    expect(server.socket?.remotePort).toBe(port);
    expect(netSocketOf(server.socket)._peername).toBeUndefined();
    // Read again while connected: Node asks the kernel anew, same answer.
    expect(server.socket?.remotePort).toBe(port);
    expect(server.socket?.remoteAddress).toBe("127.0.0.1");
    expect(server.socket?.remotePort).toBe(port);
    expect(netSocketOf(server.socket)._peername).toBeUndefined();
  }));

it("RFC 9112 §9.6: a half-open socket holds one `end` listener (ours) and still writes after the peer's FIN", () =>
  scoped(nodeSocketLayer, async (scope) => {
    const { client, server } = await scope.pair("127.0.0.1");
    expect(netSocketOf(server.socket).listenerCount("end")).toBe(1);
    expect(netSocketOf(client.socket).listenerCount("end")).toBe(1);
    client.socket?.shutdownWrite();
    await server.saw("end");
    server.socket?.write([text("after FIN")]);
    await client.until((c) => c.received === 9);
    expect(client.text()).toBe("after FIN");
    expect(server.events).toEqual(["open", "end"]);
  }));
