/**
 * @tether/bun — Tether on Bun, over `Bun.listen` / `Bun.connect`.
 *
 * The same API on Node, Bun and Deno: `serve()` and `createClient()` come
 * from @tether/adapter-kit, run over this package's socket layer.
 */
import { createClientFactory, createServe } from "@tether/adapter-kit";
import { bunSocketLayer } from "./socket-layer.ts";

export type * from "@tether/adapter-kit";
/** The opt-in `Response` that makes no stream for content in memory (see @tether/adapter-kit). */
export { installQuickResponse, QuickResponse } from "@tether/adapter-kit";
export { bunSocketLayer } from "./socket-layer.ts";

/** Starts an HTTP/1.1 server. See {@link ServeOptions}. */
export const serve = createServe(bunSocketLayer);

/** Creates a pooled HTTP/1.1 client. See {@link ClientOptions}. */
export const createClient = createClientFactory(bunSocketLayer);
