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

it("RFC 9112 §2.2: its native latin1 writer writes one octet per code unit, 0x00–0xFF", () => {
  const encode = nodeSocketLayer.encodeLatin1;
  expect(encode).toBeTypeOf("function");
  const text = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  // A view inside a larger array: only its own octets are written.
  const backing = new Uint8Array(260).fill(0xaa);
  const into = backing.subarray(2, 258);
  encode?.(text, into);
  expect([...into]).toEqual(Array.from({ length: 256 }, (_, i) => i));
  expect([backing[0], backing[1], backing[258], backing[259]]).toEqual([0xaa, 0xaa, 0xaa, 0xaa]);
});

it("its native latin1 writer round-trips with its decoder", () => {
  const text = "HTTP/1.1 200 OK\r\nx-note: caf\u00e9\r\n\r\n";
  const into = new Uint8Array(text.length);
  nodeSocketLayer.encodeLatin1?.(text, into);
  expect(nodeSocketLayer.decodeLatin1?.(into, 0, into.length)).toBe(text);
});
