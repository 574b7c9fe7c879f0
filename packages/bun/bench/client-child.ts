/**
 * One HTTP client under test, in its own Bun process (started by
 * bench/run.ts with `bun bench/client-child.ts KIND ORIGIN`). On `run` it
 * makes `count` GETs with `concurrency` in flight and reads every body
 * whole (the shared bench kit's gets.ts, which also makes Tether's kinds;
 * this file only adds Bun's own client).
 *
 * Kinds:
 * - `tether-fetch`: our `createClient()`'s Web `fetch()` (default pool: 6 connections)
 * - `tether-request`: our low-level `request()` on the same pool settings
 * - `bun-fetch`: Bun's global `fetch` (its own keep-alive pool, default settings)
 */
import { fetchGet, serveClientKind } from "../../conformance/bench-kit/gets.ts";
import { createClient } from "../src/index.ts";

const [kind = "", origin = ""] = process.argv.slice(2);
serveClientKind(kind, origin, createClient, (k, url) =>
  k === "bun-fetch" ? fetchGet(url) : undefined,
);
