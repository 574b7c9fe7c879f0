/**
 * The incremental HTTP/1.x message parser (RFC 9112).
 *
 * Pull-based, in the manner of h11: the caller {@link MessageParser.feed}s
 * bytes as they arrive and calls {@link MessageParser.next} until it returns
 * `null` (more bytes needed, or paused). Feeding the same bytes in any
 * chunking yields the same events (adjacent `data` events concatenated),
 * errors included: a line is judged once its LF is there or once it breaks
 * a limit (head-reader.ts), and a body past maxBodyBytes yields the octets
 * within the limit before the error.
 *
 * One parser reads one direction of one connection: a `request` parser reads
 * what a client sends (server side); a `response` parser reads what a server
 * sends (client side). Pipelined messages in one buffer come out one after
 * the other; the caller applies back-pressure simply by not calling `next()`.
 *
 * Events per message: a head (`request` / `response`), then zero or more
 * `data`, then `end` — except an interim (1xx) response, which is a head
 * alone, and a head with `tunnel` framing (2xx to CONNECT, 101), which is
 * followed by `switched` instead.
 *
 * The phases behind {@link ParserState} are listed in parser-phases.ts.
 */
import * as chars from "./chars.ts";
import * as chunkedCoding from "./chunked.ts";
import { ChunkedDecoder } from "./chunked.ts";
import { ProtocolError, UsageError } from "./errors.ts";
import * as headReader from "./head-reader.ts";
import { HeadReader } from "./head-reader.ts";
import { DEFAULT_LIMITS, type ParserLimits } from "./limits.ts";
import type { BodyFraming, ParseEvent } from "./message.ts";
import * as messageHead from "./message-head.ts";
import type { ParserOptions, ParserState } from "./parser-options.ts";
import * as phases from "./parser-phases.ts";

// Module-local copies: V8 reads imported bindings through their module cell
// at every use, but folds a module's own constants (see chars.ts).
const { CR, LF } = chars;
const { CHUNK_DATA, CHUNK_END, CHUNK_FAILED } = chunkedCoding;
const { HEAD_FAILED, HEAD_NEED_MORE } = headReader;
const { AWAIT_SWITCH, CHUNKED, CLOSE, CLOSED, END, ERROR, HEAD, LENGTH, SWITCH, SWITCHED } = phases;
const { STATE_OF_PHASE } = phases;
const { isHeadError, requestAsksToSwitch, requestEvent, responseEvent } = messageHead;

export type { ParserOptions, ParserState } from "./parser-options.ts";

const EMPTY = new Uint8Array(0);
const END_EVENT: ParseEvent = Object.freeze({ type: "end", trailers: null });

/**
 * Parses HTTP/1.x messages from bytes, one direction of one connection.
 * Never throws on peer bytes: a violation becomes an `error` event.
 */
export class MessageParser {
  private readonly request: boolean;
  private readonly lenient: boolean;
  private readonly maxBody: number;
  private readonly reader: HeadReader;
  private readonly chunked: ChunkedDecoder;

  /** Bytes held; `buf[pos…]` are not consumed yet. */
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  /** Our own backing store when `buf` is a view of it (appended to in place). */
  private store: Uint8Array | null = null;

  private phase = HEAD;
  private eof = false;
  /** LENGTH: the Content-Length, and the octets of it still to come. */
  private expected = 0;
  private remaining = 0;
  /** CLOSE: body octets received. */
  private received = 0;
  /** The request that is being read asks to switch protocols. */
  private switchAfter = false;
  /** Response side: methods of the requests still waiting for a final response. */
  private readonly methods: string[] = [];

  constructor(options: ParserOptions) {
    const limits: ParserLimits = { ...DEFAULT_LIMITS, ...options.limits };
    this.request = options.kind === "request";
    this.lenient = options.lenientLineEndings === true;
    this.maxBody = limits.maxBodyBytes;
    const decode = options.decodeLatin1 ?? null;
    this.reader = new HeadReader(this.request, limits, this.lenient, decode);
    this.chunked = new ChunkedDecoder(this.request, limits, this.lenient, decode);
  }

  /** Where the parser is (see {@link ParserState}). */
  get state(): ParserState {
    return STATE_OF_PHASE[this.phase]!;
  }

  /**
   * Between two messages with nothing held: no octet of a next head has been
   * read, not even a skipped empty line (RFC 9112 §2.2). Only then does the
   * parser carry nothing of its connection and may serve another one.
   */
  get atRest(): boolean {
    const r = this.reader;
    return (
      this.phase === HEAD && r.fresh && r.skippedEmptyLines === 0 && this.pos === this.buf.length
    );
  }

  /** Bytes held but not yet consumed. */
  get buffered(): number {
    return this.buf.length - this.pos;
  }

  /**
   * Appends bytes received from the peer. The bytes are not copied when
   * nothing is pending and are never modified. Throws {@link UsageError}
   * after {@link end} or once the protocol was switched.
   */
  feed(bytes: Uint8Array): void {
    if (this.eof) throw new UsageError("INVALID_STATE", "feed() after end()");
    if (this.phase === SWITCHED) {
      throw new UsageError("INVALID_STATE", "feed() after the protocol switched");
    }
    const n = bytes.length;
    if (this.phase === ERROR || n === 0) return;
    const buf = this.buf;
    const rem = buf.length - this.pos;
    if (rem === 0) {
      this.buf = bytes;
      this.pos = 0;
      this.store = null;
      return;
    }
    const store = this.store;
    const used = buf.length;
    if (store !== null && store.length - used >= n) {
      // Appending past every handed-out view is safe: those bytes were never shown.
      store.set(bytes, used);
      this.buf = store.subarray(0, used + n);
      return;
    }
    // A new store (never reuse one: `data` events may alias it). Growing by at
    // least what is pending keeps one-octet-at-a-time feeding O(n) overall.
    const grown = new Uint8Array(rem + n + Math.max(1024, rem));
    grown.set(buf.subarray(this.pos), 0);
    grown.set(bytes, rem);
    this.store = grown;
    this.buf = grown.subarray(0, rem + n);
    this.pos = 0;
  }

  /** The peer closed its write side (EOF). Idempotent. */
  end(): void {
    if (this.eof) return;
    this.eof = true;
    if (this.phase === HEAD && this.reader.fresh && this.pos === this.buf.length) {
      this.phase = CLOSED;
    }
  }

  /**
   * Response parsers: records the method of a request that was sent; the
   * FIFO is shifted at each final (non-1xx) response. HEAD and CONNECT
   * answers are framed differently (RFC 9112 §6.3 items 1, 2). With an empty
   * FIFO a response is read as the answer to GET.
   */
  expectResponse(method: string): void {
    if (this.request) throw new UsageError("INVALID_STATE", "expectResponse() on a request parser");
    this.methods.push(method);
  }

  /** In `awaiting-switch`: the upgrade or CONNECT was refused; parse on as HTTP. */
  resume(): void {
    if (this.phase !== AWAIT_SWITCH) {
      throw new UsageError("INVALID_STATE", `resume() in state ${this.state}`);
    }
    this.phase = HEAD;
  }

  /**
   * In `awaiting-switch` (switch accepted), or once a response with `tunnel`
   * framing was returned: the bytes already received that belong to the new
   * protocol (then no `switched` event follows). The parser is `switched`
   * afterwards.
   */
  takeRest(): Uint8Array {
    const p = this.phase;
    if (p !== AWAIT_SWITCH && p !== SWITCHED && p !== SWITCH) {
      throw new UsageError("INVALID_STATE", `takeRest() in state ${this.state}`);
    }
    const rest = this.buf.subarray(this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    this.store = null;
    this.phase = SWITCHED;
    return rest;
  }

  /** The next event, or `null` when more bytes are needed, the parser waits, or it is done. */
  next(): ParseEvent | null {
    switch (this.phase) {
      case HEAD:
        return this.head();
      case LENGTH:
        return this.lengthBody();
      case CHUNKED:
        return this.chunkedBody();
      case CLOSE:
        return this.closeBody();
      case END:
        return this.endMessage(END_EVENT);
      case SWITCH:
        return { type: "switched", rest: this.takeRest() };
      default:
        return null;
    }
  }

  private head(): ParseEvent | null {
    const reader = this.reader;
    if (reader.fresh) {
      const b = this.buf;
      if (this.pos === b.length) return this.drained();
      const first = b[this.pos];
      if (this.request && (first === CR || first === LF)) {
        const p = reader.skipEmptyLines(b, this.pos);
        if (p < 0) return this.fail(reader.error!);
        this.pos = p;
        // A lone CR at the end may yet be an empty line: wait for the next octet.
        if (this.pos === b.length - 1 && b[this.pos] === CR && !this.eof) return null;
        if (this.pos === b.length) return this.drained();
      }
    }
    const r = reader.read(this.buf, this.pos);
    if (r === HEAD_NEED_MORE) {
      return this.eof ? this.incomplete("the peer closed the connection inside a head") : null;
    }
    if (r === HEAD_FAILED) return this.fail(reader.error!);
    return this.request ? this.requestHead(reader) : this.responseHead(reader);
  }

  /** Between messages, every octet consumed: wait for more, or be closed after end(). */
  private drained(): null {
    this.release();
    if (this.eof) this.phase = CLOSED;
    return null;
  }

  private requestHead(reader: HeadReader): ParseEvent {
    const event = requestEvent(reader, this.buf, this.pos);
    if (isHeadError(event)) return this.fail(event);
    this.switchAfter = requestAsksToSwitch(reader, event.head.fields);
    return this.startBody(reader, event.framing, event);
  }

  private responseHead(reader: HeadReader): ParseEvent {
    // The FIFO is shifted at each final response (RFC 9110 §15.2: 1xx are
    // interim, 101 ends the exchange).
    const status = reader.statusLine.status;
    const interim = status < 200 && status !== 101;
    const method = interim ? "GET" : (this.methods.shift() ?? "GET");
    const event = responseEvent(reader, this.buf, this.pos, method);
    if (isHeadError(event)) return this.fail(event);
    if (interim) {
      this.pos += reader.length;
      reader.reset();
      return event;
    }
    return this.startBody(reader, event.framing, event);
  }

  /** Consumes the head and enters the phase its framing calls for. */
  private startBody(reader: HeadReader, framing: BodyFraming, event: ParseEvent): ParseEvent {
    switch (framing.kind) {
      case "length":
        if (framing.length > this.maxBody) {
          return this.failCode(
            "BODY_TOO_LARGE",
            `Content-Length ${framing.length} exceeds ${this.maxBody}`,
          );
        }
        this.expected = framing.length;
        this.remaining = framing.length;
        this.phase = framing.length === 0 ? END : LENGTH;
        break;
      case "chunked":
        this.chunked.reset(this.maxBody);
        this.phase = CHUNKED;
        break;
      case "close":
        this.received = 0;
        this.phase = CLOSE;
        break;
      case "tunnel":
        this.phase = SWITCH;
        break;
      default:
        this.phase = END;
    }
    this.pos += reader.length;
    reader.reset();
    return event;
  }

  private lengthBody(): ParseEvent | null {
    const b = this.buf;
    const pos = this.pos;
    const avail = b.length - pos;
    if (avail === 0) {
      if (!this.eof) return this.release();
      const expected = this.expected;
      return this.incomplete(
        `the peer closed the connection after ${expected - this.remaining} of ${expected} body octets`,
        { expected, received: expected - this.remaining },
      );
    }
    const n = Math.min(avail, this.remaining);
    this.pos = pos + n;
    this.remaining -= n;
    if (this.remaining === 0) this.phase = END;
    return { type: "data", data: n === b.length ? b : b.subarray(pos, pos + n) };
  }

  private chunkedBody(): ParseEvent | null {
    const d = this.chunked;
    const r = d.step(this.buf, this.pos);
    this.pos = d.pos;
    if (r === CHUNK_DATA) return { type: "data", data: this.buf.subarray(d.dataStart, d.dataEnd) };
    if (r === CHUNK_END) {
      return this.endMessage(
        d.trailers === null ? END_EVENT : { type: "end", trailers: d.trailers },
      );
    }
    if (r === CHUNK_FAILED) return this.fail(d.error!);
    if (!this.eof) return this.pos === this.buf.length ? this.release() : null;
    return this.incomplete(
      `the peer closed the connection inside a chunked body, after ${d.received} body octets`,
      { received: d.received },
    );
  }

  private closeBody(): ParseEvent | null {
    const b = this.buf;
    const pos = this.pos;
    let n = b.length - pos;
    if (n === 0) {
      // RFC 9112 §6.3 item 8: the close ends the body and the message.
      return this.eof ? this.endMessage(END_EVENT) : this.release();
    }
    // Past maxBodyBytes, the octets within it come out first, then the error:
    // the same events as when the octets arrive one at a time.
    const room = this.maxBody - this.received;
    if (room === 0)
      return this.failCode("BODY_TOO_LARGE", `body larger than ${this.maxBody} octets`);
    if (n > room) n = room;
    this.received += n;
    this.pos = pos + n;
    return { type: "data", data: n === b.length ? b : b.subarray(pos, pos + n) };
  }

  /**
   * Drops the reference to a fully consumed buffer, so that an idle
   * connection does not keep the last read alive. Returns `null`.
   */
  private release(): null {
    this.buf = EMPTY;
    this.pos = 0;
    this.store = null;
    return null;
  }

  private endMessage(event: ParseEvent): ParseEvent {
    if (this.switchAfter) {
      this.switchAfter = false;
      this.phase = AWAIT_SWITCH;
    } else {
      this.phase = HEAD;
    }
    return event;
  }

  /** RFC 9112 §8: the connection closed before the message was complete. */
  private incomplete(
    message: string,
    counts?: { readonly expected?: number; readonly received?: number },
  ): ParseEvent {
    return this.fail(
      new ProtocolError("INCOMPLETE_MESSAGE", `${message} (RFC 9112 §8)`, undefined, counts),
    );
  }

  private failCode(code: ProtocolError["code"], message: string): ParseEvent {
    return this.fail(new ProtocolError(code, message));
  }

  private fail(error: ProtocolError): ParseEvent {
    this.phase = ERROR;
    return { type: "error", error };
  }
}
