/**
 * Parsers shared by the connections of one server. A request parser between
 * two messages — the last one read to its end, nothing buffered — holds no
 * state of its own (RFC 9112 §9.3: each message on a persistent connection
 * is framed on its own), so an idle connection can give it back and take
 * one again when its next request starts. Idle keep-alive connections then
 * cost no parser memory at all; a busy server keeps a few parsers warm
 * instead of one per connection.
 */
import { MessageParser, type ParserOptions } from "./parser.ts";

/** Parsers kept for reuse at most: a parser is out only while a message is being read. */
const MAX_POOLED = 64;

/** Idle parsers of one configuration. See the module comment. */
export class ParserPool {
  private readonly options: ParserOptions;
  private readonly free: MessageParser[] = [];

  /** Every parser handed out is made with `options`. */
  constructor(options: ParserOptions) {
    this.options = options;
  }

  /** An idle parser: a pooled one, or a new one. */
  take(): MessageParser {
    return this.free.pop() ?? new MessageParser(this.options);
  }

  /**
   * Returns a parser that is idle between messages with nothing buffered
   * (the caller checks). Beyond the pool's bound it is left to the GC.
   */
  give(parser: MessageParser): void {
    if (this.free.length < MAX_POOLED) this.free.push(parser);
  }

  /** Parsers waiting for reuse. */
  get size(): number {
    return this.free.length;
  }
}
