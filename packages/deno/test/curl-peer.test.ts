/**
 * A real peer: the `curl` binary against a Tether server on the Deno socket
 * layer (beside the kit's curl cases in real-peers.test.ts: chunked bodies
 * and HTTP/1.0 without keep-alive). Needs `--allow-run=/usr/bin/curl`, in a
 * run of its own: the adapter itself needs `--allow-net` alone. Skipped
 * where there is no curl.
 */
import assert from "node:assert/strict";
import { type PeerServer, startPeerServer } from "./peer-server.ts";

const CURL = "/usr/bin/curl";

Deno.test.sanitizer({ ops: true, resources: true });

const haveCurl = (() => {
  try {
    return new Deno.Command(CURL, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false; // not installed
  }
})();

/** Runs curl with `args` (never through a proxy, ignoring any .curlrc). */
async function curl(args: string[], stdin?: Uint8Array) {
  const command = new Deno.Command(CURL, {
    args: ["-q", "--noproxy", "*", ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code, stdout: decode(stdout), stderr: decode(stderr) };
}

function test(name: string, body: (peer: PeerServer) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !haveCurl,
    fn: async () => {
      const peer = await startPeerServer();
      try {
        await body(peer);
      } finally {
        await peer.server.close();
        // See fetch-peer.test.ts: lets adapter-kit's 0 ms race timer fire.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
  });
}

test("RFC 9112 §9.3: curl fetches two URLs over one reused connection", async (peer) => {
  const out = await curl(["-sv", `${peer.url}/text/one`, `${peer.url}/text/two`]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "hello onehello two");
  // curl 7.x says "Re-using existing connection", 8.x "Reusing existing connection".
  assert.match(out.stderr, /Re-?using existing connection/i);
  assert.equal(peer.opened(), 1);
  assert.deepEqual(
    peer.seen.map((s) => s.requestNumber),
    [1, 2],
  );
});

test("RFC 9110 §10.1.1: curl's Expect: 100-continue upload of 300000 bytes is echoed", async (peer) => {
  const body = new Uint8Array(300000).fill(0x7a);
  const out = await curl(
    [
      "-sv",
      "-H",
      "Expect: 100-continue",
      "-H",
      "Content-Type: application/octet-stream",
      "--data-binary",
      "@-",
      `${peer.url}/echo`,
    ],
    body,
  );
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, /HTTP\/1\.1 100 Continue/);
  assert.equal(out.stdout.length, body.length);
});

test("RFC 9112 §9.3: an HTTP/1.0 curl request is answered, then the server closes", async (peer) => {
  const out = await curl(["-sv", "--http1.0", `${peer.url}/text/old`, `${peer.url}/text/again`]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, "hello oldhello again");
  assert.doesNotMatch(out.stderr, /Re-?using existing connection/i);
  assert.equal(peer.opened(), 2);
});

test("RFC 9112 §7.1: curl de-chunks a streamed response of 100000 bytes", async (peer) => {
  const out = await curl([
    "-sv",
    "-o",
    "/dev/null",
    "-w",
    "%{size_download}",
    `${peer.url}/stream/100000`,
  ]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr, /transfer-encoding: chunked/i);
  assert.equal(out.stdout, "100000");
});
