/**
 * One HTTP client under test, in its own Deno process (started by the
 * driver with `startDenoChild("client-child.ts", [kind, originUrl])`). The
 * batches of GETs, their timing and Tether's kinds are the bench kit's
 * (gets.ts); this file only adds Deno's own client.
 *
 * Kinds:
 * - `tether-fetch`: our `createClient()`'s Web `fetch()` (default pool: 6 connections)
 * - `tether-request`: our low-level `request()` on the same pool settings
 * - `deno-fetch`: Deno's global `fetch` (its own pool, no per-origin limit)
 *
 * Needs `--allow-net` only.
 */
import { fetchGet, serveClientKind } from "../../conformance/bench-kit/gets.ts";
import { createClient } from "../src/index.ts";
import { childProfiling } from "./profiler.ts";

const [kind = "", origin = ""] = await childProfiling(`client-${Deno.args[0] ?? ""}`, Deno.args);
serveClientKind(kind, origin, createClient, (k, url) =>
  k === "deno-fetch" ? fetchGet(url) : undefined,
);
