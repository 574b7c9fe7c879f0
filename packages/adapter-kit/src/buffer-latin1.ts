/**
 * A head decoder (`SocketLayer.decodeLatin1`) from `Buffer#latin1Slice`,
 * which Node, Bun and Deno (through its `node:buffer`) all have.
 *
 * `latin1Slice(start, end)` is what `toString("latin1")` runs, without its
 * argument handling: ISO-8859-1 proper, one code point per octet of the same
 * value (RFC 9110 §5.5: obs-text %x80–FF keeps its value; 0x80–0x9F stay
 * U+0080–U+009F, where the WHATWG `TextDecoder("latin1")` is windows-1252),
 * in one native call that reads any `Uint8Array`, Buffer or not, without a
 * view. It is no documented method: a runtime without it gets `undefined`,
 * and core's portable decoder is used.
 *
 * The adapter passes its runtime's `Buffer.prototype`, so that this kit
 * imports no runtime module.
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/**
 * The decoder made from `bufferPrototype.latin1Slice`, or undefined when
 * the runtime's `Buffer` has no such method.
 */
export function latin1SliceDecoder(
  bufferPrototype: object,
): ((bytes: Uint8Array, start: number, end: number) => string) | undefined {
  const slice = (bufferPrototype as { latin1Slice?: unknown }).latin1Slice;
  if (typeof slice !== "function") return undefined;
  const latin1Slice = slice as Latin1Slice;
  return (bytes, start, end) => latin1Slice.call(bytes, start, end);
}
