/**
 * The node:net socket layer over real loopback sockets: @tether/conformance's
 * socket-layer cases (the RawSocket contract, IPv4 and IPv6), then what is
 * Node's own (TLS handshake failures, the runtime name).
 * Every wait is for an event, bounded by the test timeout; nothing sleeps.
 */
import { TlsFailure } from "@tether/adapter-kit";
import { scoped, skipReason, socketLayerCases, text } from "@tether/conformance";
import { describe, expect, it } from "vitest";
import { nodeSocketLayer } from "../src/index.ts";

describe("nodeSocketLayer", () => {
  for (const c of socketLayerCases) {
    const why = skipReason(c, "node");
    if (why === null) it(c.name, () => c.run(nodeSocketLayer));
    else it.skip(`${c.name} — skipped on node: ${why}`, () => {});
  }
});

it("reports a failed TLS handshake (a plain-TCP peer) as close(TlsFailure) without open", () =>
  scoped(nodeSocketLayer, async (scope) => {
    // Whatever a plain server answers, it is not a TLS record.
    const { listener } = await scope.listen("127.0.0.1", (server) => {
      server.socket?.write([text("HTTP/1.1 400 Bad Request\r\n\r\n")]);
    });
    const client = scope.recorder();
    nodeSocketLayer.connect({ hostname: "127.0.0.1", port: listener.port, tls: {} }, client);
    await client.saw("close");
    expect(client.events).toEqual(["close"]);
    expect(client.error).toBeInstanceOf(TlsFailure);
  }));

it("is named for its runtime", () => {
  expect(nodeSocketLayer.runtime).toBe("node");
});
