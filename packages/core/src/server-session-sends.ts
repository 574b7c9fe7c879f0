/**
 * The application side of a {@link ServerSession}: the answers go out
 * through it (`respond`, `sendData`, `sendEnd`, `sendInformational`,
 * `respondToError`), so that the session sees every byte that goes out.
 * Each call writes through the session's outbox, refused once the
 * connection is closing, and lets the session settle its timers, read
 * flow and close afterwards — even when the call throws.
 */
import { UsageError } from "./errors.ts";
import type { OutgoingFields } from "./outgoing-fields.ts";
import type { OwedError } from "./owed-error.ts";
import type { OutgoingResponseHead } from "./serializer.ts";
import { SessionBase } from "./server-session-base.ts";
import type { SessionResponseOptions } from "./server-session-events.ts";

const NOTHING: readonly Uint8Array[] = Object.freeze([]);

/** What a {@link ServerSession} answers with. See the module comment. */
export abstract class SessionSends extends SessionBase {
  /** The protocol error owed an answer; made when one happens. */
  protected owed: OwedError | null = null;

  /** Brings timers, read flow and the close in line with the connection's state. */
  protected abstract settle(now: number): void;

  /**
   * Starts the response to the oldest request awaiting one (see
   * {@link ServerConnection.respond}). With `options.body` the whole
   * response goes out at once: head, body, end (a response without
   * content, e.g. to HEAD, sends the head alone).
   */
  respond(head: OutgoingResponseHead, now: number, options?: SessionResponseOptions): void {
    this.assertOpen();
    try {
      const conn = this.conn;
      const body = options?.body;
      const framingOptions =
        body !== undefined && options?.bodyLength === undefined
          ? { bodyLength: body.length }
          : options;
      const headBytes = conn.respond(head, framingOptions);
      if (body === undefined || conn.writerState !== "body") this.writeOne(headBytes);
      else this.writeWhole(headBytes, body);
    } finally {
      this.settle(now);
    }
  }

  /** Sends body data of the current response. */
  sendData(data: Uint8Array, now: number): void {
    this.assertOpen();
    try {
      this.write(this.conn.sendData(data));
    } finally {
      this.settle(now);
    }
  }

  /** Ends the current response (with trailers, when chunked). */
  sendEnd(now: number, trailers?: OutgoingFields): void {
    this.assertOpen();
    try {
      this.write(this.conn.sendEnd(trailers));
    } finally {
      this.settle(now);
    }
  }

  /** Sends a 1xx interim response, e.g. 100 Continue (RFC 9110 §15.2, §10.1.1). */
  sendInformational(status: number, now: number, fields?: OutgoingFields): void {
    this.assertOpen();
    try {
      this.writeOne(this.conn.sendInformational(status, fields));
      if (status === 100) this.awaitingContinue = false;
    } finally {
      this.settle(now);
    }
  }

  /**
   * Answers the protocol error of exchange `id` with a minimal response: its
   * status, a short text body, `Connection: close`; the graceful close
   * follows. For `errorResponses: "app"`; in `auto` mode the session already
   * does this. Throws a {@link UsageError} unless `id` is an unanswered
   * error whose turn it is.
   */
  respondToError(id: number, now: number): void {
    const owed = this.owed;
    if (owed === null || !owed.is(id) || !owed.isDue(this.conn)) {
      throw new UsageError("INVALID_STATE", `exchange ${id} is no protocol error due an answer`);
    }
    this.assertOpen();
    try {
      this.write(owed.answer(this.conn));
    } finally {
      this.settle(now);
    }
  }

  /** Application sends are refused once the connection is closing. */
  protected assertOpen(): void {
    this.restore();
    if (this.finished || this.closer.state !== "open") {
      throw new UsageError(
        "SEND_AFTER_CLOSE",
        "the connection is closing: nothing more can be sent",
      );
    }
  }

  /**
   * Writes a head and its whole body, ending the response. The usual case
   * (a body framed by its length) becomes one write of two buffers, listed
   * once; if the body is refused, what was accepted is still written first.
   */
  private writeWhole(headBytes: Uint8Array, body: Uint8Array): void {
    const conn = this.conn;
    // A body of the length announced goes out as it is, no encoder needed.
    if (conn.sendWhole(body)) {
      this.closer.wrote(); // throws once closing
      this.actions.writePair(headBytes, body);
      return;
    }
    let data: readonly Uint8Array[] = NOTHING;
    let end: readonly Uint8Array[];
    try {
      if (body.length > 0) data = conn.sendData(body);
      end = conn.sendEnd();
    } catch (error) {
      this.writeOne(headBytes);
      this.write(data);
      throw error;
    }
    if (data.length === 1 && end.length === 0) {
      this.closer.wrote(); // throws once closing
      this.actions.writePair(headBytes, data[0] as Uint8Array);
      return;
    }
    this.writeOne(headBytes);
    this.write(data);
    this.write(end);
  }

  protected write(data: readonly Uint8Array[]): void {
    for (let i = 0; i < data.length; i++) this.writeOne(data[i] as Uint8Array);
  }

  protected writeOne(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.closer.wrote(); // throws once closing
    this.actions.writeOne(bytes);
  }
}
