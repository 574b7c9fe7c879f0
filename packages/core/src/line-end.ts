/**
 * Line terminators (RFC 9112 §2.2): a line ends with CRLF. A recipient MAY
 * accept a bare LF (the `lenientLineEndings` option); a bare CR is never
 * accepted.
 */
import { CR, LF } from "./chars.ts";
import { ProtocolError } from "./errors.ts";

/** {@link lineEnd}: the buffer ends before the terminator is complete. */
export const INCOMPLETE = -1;
/** {@link lineEnd}: the octet is not the start of a line terminator. */
export const NOT_EOL = -2;
/** {@link lineEnd}: CR not followed by LF. */
export const BARE_CR_AT = -3;
/** {@link lineEnd}: LF without CR, and bare LF is not accepted. */
export const BARE_LF_AT = -4;

/**
 * Looks for a line terminator at `b[i]` (the buffer ends at `end`). Returns
 * the offset just after it, or one of the negative constants above.
 */
export function lineEnd(b: Uint8Array, i: number, end: number, lenient: boolean): number {
  if (i >= end) return INCOMPLETE;
  const c = b[i];
  if (c === CR) {
    if (i + 1 >= end) return INCOMPLETE;
    return b[i + 1] === LF ? i + 2 : BARE_CR_AT;
  }
  if (c === LF) return lenient ? i + 1 : BARE_LF_AT;
  return NOT_EOL;
}

/** The error for {@link BARE_CR_AT} or {@link BARE_LF_AT} at `offset`. */
export function lineEndError(result: number, offset?: number): ProtocolError {
  return result === BARE_CR_AT
    ? new ProtocolError("BARE_CR", "CR not followed by LF (RFC 9112 §2.2)", offset)
    : new ProtocolError("BARE_LF", "line ends with a bare LF (RFC 9112 §2.2)", offset);
}

/** A line scanner found an error (it is in the scanner's `error` slot). */
export const INVALID = -5;
