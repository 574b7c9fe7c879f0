/**
 * The options and the public states of `MessageParser` (parser.ts).
 */
import type { Latin1Decoder } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";

/** Options for `MessageParser`. */
export interface ParserOptions {
  /** `request` parses requests (server side); `response` parses responses (client side). */
  readonly kind: "request" | "response";
  /** Overrides of `DEFAULT_LIMITS` (limits.ts). */
  readonly limits?: Partial<ParserLimits>;
  /**
   * Accept a bare LF as a line terminator (RFC 9112 §2.2 allows a recipient
   * to). Off by default: strict.
   */
  readonly lenientLineEndings?: boolean;
  /**
   * Decodes head octets `bytes[start, end)` to a string. It must map each
   * octet to the code point of the same value (ISO-8859-1, "latin1": 0x00 →
   * U+0000 … 0xFF → U+00FF), for every octet value, and must not keep or
   * change the bytes. An adapter passes its runtime's native decoder here
   * (Node, Bun: `Buffer.prototype.latin1Slice`); the default is a portable
   * one (`TextDecoder` for all-ASCII heads). RFC 9110 §5.5: field values are
   * octets; obs-text is kept as the code points of its octets.
   */
  readonly decodeLatin1?: Latin1Decoder;
}

/**
 * Where the parser is.
 * - `idle`: between messages (nothing of the next message buffered yet, or only part of its head)
 * - `body`: a head was emitted, its body is being read
 * - `awaiting-switch`: a request asking for Upgrade or CONNECT ended; the parser
 *   waits for `MessageParser.resume()` (switch refused) or
 *   `MessageParser.takeRest()` (switch accepted) — RFC 9110 §7.8, §9.3.6
 * - `switched`: a `switched` event was produced; nothing more is parsed
 * - `closed`: `MessageParser.end()` was called and everything was consumed
 * - `error`: an `error` event was produced; nothing more is parsed
 */
export type ParserState = "idle" | "body" | "awaiting-switch" | "switched" | "closed" | "error";
