/**
 * The floor of a Web `fetch`-handler server on Bun's public API (issue #5):
 * what any server that hands a handler a `Request` and takes a `Response`
 * back must spend at the least, measured under wrk against `Bun.serve`, a raw
 * `Bun.listen` fixed-response server and Tether's `serve({ fetch })`,
 * interleaved in rounds (the shared bench kit's server section: wrk -t1
 * -c50, keep-alive and pipelined ×10, each server in its own process pinned
 * to core 1, wrk on core 0, CPU time read in the server process).
 *
 *   bun bench/fetch-floor.ts                 # 5 rounds × 1 s per server and mode
 *   bun bench/fetch-floor.ts --rounds 9 --seconds 2
 *
 * The floor servers (`floor-*`) are a `Bun.listen` server doing only the
 * unavoidable Web-API work per request: split the head (request line, field
 * lines; the benchmark's requests have no body), build the `Request` the
 * cheapest way Bun allows (URL string, method, a `Headers` filled with the
 * request's fields), call a handler returning `new Response(BODY)` (the
 * bench's usual body and Content-Type field), read the body, and write a
 * fixed head with the content's length. They differ only in how the body is
 * read:
 *
 * - `floor-peek`: `response.bytes()`, taken at once when `Bun.peek` finds
 *   the promise already settled (it is, for content in memory), else awaited;
 * - `floor-await`: `await response.bytes()`;
 * - `floor-reader`: `response.body.getReader()` and reads until done, awaited;
 * - `floor-inspect`: `bytes()` + `Bun.peek` only when `Bun.inspect(response)`
 *   shows a body held as a Blob in memory, else the reader — the one public
 *   way found to tell content in memory from a live stream without reading
 *   it (`bytes()` on a live stream would read it whole: no streaming).
 *
 * - `floor-held`: `bytes()` + `Bun.peek` only when `bun:jsc`'s memory
 *   estimate shows content held in memory (adapter-kit held-content.ts, as
 *   Tether's server does), else the reader.
 *
 * - `floor-held-lazy`: as `floor-held`, but no `Request` is built (the
 *   handler is given none): the floor of a server whose `Request` is made
 *   only when the handler looks at it (Tether's LazyRequest), for a
 *   handler that does not.
 *
 * Only `floor-held*`, `floor-inspect` and `floor-reader` could keep a live
 * stream streaming; the others show the cost of the Web objects alone.
 * `--kinds a,b,…` runs only those servers. Answers to pipelined requests keep their order (each read's
 * answers are written together once all are read).
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { Socket } from "bun";
import { heldSize } from "../../adapter-kit/src/held-content.ts";
import { concatBytes } from "../../adapter-kit/src/web.ts";
import { bodyResponse } from "../../conformance/bench-kit/payload.ts";
import {
  cpuMicros,
  pinned,
  serveParent,
  startProcess,
} from "../../conformance/bench-kit/processes.ts";
import {
  formatServerSection,
  type ServerSpec,
  serverSection,
} from "../../conformance/bench-kit/server-section.ts";
import { ensureDebianPackages } from "../../conformance/bench-kit/wrk.ts";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_DIR = path.dirname(BENCH_DIR);

type Reading = "peek" | "await" | "reader" | "inspect" | "held";

/** How a floor server reads bodies, and whether it builds a `Request` for the handler. */
interface Floor {
  readonly kind: string;
  readonly reading: Reading;
  readonly label: string;
  readonly request?: false;
}

const encoder = new TextEncoder();
const HEAD_START = encoder.encode(
  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ",
);

/** The handler of every floor server: the bench's usual answer. */
const handler = (_request: Request): Response => bodyResponse();

/** One answer: fixed head, the content's length, the content. */
function answer(content: Uint8Array): Uint8Array {
  const length = encoder.encode(`${content.length}\r\n\r\n`);
  const out = new Uint8Array(HEAD_START.length + length.length + content.length);
  out.set(HEAD_START, 0);
  out.set(length, HEAD_START.length);
  out.set(content, HEAD_START.length + length.length);
  return out;
}

/** The `Request` for one head (`text` from its first byte to the blank line). */
function requestOf(text: string): Request {
  const lineEnd = text.indexOf("\r\n");
  const line = text.slice(0, lineEnd);
  const sp1 = line.indexOf(" ");
  const sp2 = line.indexOf(" ", sp1 + 1);
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  const headers = new Headers();
  let host = "localhost";
  let at = lineEnd + 2;
  while (at < text.length) {
    const end = text.indexOf("\r\n", at);
    const stop = end < 0 ? text.length : end;
    const colon = text.indexOf(":", at);
    const name = text.slice(at, colon);
    const value = text.slice(colon + 1, stop).trim();
    headers.append(name, value);
    if (name.length === 4 && name.toLowerCase() === "host") host = value;
    at = stop + 2;
  }
  return new Request(`http://${host}${target}`, { method, headers });
}

/** The content of `response`, read the `reading` way. */
function contentOf(response: Response, reading: Reading): Uint8Array | Promise<Uint8Array> {
  if (
    reading === "reader" ||
    (reading === "inspect" && !heldAsBlob(response)) ||
    (reading === "held" && heldSize(response) === 0)
  ) {
    return readAll(response);
  }
  const pending = response.bytes();
  if (reading !== "await" && Bun.peek.status(pending) === "fulfilled") {
    return Bun.peek(pending) as Uint8Array;
  }
  return pending;
}

/** Whether `Bun.inspect` shows the body of `response` as a Blob (its last line). */
function heldAsBlob(response: Response): boolean {
  const shown = Bun.inspect(response);
  return shown.startsWith("Blob (", shown.lastIndexOf("\n  ") + 3);
}

async function readAll(response: Response): Promise<Uint8Array> {
  const body = response.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return concatBytes(chunks);
}

interface Conn {
  /** Bytes of an unfinished head. */
  rest: string;
  /** The writes of earlier reads, in order. */
  queue: Promise<void>;
}

/** Starts a floor server reading bodies the `reading` way; returns its port. */
function startFloor({ reading, request }: Floor): number {
  const NO_REQUEST = null as unknown as Request;
  const listener = Bun.listen<Conn>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      binaryType: "buffer",
      open(socket: Socket<Conn>) {
        socket.data = { rest: "", queue: Promise.resolve() };
      },
      data(socket: Socket<Conn>, bytes: Buffer) {
        const conn = socket.data;
        let text = conn.rest + bytes.toString("latin1");
        const pending: (Uint8Array | Promise<Uint8Array>)[] = [];
        let asynchronous = false;
        for (let end = text.indexOf("\r\n\r\n"); end >= 0; end = text.indexOf("\r\n\r\n")) {
          const head = text.slice(0, end);
          const content = contentOf(
            handler(request === false ? NO_REQUEST : requestOf(head)),
            reading,
          );
          if (content instanceof Promise) asynchronous = true;
          pending.push(content);
          text = text.slice(end + 4);
        }
        conn.rest = text;
        if (pending.length === 0) return;
        if (!asynchronous) {
          socket.write(answers(pending as Uint8Array[]));
          return;
        }
        conn.queue = conn.queue.then(async () => {
          socket.write(answers(await Promise.all(pending)));
        });
      },
    },
  });
  return listener.port;
}

/** The answers to `contents`, in one buffer. */
function answers(contents: readonly Uint8Array[]): Uint8Array {
  return concatBytes(contents.map(answer));
}

const FLOORS: readonly Floor[] = [
  { kind: "floor-peek", reading: "peek", label: "floor: bytes() + Bun.peek" },
  { kind: "floor-await", reading: "await", label: "floor: await bytes()" },
  { kind: "floor-reader", reading: "reader", label: "floor: body.getReader()" },
  { kind: "floor-inspect", reading: "inspect", label: "floor: Bun.inspect, then bytes()" },
  { kind: "floor-held", reading: "held", label: "floor: bun:jsc estimate, then bytes()" },
  {
    kind: "floor-held-lazy",
    reading: "held",
    label: "floor: as above, no Request built",
    request: false,
  },
];

const argv = process.argv.slice(2);
const childAt = argv.indexOf("--child");
if (childAt >= 0) {
  const floor = FLOORS.find((f) => f.kind === argv[childAt + 1]);
  if (floor === undefined) throw new Error(`unknown floor kind ${argv[childAt + 1]}`);
  const port = startFloor(floor);
  serveParent({ port, pid: process.pid }, (message) => {
    if (message.type === "cpu") return { cpu: cpuMicros() };
    throw new Error(`unknown message ${message.type}`);
  });
} else {
  const option = (name: string, fallback: string): string => {
    const at = argv.indexOf(name);
    return at >= 0 && at + 1 < argv.length ? (argv[at + 1] as string) : fallback;
  };
  const kinds = option("--kinds", "");
  const SERVERS: readonly ServerSpec[] = [
    ...FLOORS.map(({ kind, label }) => ({ kind, label, ours: true })),
    { kind: "tether-fetch", label: "tether serve({ fetch })", ours: true },
    { kind: "tether-handler", label: "tether serve({ handler })", ours: true },
    { kind: "bun-serve", label: "Bun.serve({ fetch })", short: "Bun.serve", ours: false },
    { kind: "raw-listen", label: "raw Bun.listen fixed response", short: "raw", ours: false },
  ].filter((s) => !s.ours || kinds === "" || kinds.split(",").includes(s.kind));
  ensureDebianPackages({ wrk: "wrk" });
  const results = await serverSection({
    rounds: Number(option("--rounds", "5")),
    seconds: Number(option("--seconds", "1")),
    warmSeconds: 1,
    warmRequests: 30_000,
    warmEachMode: false,
    connections: 50,
    servers: SERVERS,
    goals: [],
    goalsApplyTo: "each",
    log: (text) => process.stderr.write(`${text}\n`),
    start: async (spec, cpu) => {
      const floor = FLOORS.some((f) => f.kind === spec.kind);
      const file = path.join(BENCH_DIR, floor ? "fetch-floor.ts" : "server-child.ts");
      const args = floor ? ["--child", spec.kind] : [spec.kind];
      const { child, ready } = await startProcess(pinned(cpu, [process.execPath, file, ...args]), {
        cwd: PACKAGE_DIR,
        label: `bun ${path.basename(file)} ${spec.kind}`,
      });
      return { child, port: Number(ready.port) };
    },
  });
  process.stdout.write(`${formatServerSection(results, SERVERS, "each")}\n`);
}
