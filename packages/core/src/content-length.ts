/**
 * Content-Length (RFC 9110 §8.6): `Content-Length = 1*DIGIT`.
 *
 * RFC 9110 §8.6 lets a recipient accept a list of identical values
 * (`42, 42`, the result of combining repeated field lines, §5.3) as that one
 * value; differing values are an unrecoverable framing error
 * (RFC 9112 §6.3 item 5). Signs, inner spaces, empty list elements and values
 * above `Number.MAX_SAFE_INTEGER` are invalid.
 */
import { isWhitespace, latin1Octets } from "./chars.ts";

/** No Content-Length field was seen. */
export const CL_NONE = -1;
/** A Content-Length value is not `1*DIGIT` (or a list of them). */
export const CL_INVALID = -2;
/** Content-Length values differ. */
export const CL_CONFLICT = -3;

const COMMA = 0x2c;

/**
 * Parses one Content-Length field value `b[s, e)` (OWS already trimmed).
 * Returns the length, {@link CL_INVALID} or {@link CL_CONFLICT}.
 */
export function parseContentLength(b: Uint8Array, s: number, e: number): number {
  let value = CL_NONE;
  let i = s;
  for (;;) {
    const start = i;
    let n = 0;
    while (i < e) {
      const d = b[i]! - 0x30;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
      if (n > Number.MAX_SAFE_INTEGER) return CL_INVALID;
      i++;
    }
    if (i === start) return CL_INVALID;
    if (value === CL_NONE) value = n;
    else if (value !== n) return CL_CONFLICT;
    while (isWhitespace(b[i]) && i < e) i++;
    if (i === e) return value;
    if (b[i] !== COMMA) return CL_INVALID;
    i++;
    while (isWhitespace(b[i]) && i < e) i++;
  }
}

/** Parses a Content-Length value held as a string (after obs-fold unfolding). */
export function parseContentLengthText(value: string): number {
  return parseContentLength(latin1Octets(value), 0, value.length);
}

/**
 * Combines the Content-Length seen so far with the value of one more field
 * line: the first error sticks, identical values merge, different ones conflict.
 */
export function combineContentLength(sofar: number, next: number): number {
  if (sofar < CL_NONE) return sofar;
  if (sofar === CL_NONE || next < 0) return next;
  return sofar === next ? sofar : CL_CONFLICT;
}
