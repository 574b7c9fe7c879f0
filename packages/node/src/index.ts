/**
 * @tether/node — Tether on Node.js, over `node:net`.
 *
 * The same API on Node, Bun and Deno: `serve()` and `createClient()` come
 * from @tether/adapter-kit, run over this package's socket layer.
 */
import { createClientFactory, createServe } from "@tether/adapter-kit";
import { nodeSocketLayer } from "./socket-layer.ts";

export type * from "@tether/adapter-kit";
/** The opt-in `Response` that makes no stream for content in memory (see @tether/adapter-kit). */
export { installQuickResponse, QuickResponse } from "@tether/adapter-kit";
export { nodeSocketLayer } from "./socket-layer.ts";

/** Starts an HTTP/1.1 server. See {@link ServeOptions}. */
export const serve = createServe(nodeSocketLayer);

/** Creates a pooled HTTP/1.1 client. See {@link ClientOptions}. */
export const createClient = createClientFactory(nodeSocketLayer);
