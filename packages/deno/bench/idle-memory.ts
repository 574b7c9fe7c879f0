/**
 * Memory of idle keep-alive connections: the resident set a Tether server
 * on Deno grows by per connection that has been served one GET and then
 * stays open, idle (each holds a pending `read()` and whatever buffer it
 * reads into).
 *
 *   deno run --no-lock --no-check --allow-net --allow-run --v8-flags=--expose-gc \
 *     bench/idle-memory.ts [CONNECTIONS=1000]
 *
 * The connections come from a child Deno process (this script, with
 * `--clients`), so that only the server's side is measured. A warm-up of
 * 50 connections first, then two rounds of CONNECTIONS; the RSS and V8's
 * `external` memory (ArrayBuffer backing stores) are taken after forced
 * garbage collections, before the clients connect and once all are idle.
 * RSS counts touched pages only: in the first round a fresh, untouched read
 * buffer costs little more than the page its first read wrote; in the
 * second round, memory freed by the first is handed out again and must be
 * zeroed, touching all of it (what a long-running server sees).
 */
import { serve } from "../src/index.ts";

const GET = new TextEncoder().encode("GET / HTTP/1.1\r\nhost: bench\r\n\r\n");

/** The child: opens `count` connections to `port`, one GET on each, then idles until stdin closes. */
async function clients(port: number, count: number): Promise<void> {
  const conns: Deno.TcpConn[] = [];
  const buffer = new Uint8Array(1024);
  for (let i = 0; i < count; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(GET);
    await conn.read(buffer); // the response: small, one read
    conns.push(conn);
  }
  console.log("ready");
  for await (const _ of Deno.stdin.readable) break;
  for (const conn of conns) conn.close();
}

async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One round: growth of this process's RSS and external memory with `count` idle connections open. */
async function round(port: number, count: number): Promise<{ rss: number; external: number }> {
  await settle();
  const before = Deno.memoryUsage();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-lock",
      "--no-check",
      "--allow-net",
      import.meta.filename ?? "",
      "--clients",
    ].concat([String(port), String(count)]),
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the client process ended early");
    text += new TextDecoder().decode(value);
  }
  await settle();
  const after = Deno.memoryUsage();
  await child.stdin.close();
  reader.releaseLock();
  await child.status;
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { rss: after.rss - before.rss, external: after.external - before.external };
}

if (Deno.args[0] === "--clients") {
  await clients(Number(Deno.args[1]), Number(Deno.args[2]));
} else {
  const count = Number(Deno.args[0] ?? 1000);
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    keepAliveTimeoutMs: 600_000,
    maxConnectionsPerClient: 1_000_000,
    handler: (ex) => ex.respond(200, [["content-type", "text/plain"]], GET.subarray(0, 13)),
  });
  await round(server.port, 50); // warm-up
  const perConnection = (bytes: number): string => (bytes / count / 1024).toFixed(1);
  for (let i = 1; i <= 2; i++) {
    const { rss, external } = await round(server.port, count);
    console.log(
      `round ${i}, ${count} idle keep-alive connections, per connection: ` +
        `RSS ${perConnection(rss)} KiB, external ${perConnection(external)} KiB`,
    );
  }
  await server.close();
}
