/**
 * A pipelined HTTP/1.1 exchange between Tether's client and server state
 * machines, with no sockets at all: the bytes one side produces are fed to
 * the other. Run it with `pnpm demo` from the repository root.
 */
import {
  ClientConnection,
  type ClientEvent,
  ServerConnection,
  type ServerEvent,
} from "../src/index.ts";

const latin1 = new TextDecoder("latin1");
const show = (b: Uint8Array | readonly Uint8Array[]) =>
  (b instanceof Uint8Array ? [b] : b)
    .map((x) => latin1.decode(x))
    .join("")
    .replaceAll("\r\n", "\\r\\n\n");
const indent = (s: string, p: string) =>
  s
    .trimEnd()
    .split("\n")
    .map((l) => p + l)
    .join("\n");

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const client = new ClientConnection();
const server = new ServerConnection({ advertiseKeepAlive: { timeoutSeconds: 5 } });

console.log("Tether core demo: three pipelined requests on one connection (RFC 9112 §9.3.2)\n");

// 1. The client writes three requests back to back, without waiting.
const wire: Uint8Array[] = [];
for (const target of ["/style.css", "/app.js", "/logo.png"]) {
  const { id, bytes } = client.request({
    method: "GET",
    target,
    fields: [
      ["Host", "example.test"],
      ["Accept", "*/*"],
    ],
  });
  wire.push(bytes);
  console.log(`client → request #${id} GET ${target}`);
}
const requestBytes = concat(wire);
console.log(`\nclient → server, one buffer of ${requestBytes.length} bytes:\n`);
console.log(indent(show(requestBytes), "  | "));

// 2. The server reads them all from that one buffer and answers in order.
server.receive(requestBytes);
const responses: Uint8Array[] = [];
let ev: ServerEvent | null = server.nextEvent();
for (; ev !== null; ev = server.nextEvent()) {
  if (ev.type === "request") {
    console.log(`server ← request #${ev.id} ${ev.head.method} ${ev.head.target}`);
  } else if (ev.type === "end") {
    const body = new TextEncoder().encode(`body of response #${ev.id}\n`);
    const last = ev.id === 3;
    responses.push(
      server.respond(
        {
          status: 200,
          fields: [
            ["Content-Type", "text/plain"],
            ...(last ? ([["Connection", "close"]] as [string, string][]) : []),
          ],
        },
        { bodyLength: body.length },
      ),
      ...server.sendData(body),
      ...server.sendEnd(),
    );
  }
}
console.log(`\nserver → client (${server.state}: ${server.closeReason ?? "persistent"}):\n`);
const responseBytes = concat(responses);
console.log(indent(show(responseBytes), "  | "));

// 3. The client matches each response to its request, in order — fed one
//    byte at a time to show that chunking never changes the result.
let cev: ClientEvent | null;
for (const byte of responseBytes) {
  client.receive(Uint8Array.of(byte));
  for (cev = client.nextEvent(); cev !== null; cev = client.nextEvent()) {
    if (cev.type === "response") {
      console.log(`client ← response #${cev.id}: ${cev.head.status} ${cev.head.reason}`);
    } else if (cev.type === "end") {
      console.log(`client ← end of #${cev.id}, connection reusable: ${cev.persistent}`);
    }
  }
}
console.log(`\nclient connection: ${client.state} (${client.closeReason ?? "persistent"})`);
