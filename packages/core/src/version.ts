/**
 * HTTP-version (RFC 9112 §2.3):
 *
 *     HTTP-version = HTTP-name "/" DIGIT "." DIGIT
 *     HTTP-name    = %s"HTTP"   ; case-sensitive
 *
 * Only major version 1 is spoken here; any other major version is answered
 * with 505 (RFC 9110 §15.6.6). A minor version above 1 is processed as 1.1
 * (RFC 9110 §2.5: a recipient uses the highest minor version it implements).
 */
import { isDigitOctet } from "./chars.ts";
import { ProtocolError } from "./errors.ts";

/** {@link scanVersion} result: not `HTTP/DIGIT.DIGIT`. */
export const VERSION_INVALID = -1;
/** {@link scanVersion} result: a major version other than 1. */
export const VERSION_UNSUPPORTED = -2;

/** True when `b[s, s+5)` is `HTTP/`. */
export function startsWithHttpName(b: Uint8Array, s: number): boolean {
  return (
    b[s] === 0x48 &&
    b[s + 1] === 0x54 &&
    b[s + 2] === 0x54 &&
    b[s + 3] === 0x50 &&
    b[s + 4] === 0x2f
  );
}

/**
 * Checks that `b[s, e)` is exactly an HTTP-version. Returns its minor digit
 * (0–9), {@link VERSION_INVALID} or {@link VERSION_UNSUPPORTED}.
 */
export function scanVersion(b: Uint8Array, s: number, e: number): number {
  if (
    e - s !== 8 ||
    !startsWithHttpName(b, s) ||
    !isDigitOctet(b[s + 5]) ||
    b[s + 6] !== 0x2e ||
    !isDigitOctet(b[s + 7])
  ) {
    return VERSION_INVALID;
  }
  if (b[s + 5] !== 0x31) return VERSION_UNSUPPORTED;
  return b[s + 7]! - 0x30;
}

/** The error for a negative {@link scanVersion} result at `offset` in the message. */
export function versionError(result: number, offset: number): ProtocolError {
  if (result === VERSION_UNSUPPORTED) {
    return new ProtocolError(
      "UNSUPPORTED_VERSION",
      "only HTTP/1.x is supported (RFC 9110 §15.6.6: 505 for another major version)",
      offset,
    );
  }
  return new ProtocolError(
    "INVALID_VERSION",
    'HTTP-version must be "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3)',
    offset,
  );
}
