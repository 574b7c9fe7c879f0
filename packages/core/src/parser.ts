/**
 * The incremental HTTP/1.x message parser (RFC 9112).
 *
 * Pull-based, in the manner of h11: the caller {@link MessageParser.feed}s
 * bytes as they arrive and calls {@link MessageParser.next} until it returns
 * `null` (more bytes needed, or paused). Feeding the same bytes in any
 * chunking yields the same events (adjacent `data` events concatenated).
 *
 * One parser reads one direction of one connection: a `request` parser reads
 * what a client sends (server side); a `response` parser reads what a server
 * sends (client side). Pipelined messages in one buffer come out one after
 * the other; the caller applies back-pressure simply by not calling `next()`.
 *
 * TODO(parser helper): implementation.
 */
import type { ParserLimits } from "./limits.ts";
import type { ParseEvent } from "./message.ts";

/** Options for {@link MessageParser}. */
export interface ParserOptions {
  /** `request` parses requests (server side); `response` parses responses (client side). */
  readonly kind: "request" | "response";
  /** Overrides of {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<ParserLimits>;
  /**
   * Accept a bare LF as a line terminator (RFC 9112 §2.2 allows a recipient
   * to). Off by default: strict.
   */
  readonly lenientLineEndings?: boolean;
}

/**
 * Where the parser is.
 * - `idle`: between messages (nothing of the next message buffered yet, or only part of its head)
 * - `body`: a head was emitted, its body is being read
 * - `awaiting-switch`: a request asking for Upgrade or CONNECT ended; the parser
 *   waits for {@link MessageParser.resume} (switch refused) or
 *   {@link MessageParser.takeRest} (switch accepted) — RFC 9110 §7.8, §9.3.6
 * - `switched`: a `switched` event was produced; nothing more is parsed
 * - `closed`: {@link MessageParser.end} was called and everything was consumed
 * - `error`: an `error` event was produced; nothing more is parsed
 */
export type ParserState = "idle" | "body" | "awaiting-switch" | "switched" | "closed" | "error";
