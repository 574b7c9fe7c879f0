/**
 * `@tether/node`: Tether on Node.js.
 *
 * @packageDocumentation
 */
export { nodeSocketLayer } from "./socket-layer.ts";
