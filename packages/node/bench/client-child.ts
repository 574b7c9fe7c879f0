/**
 * One HTTP client under test, in its own process (started by the parent with
 * `startChild("client-child.ts", [kind, originUrl])`). On `run` it makes
 * `count` GETs with `concurrency` in flight, reads every body whole, and
 * replies with the wall time and this process's CPU time (the shared bench
 * kit's gets.ts, which also makes Tether's kinds; this file only says how
 * Node's own clients make one GET).
 *
 * Kinds:
 * - `tether-fetch`: our `createClient()`'s Web `fetch()` (default pool: 6 connections)
 * - `tether-request`: our low-level `request()` on the same pool settings
 * - `tether-fetch-pipelined`: our `fetch()` on 6 connections with pipelining 10
 * - `undici-pool`: undici 7 `Pool`, 6 connections
 * - `undici-pipelined`: undici 7 `Pool`, 6 connections, pipelining 10
 * - `global-fetch`: Node's global `fetch` (its own bundled undici, default agent)
 */
import { Pool } from "undici";
import {
  fetchGet,
  type Get,
  PIPELINING_DEPTH,
  serveClientKind,
} from "../../conformance/bench-kit/gets.ts";
import { createClient } from "../src/index.ts";

/** Node's own clients: a function making one GET and reading its body. */
function nodeClient(kind: string, url: string, origin: string): Get | undefined {
  switch (kind) {
    case "undici-pool":
    case "undici-pipelined": {
      const pool = new Pool(origin, {
        connections: 6,
        pipelining: kind === "undici-pipelined" ? PIPELINING_DEPTH : 1,
      });
      return async () => {
        const r = await pool.request({ path: "/", method: "GET" });
        await r.body.arrayBuffer();
        return r.statusCode === 200;
      };
    }
    case "global-fetch":
      return fetchGet(url);
    default:
      return undefined;
  }
}

const [kind = "", origin = ""] = process.argv.slice(2);
serveClientKind(kind, origin, createClient, nodeClient);
