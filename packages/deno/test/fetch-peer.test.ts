/**
 * A real peer: Deno's own `fetch` (its HTTP/1.1 client) against a Tether
 * server on the Deno socket layer. Needs `--allow-net` only.
 */
import assert from "node:assert/strict";
import { type PeerServer, startPeerServer } from "./peer-server.ts";

Deno.test.sanitizer({ ops: true, resources: true });

/** Runs `body` against a fresh server and a fresh Deno HTTP client, both closed afterwards. */
async function withPeers(
  body: (peer: PeerServer, client: Deno.HttpClient) => Promise<void>,
): Promise<void> {
  const peer = await startPeerServer();
  const client = Deno.createHttpClient({});
  try {
    await body(peer, client);
  } finally {
    client.close();
    await peer.server.close();
    // adapter-kit's writeWeb races a body read against a 0 ms timer
    // (response-writer.ts, `tick()`) and leaves the timer running when the
    // read wins; one turn lets it fire so the ops sanitizer stays on.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

Deno.test("RFC 9112 §9.3: Deno's fetch reuses one connection for two requests", () =>
  withPeers(async (peer, client) => {
    const first = await fetch(`${peer.url}/text/one`, { client });
    assert.equal(await first.text(), "hello one");
    const second = await fetch(`${peer.url}/text/two`, { client });
    assert.equal(await second.text(), "hello two");
    assert.equal(peer.opened(), 1);
    assert.deepEqual(
      peer.seen.map((s) => [s.path, s.requestNumber]),
      [
        ["/text/one", 1],
        ["/text/two", 2],
      ],
    );
    assert.equal(peer.seen[0]?.connection, peer.seen[1]?.connection);
  }));

Deno.test("a 1 MiB POST body from Deno's fetch is echoed whole", () =>
  withPeers(async (peer, client) => {
    const sent = new Uint8Array(1024 * 1024);
    for (let i = 0; i < sent.length; i++) sent[i] = i % 253;
    const response = await fetch(`${peer.url}/echo`, { method: "POST", body: sent, client });
    assert.equal(response.status, 200);
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), sent);
  }));

Deno.test("RFC 9112 §7.1: a streamed (chunked) response of 200000 bytes reaches Deno's fetch", () =>
  withPeers(async (peer, client) => {
    const response = await fetch(`${peer.url}/stream/200000`, { client });
    assert.match(response.headers.get("transfer-encoding") ?? "", /chunked/);
    const body = new Uint8Array(await response.arrayBuffer());
    assert.equal(body.length, 200000);
    assert.equal(body[199999], 199999 % 256);
  }));

Deno.test("RFC 9112 §9.6: after Connection: close, Deno's fetch opens a new connection", () =>
  withPeers(async (peer, client) => {
    const bye = await fetch(`${peer.url}/close`, { client });
    assert.equal(await bye.text(), "bye");
    const next = await fetch(`${peer.url}/text/again`, { client });
    assert.equal(await next.text(), "hello again");
    assert.equal(peer.opened(), 2);
    assert.notEqual(peer.seen[0]?.connection, peer.seen[1]?.connection);
  }));

Deno.test("RFC 9110 §9.3.2: HEAD from Deno's fetch gets the head and no body", () =>
  withPeers(async (peer, client) => {
    const response = await fetch(`${peer.url}/text/head`, { method: "HEAD", client });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "");
    // The connection is still good for the GET.
    const get = await fetch(`${peer.url}/text/head`, { client });
    assert.equal(await get.text(), "hello head");
    assert.equal(peer.opened(), 1);
  }));
