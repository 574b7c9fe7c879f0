/**
 * What the client and server sides of a connection share: the parser for
 * the peer's messages, the writer for ours, and the persistence state
 * (RFC 9112 §9.3). The role-specific rules live in client-connection.ts and
 * server-connection.ts.
 */
import { type BodyEncoder, createBodyEncoder } from "./body-encoder.ts";
import type { ConnectionOptions } from "./connection-events.ts";
import {
  type ConnectionInput,
  type ConnectionState,
  nextConnectionState,
  nextWriterState,
  type WriterInput,
  type WriterState,
} from "./connection-state.ts";
import { UsageError } from "./errors.ts";
import type { CloseReason } from "./keep-alive.ts";
import type { BodyFraming } from "./message.ts";
import type { OutgoingFields } from "./outgoing-fields.ts";
import { MessageParser } from "./parser.ts";
import type { ParserPool } from "./parser-pool.ts";

/** State and plumbing common to {@link ClientConnection} and {@link ServerConnection}. */
export abstract class ConnectionBase {
  /** The parser of the peer's messages; `null` while given back to the pool (idle). */
  private current: MessageParser | null;
  private readonly pool: ParserPool | null;
  /** The last event read ended a message, and nothing was received since. */
  private atBoundary = false;
  private connectionState: ConnectionState = "open";
  private writer: WriterState = "idle";
  /**
   * The body being sent: its framing until an encoder is needed (a whole
   * body sent at once, {@link sendWhole}, needs none), then its encoder;
   * null between messages.
   */
  private outgoing: BodyEncoder | BodyFraming | null = null;
  /** Our current outgoing message is the last one this connection carries. */
  private sendingLast = false;
  private reason: CloseReason | null = null;
  private peerEnded = false;

  constructor(options: ConnectionOptions, kind: "request" | "response") {
    const pool = options.parserPool;
    this.pool = pool ?? null;
    // With a pool the parser is taken when the first byte arrives.
    this.current =
      pool !== undefined
        ? null
        : new MessageParser({
            kind,
            ...(options.limits !== undefined ? { limits: options.limits } : {}),
            ...(options.lenientLineEndings !== undefined
              ? { lenientLineEndings: options.lenientLineEndings }
              : {}),
            ...(options.decodeLatin1 !== undefined ? { decodeLatin1: options.decodeLatin1 } : {}),
          });
  }

  /** The parser, taken from the pool if the connection had given it back. */
  protected get parser(): MessageParser {
    // Kept this small so that V8 inlines it (it runs several times per message).
    return this.current ?? this.takeParser();
  }

  /** Takes a parser from the pool (the connection had given its own back). */
  private takeParser(): MessageParser {
    const p = (this.pool as ParserPool).take();
    this.current = p;
    return p;
  }

  /** The connection holds a parser (it has not given it back to the pool). */
  protected get holdsParser(): boolean {
    return this.current !== null;
  }

  /** The parser's state, without taking a parser for an idle connection. */
  protected get parserState(): MessageParser["state"] {
    return this.current === null ? "idle" : this.current.state;
  }

  /**
   * Gives the parser back to the pool when the connection is idle between
   * messages: the last message was read to its end and nothing more is held.
   */
  protected releaseParser(): void {
    const p = this.current;
    if (p === null || this.pool === null || !this.atBoundary) return;
    if (!p.atRest) return;
    this.current = null;
    this.pool.give(p);
  }

  /** Records whether the event just read ended a message (see {@link releaseParser}). */
  protected markBoundary(ended: boolean): void {
    this.atBoundary = ended;
  }

  /** Where the connection is (see the table in connection-state.ts). */
  get state(): ConnectionState {
    return this.connectionState;
  }

  /** Why the connection is not (or no longer) persistent, or `null` while it is. */
  get closeReason(): CloseReason | null {
    return this.reason;
  }

  /** The state of our outgoing message stream. */
  get writerState(): WriterState {
    return this.writer;
  }

  /** The peer closed its write side (we received EOF). */
  get peerClosed(): boolean {
    return this.peerEnded;
  }

  /** Bytes received but not yet turned into events. */
  get buffered(): number {
    return this.current === null ? 0 : this.current.buffered;
  }

  /** Hands received bytes to the connection; read the results with `nextEvent()`. */
  receive(bytes: Uint8Array): void {
    if (this.peerEnded || bytes.length === 0 || this.parserState === "switched") return;
    this.atBoundary = false;
    this.parser.feed(bytes);
  }

  /** The peer closed its write side (EOF, TCP FIN). */
  receiveEnd(): void {
    if (this.peerEnded) return;
    this.peerEnded = true;
    this.atBoundary = false;
    if (this.parserState !== "switched") this.parser.end();
  }

  /**
   * Encodes body data of our current outgoing message. Returns the buffers
   * to write, in order; `data` itself is one of them (not copied).
   */
  sendData(data: Uint8Array): Uint8Array[] {
    this.writerStep("data");
    return this.encoder().encode(data);
  }

  /**
   * Sends a whole body and ends the message in one step, when the head
   * announced exactly its length (Content-Length, RFC 9112 §6.2) and no body
   * was sent yet: returns true, and `body` is what goes on the wire, as it
   * is. Returns false and does nothing otherwise: send the body with
   * {@link sendData} and {@link sendEnd}, which frame or refuse it.
   */
  sendWhole(body: Uint8Array): boolean {
    const framing = this.outgoing as BodyFraming | null;
    if (
      this.writer !== "body" ||
      framing === null ||
      framing.kind !== "length" ||
      framing.length !== body.length
    ) {
      return false;
    }
    this.writerStep("data");
    this.writer = nextWriterState(this.writer, "end");
    this.outgoing = null;
    this.outgoingMessageDone();
    return true;
  }

  /** Ends our current outgoing message (with trailers, for chunked bodies). */
  sendEnd(trailers?: OutgoingFields): Uint8Array[] {
    // Check first, change after: a refused end (a short body, bad trailers)
    // leaves the message open, so the caller can still complete it.
    const next = nextWriterState(this.writer, "end");
    const out = this.encoder().finish(trailers);
    this.writer = next;
    this.outgoing = null;
    this.outgoingMessageDone();
    return out;
  }

  /**
   * Ends persistence: no new exchange starts, and the next message we send
   * carries `Connection: close` (RFC 9112 §9.6). Used for graceful shutdown,
   * idle timeouts and request limits. The first reason given is kept.
   */
  closeAfterCurrent(reason: CloseReason): void {
    this.endPersistence(reason);
    this.afterExchangeChange();
  }

  /**
   * Stops everything at once (a transport error, a reset, a cancelled
   * message): the connection must close and will carry nothing more.
   */
  abort(reason: CloseReason): void {
    if (this.reason === null) this.reason = reason;
    this.transition("fatal");
  }

  // --- for the role classes ------------------------------------------------

  /** Starts our next outgoing message with the framing its head announced. */
  protected startOutgoing(framing: BodyFraming, last: boolean): void {
    const hasBody = framing.kind !== "none" && framing.kind !== "tunnel";
    this.writerStep(hasBody ? "head-with-body" : "head-without-body");
    this.sendingLast = last;
    if (hasBody) this.outgoing = framing;
    else this.outgoingMessageDone();
  }

  /** The encoder of the body being sent, made when first needed (only while the writer is in `body`). */
  private encoder(): BodyEncoder {
    const outgoing = this.outgoing as BodyEncoder | BodyFraming;
    if ((outgoing as BodyFraming).kind === undefined) return outgoing as BodyEncoder;
    const encoder = createBodyEncoder(outgoing as BodyFraming);
    this.outgoing = encoder;
    return encoder;
  }

  /** Records that persistence ended (first reason wins). */
  protected endPersistence(reason: CloseReason): void {
    if (this.reason === null) this.reason = reason;
    this.transition("persistence-ended");
  }

  protected transition(input: ConnectionInput): void {
    this.connectionState = nextConnectionState(this.connectionState, input);
  }

  /** True while a new exchange may start on this connection. */
  protected get acceptsExchanges(): boolean {
    return this.connectionState === "open";
  }

  /** Throws unless our writer is between messages and the connection may carry one. */
  protected assertCanStartMessage(what: string): void {
    if (this.writer === "done") {
      throw new UsageError("SEND_AFTER_CLOSE", `cannot send ${what}: the connection is closing`);
    }
    if (this.connectionState === "must-close" || this.connectionState === "switched") {
      throw new UsageError("INVALID_STATE", `cannot send ${what}: connection is ${this.state}`);
    }
    if (this.writer !== "idle") {
      throw new UsageError("INVALID_STATE", `cannot send ${what} while a body is being sent`);
    }
  }

  /** Our current outgoing message ended (its body, or a head without body). */
  protected abstract onOutgoingDone(): void;

  /** Re-checks whether a closing connection has nothing left to finish. */
  protected abstract afterExchangeChange(): void;

  private outgoingMessageDone(): void {
    if (this.sendingLast) {
      this.writer = nextWriterState(this.writer, "close");
      this.sendingLast = false;
    }
    this.onOutgoingDone();
  }

  private writerStep(input: WriterInput): void {
    this.writer = nextWriterState(this.writer, input);
  }
}
