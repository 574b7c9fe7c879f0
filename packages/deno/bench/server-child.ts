/**
 * One server under test, in its own Deno process (started by the driver
 * with `startDenoChild("server-child.ts", [kind])`). Every kind answers
 * `GET /` with the same small text body as the Node benchmark's servers.
 * The driver asks for this process's CPU time around each load round.
 *
 * Kinds:
 * - `tether-handler`: our `serve()` with the low-level `handler`
 * - `tether-fetch`: our `serve()` with a Web `fetch` handler
 * - `deno-serve`: `Deno.serve`
 * - `raw-deno`: `Deno.listen` writing a fixed response per request head (the
 *   ceiling), read and written with the operations Tether's socket layer uses
 *   (conn-ops.ts: Deno's own read and write operations where this Deno offers
 *   them), so that no server over `Deno.listen` can spend less per request
 * - `raw-deno-response`: the ceiling, also calling the benchmark's `fetch`
 *   handler once per request head and dropping the `Response` it makes
 *   after a look at its status: the floor of any `fetch`-handler server
 *   over `Deno.listen` (it must at least let the handler make its answer),
 *   with no `Request`, no parsing and no reading of the answer's head or
 *   content
 * - `tether-layer`: Tether's Deno socket layer alone writing the ceiling's
 *   fixed response per request head (the bench kit's layer-server.ts): what
 *   the adapter costs, apart from the HTTP engine above it
 *
 * Needs `--allow-net` only.
 */
import { listenLayerFixed } from "../../conformance/bench-kit/layer-server.ts";
import {
  bodyResponse,
  HeadCounter,
  rawResponses,
  tetherServeOptions,
} from "../../conformance/bench-kit/payload.ts";
import { cpuMicros, serveParent } from "../../conformance/bench-kit/processes.ts";
import { fastestOps } from "../src/conn-ops.ts";
import { denoSocketLayer, serve } from "../src/index.ts";
import { childProfiling } from "./profiler.ts";

/** No keep-alive connection is closed for idleness between rounds. */
const KEEP_ALIVE_MS = 120_000;

/** Starts the server of `kind` on 127.0.0.1 and returns its port. */
async function start(kind: string): Promise<number> {
  switch (kind) {
    case "tether-handler":
    case "tether-fetch": {
      const server = await serve(tetherServeOptions(kind, { keepAliveTimeoutMs: KEEP_ALIVE_MS }));
      return server.port;
    }
    case "deno-serve": {
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () =>
        bodyResponse(),
      );
      return server.addr.port;
    }
    case "raw-deno":
    case "raw-deno-response": {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const respond = kind === "raw-deno-response";
      void (async () => {
        for await (const conn of listener) void rawConnection(conn, respond);
      })();
      return listener.addr.port;
    }
    case "tether-layer":
      return (await listenLayerFixed(denoSocketLayer)).port;
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}

/** Lets the benchmark's `fetch` handler make one answer, and drops it after a look at its status. */
function checkedAnswer(): void {
  if (bodyResponse().status !== 200) throw new Error("the fetch handler's answer is not a 200");
}

/**
 * The ceiling: one read at a time into one buffer, the request heads that
 * ended in it counted (the bench kit's counter), and one fixed response per
 * head written, all of them in one write. Reads and writes go through
 * {@link fastestOps}, as Tether's own do: through `Deno.Conn#read` and
 * `#write` it spends more per keep-alive request (7.3 against 6.9 µs of
 * CPU, medians of 15 interleaved rounds) than the operations Tether's
 * socket layer uses, and would be no ceiling. With `respond`, the fetch
 * floor: each head also gets {@link checkedAnswer}.
 */
async function rawConnection(conn: Deno.TcpConn, respond: boolean): Promise<void> {
  conn.setNoDelay(true);
  const io = fastestOps(conn);
  const buffer = new Uint8Array(64 * 1024);
  const heads = new HeadCounter();
  try {
    for (;;) {
      const count = await io.read(buffer);
      if (count === null || count === 0) break; // the end of the stream (conn-ops.ts)
      const answers = heads.feed(buffer.subarray(0, count));
      if (answers === 0) continue;
      if (respond) for (let i = 0; i < answers; i++) checkedAnswer();
      const out = rawResponses(answers);
      let done = 0;
      while (done < out.length) done += await io.write(done === 0 ? out : out.subarray(done));
    }
  } catch {
    // The peer went away: nothing to report.
  } finally {
    try {
      conn.close();
    } catch {
      // Already closed.
    }
  }
}

const [kind = ""] = await childProfiling(`server-${Deno.args[0] ?? ""}`, Deno.args);
const port = await start(kind);
serveParent({ port, pid: Deno.pid }, (message) => {
  if (message.type === "cpu") return { cpu: cpuMicros() };
  throw new Error(`unknown message ${message.type}`);
});
