/**
 * One HTTP client under test, in its own process (started by the parent with
 * `startChild("client-child.ts", [kind, originUrl])`). On `run` it makes
 * `count` GETs with `concurrency` in flight, reads every body whole, and
 * replies with the wall time and this process's CPU time (the shared bench
 * kit's gets.ts; this file only says how each client makes one GET).
 *
 * Kinds:
 * - `tether-fetch`: our `createClient()`'s Web `fetch()` (default pool: 6 connections)
 * - `tether-request`: our low-level `request()` on the same pool settings
 * - `undici-pool`: undici 7 `Pool`, 6 connections
 * - `undici-pipelined`: undici 7 `Pool`, 6 connections, pipelining 10
 * - `global-fetch`: Node's global `fetch` (its own bundled undici, default agent)
 */
import { Pool } from "undici";
import { type Get, serveGets } from "../../conformance/bench-kit/gets.ts";
import { createClient } from "../src/index.ts";

/** A function making one GET and reading its body; resolves true on a 200. */
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
    case "undici-pool":
    case "undici-pipelined": {
      const pool = new Pool(origin, {
        connections: 6,
        pipelining: kind === "undici-pipelined" ? 10 : 1,
      });
      return async () => {
        const r = await pool.request({ path: "/", method: "GET" });
        await r.body.arrayBuffer();
        return r.statusCode === 200;
      };
    }
    case "global-fetch":
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
