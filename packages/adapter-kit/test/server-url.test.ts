/**
 * `server.url` names a host a local client can connect to, while
 * `server.hostname` keeps the address bound: the unspecified addresses
 * `0.0.0.0` (RFC 1122 §3.2.1.3) and `::` (RFC 4291 §2.5.2) are no
 * destination, so the URL uses the loopback address of the same family.
 */
import { describe, expect, it } from "vitest";
import { createServe } from "../src/server.ts";
import { memoryLayer } from "./memory-layer.ts";

async function urlFor(hostname: string | undefined) {
  const server = await createServe(memoryLayer())({
    ...(hostname !== undefined ? { hostname } : {}),
    port: 0,
    handler: (ex) => ex.respond(204),
  });
  const facts = { hostname: server.hostname, url: server.url, port: server.port };
  await server.close();
  return facts;
}

describe("server.url", () => {
  it("bound to 0.0.0.0: url uses 127.0.0.1, hostname stays 0.0.0.0", async () => {
    const s = await urlFor("0.0.0.0");
    expect(s.hostname).toBe("0.0.0.0");
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
  });

  it("the default binding (all IPv4 interfaces) gives a connectable url too", async () => {
    const s = await urlFor(undefined);
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
  });

  it("bound to :: : url uses [::1], hostname stays ::", async () => {
    const s = await urlFor("::");
    expect(s.hostname).toBe("::");
    expect(s.url).toBe(`http://[::1]:${s.port}`);
  });

  it("a specific address is kept, an IPv6 literal bracketed", async () => {
    expect((await urlFor("127.0.0.1")).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await urlFor("::1")).url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await urlFor("localhost")).url).toMatch(/^http:\/\/localhost:\d+$/);
  });
});
