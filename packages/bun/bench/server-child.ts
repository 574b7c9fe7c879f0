/**
 * One server under test, in its own Bun process (started by bench/run.ts
 * with `bun bench/server-child.ts KIND`). Every kind answers `GET /` with the
 * same small text body; the parent asks for this process's CPU time around
 * each load round.
 *
 * Kinds:
 * - `tether-handler`: our `serve()` with the low-level `handler`
 * - `tether-fetch`: our `serve()` with a Web `fetch` handler
 * - `bun-serve`: `Bun.serve` with a `fetch` handler
 * - `raw-listen`: `Bun.listen` writing a fixed response per request head (the ceiling)
 * - `tether-layer`: Tether's Bun socket layer alone writing the same fixed
 *   response (the bench kit's layer-server.ts): what the adapter costs
 * - `baseline-fetch DIR`: as `tether-fetch`, over the copy of adapter-kit's src in DIR
 *   (run.ts --baseline)
 */
import type { Socket } from "bun";
import { listenLayerFixed } from "../../conformance/bench-kit/layer-server.ts";
import {
  bodyResponse,
  HeadCounter,
  rawResponses,
  tetherServeOptions,
} from "../../conformance/bench-kit/payload.ts";
import { cpuMicros, serveParent } from "../../conformance/bench-kit/processes.ts";
import { bunSocketLayer, serve } from "../src/index.ts";

/** The raw server's answers to 1…10 heads in one read, prepared once. */
const RAW = Array.from({ length: 11 }, (_, n) => rawResponses(Math.max(n, 1)));

/** Starts the server of `kind` on 127.0.0.1 and returns its port. */
async function start(kind: string): Promise<number> {
  switch (kind) {
    case "tether-handler":
    case "tether-fetch": {
      const server = await serve(tetherServeOptions(kind, {}));
      return server.port;
    }
    case "bun-serve": {
      const server = Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: () => bodyResponse(),
      });
      return server.port as number;
    }
    case "baseline-fetch": {
      const kit = (await import(`${process.argv[3]}/index.ts`)) as {
        createServe: typeof import("@tether/adapter-kit").createServe;
      };
      const server = await kit.createServe(bunSocketLayer)(tetherServeOptions("tether-fetch", {}));
      return server.port;
    }
    case "raw-listen": {
      const listener = Bun.listen<HeadCounter>({
        hostname: "127.0.0.1",
        port: 0,
        socket: {
          binaryType: "uint8array",
          open(socket: Socket<HeadCounter>) {
            socket.data = new HeadCounter();
          },
          data(socket: Socket<HeadCounter>, bytes: Uint8Array) {
            const heads = socket.data.feed(bytes);
            if (heads === 0) return;
            // Small enough that the kernel takes it whole on loopback.
            socket.write(RAW[heads] ?? rawResponses(heads));
          },
        },
      });
      return listener.port;
    }
    case "tether-layer":
      return (await listenLayerFixed(bunSocketLayer)).port;
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}

const port = await start(process.argv[2] ?? "");
serveParent({ port, pid: process.pid }, (message) => {
  if (message.type === "cpu") return { cpu: cpuMicros() };
  throw new Error(`unknown message ${message.type}`);
});
