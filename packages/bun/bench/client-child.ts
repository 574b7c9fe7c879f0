/**
 * One HTTP client under test, in its own Bun process (started by
 * bench/run.ts with `bun bench/client-child.ts KIND ORIGIN`). On `run` it
 * makes `count` GETs with `concurrency` in flight and reads every body
 * whole (the shared bench kit's gets.ts; this file only says how each client
 * makes one GET).
 *
 * Kinds:
 * - `tether-fetch`: our `createClient()`'s Web `fetch()` (default pool: 6 connections)
 * - `tether-request`: our low-level `request()` on the same pool settings
 * - `bun-fetch`: Bun's global `fetch` (its own keep-alive pool, default settings)
 */
import { type Get, serveGets } from "../../conformance/bench-kit/gets.ts";
import { createClient } from "../src/index.ts";

function client(kind: string, origin: string): Get {
  const url = `${origin}/`;
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
    case "bun-fetch":
      return async () => {
        const r = await fetch(url);
        await r.arrayBuffer();
        return r.status === 200;
      };
    default:
      throw new Error(`unknown client kind ${kind}`);
  }
}

const [kind = "", origin = ""] = process.argv.slice(2);
serveGets(client(kind, origin));
