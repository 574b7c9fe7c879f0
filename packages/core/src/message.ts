/**
 * Message heads and parser events (RFC 9112 §2.1: start-line, field lines,
 * optional body).
 */
import type { ProtocolError } from "./errors.ts";
import type { Fields } from "./fields.ts";

/**
 * The protocol version (RFC 9112 §2.3). HTTP/1.x with x ≥ 2 is handled as
 * 1.1 (RFC 9110 §2.5: a recipient uses the highest minor version it
 * implements); `minor` keeps what was on the wire.
 */
export type HttpVersion = "1.0" | "1.1";

/** The four request-target forms of RFC 9112 §3.2. */
export type TargetForm = "origin" | "absolute" | "authority" | "asterisk";

/** A parsed request head (RFC 9112 §3). */
export interface RequestHead {
  readonly method: string;
  /** The request-target exactly as received. */
  readonly target: string;
  readonly targetForm: TargetForm;
  readonly version: HttpVersion;
  /** Minor version digit as sent (0–9). */
  readonly minor: number;
  readonly fields: Fields;
}

/** A parsed response head (RFC 9112 §4). */
export interface ResponseHead {
  readonly status: number;
  /** The reason-phrase, possibly empty. */
  readonly reason: string;
  readonly version: HttpVersion;
  readonly minor: number;
  readonly fields: Fields;
}

/**
 * How the body of a message is delimited (RFC 9112 §6.3).
 * - `none`: no body (HEAD response, 1xx, 204, 304, request without CL/TE)
 * - `length`: exactly `length` octets (Content-Length)
 * - `chunked`: chunked transfer coding (RFC 9112 §7.1)
 * - `close`: the body runs until the connection closes (responses only)
 * - `tunnel`: after a 2xx answer to CONNECT or a 101, the bytes that follow
 *   are not HTTP
 */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  | { readonly kind: "close" }
  | { readonly kind: "tunnel" };

/** Events produced by {@link MessageParser.next}. */
export type ParseEvent =
  | {
      readonly type: "request";
      readonly head: RequestHead;
      readonly framing: BodyFraming;
      /** The request asks for `100-continue` (RFC 9110 §10.1.1). */
      readonly expectContinue: boolean;
    }
  | {
      readonly type: "response";
      readonly head: ResponseHead;
      readonly framing: BodyFraming;
      /**
       * A 1xx interim response: another head follows for the same request.
       * An interim response has no body and no `end` event.
       */
      readonly interim: boolean;
      /**
       * The framing was suspect although the body is delimited (Transfer-Encoding
       * together with Content-Length, RFC 9112 §6.3 item 3; Transfer-Encoding in
       * HTTP/1.0, §6.1): the connection must close after this message.
       * `MessageParser` always sets it; optional for hand-made events.
       */
      readonly closeAfter?: boolean;
    }
  /** A piece of body, already de-chunked. May alias the bytes that were fed. */
  | { readonly type: "data"; readonly data: Uint8Array }
  /** The message is complete. `trailers` holds a chunked body's trailer section. */
  | { readonly type: "end"; readonly trailers: Fields | null }
  /**
   * The connection switched protocols (101, or 2xx to CONNECT). `rest` holds
   * the bytes already received that belong to the new protocol. The parser
   * produces nothing after this.
   */
  | { readonly type: "switched"; readonly rest: Uint8Array }
  /**
   * The peer broke the protocol. The parser is now in its `error` state and
   * produces nothing more.
   */
  | { readonly type: "error"; readonly error: ProtocolError };
