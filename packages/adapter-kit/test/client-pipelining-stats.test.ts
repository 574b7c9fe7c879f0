import { describe, expect, it } from "vitest";
import { createClientFactory } from "../src/client.ts";
import { createServe } from "../src/server.ts";
import { memoryLayer } from "./memory-layer.ts";

// client.ts counts a request as pipelined when it goes on a connection that
// still carries an unsettled request (RFC 9112 §9.3.2). The per-connection
// counts stay at 0 (not removed) between requests and go with their socket;
// each request's connection is kept on its exchange.

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function setup(clientOptions: Parameters<ReturnType<typeof createClientFactory>>[0]) {
  const layer = memoryLayer();
  const server = await createServe(layer)({
    hostname: "127.0.0.1",
    port: 0,
    maxPipelinedRequests: 8,
    handler: (ex) => ex.respond(200, [], ex.head.target),
  });
  const client = createClientFactory(layer)(clientOptions);
  return { layer, server, client, base: `http://127.0.0.1:${server.port}` };
}

describe("client stats: pipelined requests", () => {
  it("RFC 9112 §9.3.2: requests behind an unanswered one count as pipelined; sequential ones do not", async () => {
    const { server, client, base } = await setup({ pipelining: 4, connectionsPerOrigin: 1 });
    const first = await Promise.all(
      ["/a", "/b", "/c", "/d"].map((p) => client.request({ url: `${base}${p}` })),
    );
    expect(first.map((r) => text(r.body))).toEqual(["/a", "/b", "/c", "/d"]);
    // "/a" opens the connection, "/b" waits for it to prove persistent
    // (pipelining.ts), "/c" and "/d" go behind "/b".
    expect(client.stats().pipelined).toBe(2);
    // One at a time: the connection's count is back to 0 each time.
    for (const p of ["/e", "/f", "/g"]) {
      const r = await client.request({ url: `${base}${p}` });
      expect(text(r.body)).toBe(p);
      expect(r.reused).toBe(true);
    }
    expect(client.stats().pipelined).toBe(2);
    // And a second burst pipelines again on the same connection.
    const second = await Promise.all(["/h", "/i"].map((p) => client.fetch(`${base}${p}`)));
    expect(await Promise.all(second.map((r) => r.text()))).toEqual(["/h", "/i"]);
    expect(client.stats().pipelined).toBe(3);
    expect(client.stats().connectionsOpened).toBe(1);
    await client.close();
    await server.close();
  });

  it("a new connection starts with nothing counted on it", async () => {
    const { server, client, base } = await setup({
      pipelining: 4,
      connectionsPerOrigin: 1,
      maxRequestsPerConnection: 4,
    });
    const burst = async (names: string[]) => {
      const rs = await Promise.all(names.map((p) => client.request({ url: `${base}${p}` })));
      expect(rs.map((r) => text(r.body))).toEqual(names);
    };
    // Four per connection: the fourth says `Connection: close` (RFC 9112 §9.6).
    await burst(["/a", "/b", "/c", "/d"]);
    expect(client.stats().pipelined).toBe(2);
    // The next burst is on a new connection, counted from nothing.
    await burst(["/e", "/f", "/g", "/h"]);
    expect(client.stats().connectionsOpened).toBe(2);
    expect(client.stats().pipelined).toBe(4);
    // Counts are kept at 0 between requests, for live sockets only: the
    // first connection's count went with its socket.
    const activeOn = (client as unknown as { activeOn: Map<number, number> }).activeOn;
    expect([...activeOn.values()]).toEqual([0]);
    await client.close();
    await server.close();
  });
});
