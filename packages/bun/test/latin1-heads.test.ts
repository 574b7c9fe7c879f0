/**
 * Heads decoded by the Bun layer's `decodeLatin1` (Bun's `latin1Slice`):
 * RFC 9110 §5.5 obs-text octets (%x80–FF) in a field value reach the
 * server's handler and the client's caller as the code points of the same
 * value, one per octet, never as UTF-8 or windows-1252. Raw Bun sockets are
 * the peers, so the octets are exactly the ones written.
 */
import { afterEach, expect, it } from "bun:test";
import type { TetherServer } from "@tether/adapter-kit";
import type { Socket } from "bun";
import { createClient, serve } from "../src/index.ts";

const servers: TetherServer[] = [];
const stops: (() => void)[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const stop of stops.splice(0)) stop();
});

/** `caf` é, then 0x80, 0x9F (windows-1252 would remap them) and 0xFF. */
const OBS = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x80, 0x9f, 0xff]);
const OBS_TEXT = "caf\u00e9\u0080\u009f\u00ff";

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

it("RFC 9110 §5.5: a request field's obs-text octets reach the handler one code point each", async () => {
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    handler: (ex) => {
      const value = ex.head.fields.get("x-obs") ?? "";
      const codes = Array.from(value, (c) => c.charCodeAt(0)).join(",");
      ex.respond(200, [["content-type", "text/plain"]], codes);
    },
  });
  servers.push(server);
  const reply = await new Promise<string>((resolve, reject) => {
    let got = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port: server.port,
      socket: {
        binaryType: "uint8array",
        open(socket: Socket<undefined>) {
          socket.write(
            Buffer.concat([
              ascii("GET / HTTP/1.1\r\nHost: x\r\nX-Obs: "),
              OBS,
              ascii("\r\nConnection: close\r\n\r\n"),
            ]),
          );
        },
        data(_socket: Socket<undefined>, bytes: Uint8Array) {
          got += new TextDecoder().decode(bytes);
        },
        close() {
          resolve(got);
        },
        error(_socket: Socket<undefined>, error: Error) {
          reject(error);
        },
      },
    }).catch(reject);
  });
  expect(reply.startsWith("HTTP/1.1 200")).toBe(true);
  expect(reply.slice(reply.indexOf("\r\n\r\n") + 4)).toBe(
    Array.from(OBS_TEXT, (c) => c.charCodeAt(0)).join(","),
  );
});

it("RFC 9110 §5.5: a response field's obs-text octets reach request() one code point each", async () => {
  const head = Buffer.concat([
    ascii("HTTP/1.1 200 OK\r\nX-Obs: "),
    OBS,
    ascii("\r\nContent-Length: 2\r\n\r\nok"),
  ]);
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      binaryType: "uint8array",
      data(socket: Socket<undefined>) {
        socket.write(head);
      },
    },
  });
  stops.push(() => listener.stop(true));
  const client = createClient();
  try {
    const response = await client.request({ url: `http://127.0.0.1:${listener.port}/` });
    expect(response.status).toBe(200);
    expect(response.fields.get("x-obs")).toBe(OBS_TEXT);
    expect(new TextDecoder().decode(response.body)).toBe("ok");
  } finally {
    await client.close();
  }
});
