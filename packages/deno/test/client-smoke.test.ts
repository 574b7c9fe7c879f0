/**
 * `createClient()` over the Deno socket layer, against a Tether server on
 * the same layer: a smoke test that the client half runs on Deno (the
 * client's own behaviour is specified in @tether/adapter-kit and core).
 */
import assert from "node:assert/strict";
import { createClient } from "../src/index.ts";
import { startPeerServer } from "./peer-server.ts";

Deno.test.sanitizer({ ops: true, resources: true });

Deno.test("RFC 9112 §9.3: createClient on Deno sends two requests over one pooled connection", async () => {
  const peer = await startPeerServer();
  const client = createClient({ connectionsPerOrigin: 1 });
  try {
    const first = await client.request({ url: `${peer.url}/text/one` });
    assert.equal(first.status, 200);
    assert.equal(new TextDecoder().decode(first.body), "hello one");
    const second = await client.fetch(`${peer.url}/echo`, { method: "POST", body: "ping" });
    assert.equal(await second.text(), "ping");
    assert.equal(peer.opened(), 1);
    assert.deepEqual(
      peer.seen.map((s) => s.requestNumber),
      [1, 2],
    );
    assert.equal(client.stats().connectionsOpened, 1);
  } finally {
    await client.close();
    await peer.server.close();
    // See fetch-peer.test.ts: lets adapter-kit's 0 ms race timer fire.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
});
