/**
 * What a {@link Connection} reports, and what it is told.
 *
 * Every event names the exchange it belongs to by `id`: exchanges are
 * numbered from 1 in the order their requests were sent (client) or received
 * (server), so pipelined messages can never be matched to the wrong
 * request.
 */
import type { ProtocolError } from "./errors.ts";
import type { Fields } from "./fields.ts";
import type { KeepAliveHint } from "./keep-alive.ts";
import type { Latin1Decoder } from "./latin1.ts";
import type { ParserLimits } from "./limits.ts";
import type { BodyFraming, RequestHead, ResponseHead } from "./message.ts";
import type { ParserPool } from "./parser-pool.ts";

/** Which end of the connection we are. */
export type Role = "client" | "server";

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  readonly role: Role;
  /** Parser limits for what the peer sends (see {@link DEFAULT_LIMITS}). */
  readonly limits?: Partial<ParserLimits>;
  /** Accept bare LF line endings from the peer (RFC 9112 §2.2). Default false. */
  readonly lenientLineEndings?: boolean;
  /** A native latin1 decoder for the parser (see `ParserOptions.decodeLatin1`). */
  readonly decodeLatin1?: Latin1Decoder;
  /**
   * Take the parser from this pool, and give it back whenever the
   * connection is idle between messages (see parser-pool.ts). Its parsers
   * are made with their own options: `limits`, `lenientLineEndings` and
   * `decodeLatin1` above are then not used. Default: one parser of our own.
   */
  readonly parserPool?: ParserPool;
  /**
   * Server: requests read ahead of the response being written (pipelining,
   * RFC 9112 §9.3.2). Reading pauses — {@link Connection.nextEvent} returns
   * `null` — while this many requests await their responses. Default 16.
   */
  readonly maxPipelinedRequests?: number;
  /**
   * Server: the connection answers at most this many requests; the last
   * response carries `Connection: close` (RFC 9112 §9.6). Default Infinity.
   */
  readonly maxRequests?: number;
  /**
   * Server: advertise this hint in a `Keep-Alive` field on persistent
   * responses. `max` is replaced by the requests left when `maxRequests` is
   * finite. Default: not sent.
   */
  readonly advertiseKeepAlive?: KeepAliveHint;
  /**
   * Client: we send our requests to a proxy, so a 1.0 proxy's keep-alive is
   * not trusted unless it says so (RFC 9112 §9.3, Appendix C.2.2).
   */
  readonly proxy?: boolean;
}

/** What is known of an exchange that did not complete (client side), for the retry rules. */
export interface ExchangeStatus {
  readonly id: number;
  readonly method: string;
  /** Our request head has been handed out to be written. */
  readonly requestStarted: boolean;
  /** Our whole request (head and body) has been handed out. */
  readonly requestComplete: boolean;
  /** At least one byte of the response (interim included) arrived. */
  readonly responseStarted: boolean;
}

/** Events of a server-side connection. */
export type ServerEvent =
  | {
      readonly type: "request";
      readonly id: number;
      readonly head: RequestHead;
      readonly framing: BodyFraming;
      readonly expectContinue: boolean;
    }
  | { readonly type: "data"; readonly id: number; readonly data: Uint8Array }
  | { readonly type: "end"; readonly id: number; readonly trailers: Fields | null }
  /**
   * The client broke the protocol. `id` is the exchange to answer with
   * `error.status` (after the responses owed to earlier requests); the
   * connection closes after that response (RFC 9112 §9.6).
   */
  | { readonly type: "error"; readonly id: number; readonly error: ProtocolError }
  /**
   * The client closed its write side. Responses owed are still delivered
   * (a half-closed client still reads, RFC 9112 §9.6); then the connection
   * closes.
   */
  | { readonly type: "peer-closed" };

/** Events of a client-side connection. */
export type ClientEvent =
  /** A 1xx interim response (RFC 9110 §15.2), e.g. 100 Continue or 103 Early Hints. */
  | { readonly type: "informational"; readonly id: number; readonly head: ResponseHead }
  | {
      readonly type: "response";
      readonly id: number;
      readonly head: ResponseHead;
      readonly framing: BodyFraming;
    }
  | { readonly type: "data"; readonly id: number; readonly data: Uint8Array }
  | {
      readonly type: "end";
      readonly id: number;
      readonly trailers: Fields | null;
      /** The connection may carry another request after this exchange. */
      readonly persistent: boolean;
    }
  /** 101, or 2xx to CONNECT: `rest` holds the first bytes of the new protocol. */
  | { readonly type: "switched"; readonly id: number; readonly rest: Uint8Array }
  /**
   * The server broke the protocol; every exchange in `failed` is lost and the
   * connection must close.
   */
  | {
      readonly type: "error";
      readonly error: ProtocolError;
      readonly failed: readonly ExchangeStatus[];
    }
  /**
   * The server closed its side. `unanswered` lists the exchanges that got no
   * complete response (empty for an idle connection): the pool's retry rules
   * decide what happens to them.
   */
  | { readonly type: "peer-closed"; readonly unanswered: readonly ExchangeStatus[] };
