/**
 * The phases of `MessageParser` (internal), what `next()` does in each,
 * and the public {@link ParserState} each one shows as:
 *
 * | phase          | state             | next() does                                  |
 * |----------------|-------------------|----------------------------------------------|
 * | HEAD           | idle              | reads a head → request/response event        |
 * | LENGTH         | body              | Content-Length body → data; then END         |
 * | CHUNKED        | body              | chunked body → data; last chunk → end        |
 * | CLOSE          | body              | data until end() → end                       |
 * | END            | body              | → end                                        |
 * | SWITCH         | body              | → switched (response side)                   |
 * | AWAIT_SWITCH   | awaiting-switch   | null until resume() / takeRest()             |
 * | SWITCHED       | switched          | null                                         |
 * | CLOSED         | closed            | null                                         |
 * | ERROR          | error             | null                                         |
 */
import type { ParserState } from "./parser-options.ts";

/** Reading a head (RFC 9112 §2.1). */
export const HEAD = 0;
/** Reading a Content-Length body (RFC 9112 §6.3 item 6). */
export const LENGTH = 1;
/** Reading a chunked body (RFC 9112 §7.1). */
export const CHUNKED = 2;
/** Reading a body delimited by the close (RFC 9112 §6.3 item 8). */
export const CLOSE = 3;
/** The body is complete; the `end` event is next. */
export const END = 4;
/** A tunnel response was returned; the `switched` event is next. */
export const SWITCH = 5;
/** A request asking to switch protocols ended; waiting for resume() or takeRest(). */
export const AWAIT_SWITCH = 6;
/** The connection left HTTP/1.1. */
export const SWITCHED = 7;
/** The peer closed and everything was consumed. */
export const CLOSED = 8;
/** An error event was returned. */
export const ERROR = 9;

/** The public state of each phase, indexed by phase. */
export const STATE_OF_PHASE: readonly ParserState[] = [
  "idle",
  "body",
  "body",
  "body",
  "body",
  "body",
  "awaiting-switch",
  "switched",
  "closed",
  "error",
];
