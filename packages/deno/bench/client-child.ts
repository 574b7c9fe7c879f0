/**
 * One HTTP client under test, in its own Deno process (started by the
 * driver with `startDenoChild("client-child.ts", [kind, originUrl])`). The
 * batches of GETs and their timing are the bench kit's (gets.ts); this file
 * only says how each kind makes one GET and reads its body.
 *
 * Kinds:
 * - `tether-fetch`: our `createClient()`'s Web `fetch()` (default pool: 6 connections)
 * - `tether-request`: our low-level `request()` on the same pool settings
 * - `deno-fetch`: Deno's global `fetch` (its own pool, no per-origin limit)
 *
 * Needs `--allow-net` only.
 */
import { type Get, serveGets } from "../../conformance/bench-kit/gets.ts";
import { createClient } from "../src/index.ts";
import { childProfiling } from "./profiler.ts";

function client(kind: string, url: string): Get {
  switch (kind) {
    case "tether-fetch": {
      const c = createClient();
      return async () => {
        const r = await c.fetch(url);
        await r.arrayBuffer();
        return r.status === 200;
      };
    }
    case "tether-request": {
      const c = createClient();
      return async () => {
        const r = await c.request({ url });
        return r.status === 200 && r.body.length > 0;
      };
    }
    case "deno-fetch":
      return async () => {
        const r = await fetch(url);
        await r.arrayBuffer();
        return r.status === 200;
      };
    default:
      throw new Error(`unknown client kind ${kind}`);
  }
}

const [kind = "", origin = ""] = await childProfiling(`client-${Deno.args[0] ?? ""}`, Deno.args);
serveGets(client(kind, `${origin}/`));
