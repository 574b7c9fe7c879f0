/**
 * The server side of one HTTP/1.x connection (RFC 9112 §9).
 *
 * Reads requests (pipelined ones too, up to a read-ahead limit), hands them
 * out as {@link ServerEvent}s, and serializes the responses strictly in the
 * order the requests arrived (RFC 9112 §9.3.2). It decides persistence
 * itself: which response says `Connection: close` or `keep-alive`, when
 * nothing more may be read, and when the connection must close.
 */
import type { ConnectionOptions, ServerEvent } from "./connection-events.ts";
import { type ProtocolError, UsageError } from "./errors.ts";
import { formatKeepAlive, type KeepAliveHint, persistenceFieldsOf } from "./keep-alive.ts";
import type { BodyFraming } from "./message.ts";
import {
  type FieldScan,
  hasToken,
  type OutgoingFields,
  scanRepeatedFields,
  withField,
} from "./outgoing-fields.ts";
import { PersistenceFields } from "./persistence-fields.ts";
import {
  type OutgoingResponseHead,
  serializeInformational,
  serializeScannedResponseHead,
} from "./serializer.ts";
import { requestPersistence, responseFraming, responsePersistence } from "./server-decisions.ts";
import { type ServerExchange, ServerExchanges } from "./server-exchanges.ts";

// The bits of `ServerExchange.flags`.
/** The request asked to switch protocols (Upgrade, or CONNECT). */
const SWITCH_REQUESTED = 1;
/** The request asked for 100-continue (RFC 9110 §10.1.1). */
const EXPECT_CONTINUE = 2;
/** The request's body has been read to its end (or it has none). */
const REQUEST_ENDED = 4;
/** A 100 (Continue) went out. */
const CONTINUE_SENT = 8;
/** The response started. */
const RESPONSE_STARTED = 16;
/** Our response switches protocols once written. */
const SWITCHING = 32;

/** The scratch the request's persistence fields are read into (read at once, kept by nobody). */
const REQUEST_FIELDS = new PersistenceFields();

/** Options for {@link ServerConnection.respond}. */
export interface ResponseOptions {
  /**
   * Body octets: a number when known, `null` when streamed (chunked, or
   * close-delimited for an HTTP/1.0 client), omitted for no body.
   */
  readonly bodyLength?: number | null;
}

/** The server side of a connection. See the module comment. */
export class ServerConnection extends ServerExchanges {
  private readonly maxPipelined: number;
  /** Requests this connection answers at most; `null` for no limit (no heap number per connection). */
  private readonly maxRequests: number | null;
  private readonly advertise: KeepAliveHint | undefined;
  // The requests awaiting their responses, in order: server-exchanges.ts.
  /** The exchange whose request body is being read. */
  private reading: ServerExchange | null = null;
  /** RFC 9112 §9.6: after the request that ended persistence, nothing more is read. */
  private readingStopped = false;
  private peerClosedReported = false;
  private received = 0;
  private answered = 0;
  private nextId = 1;

  constructor(options: Omit<ConnectionOptions, "role"> = {}) {
    super({ ...options, role: "server" }, "request");
    this.maxPipelined = Math.max(1, options.maxPipelinedRequests ?? 16);
    const max = options.maxRequests;
    this.maxRequests = max === undefined || max === Number.POSITIVE_INFINITY ? null : max;
    this.advertise = options.advertiseKeepAlive;
  }

  /** Requests answered completely on this connection. */
  get requestsAnswered(): number {
    return this.answered;
  }

  /** A request body is being read (its request has come, its end has not). */
  get readingBody(): boolean {
    return this.reading !== null && !this.readingStopped;
  }

  /**
   * Between requests with nothing in hand (persistent, nothing owed or
   * read, writer idle, parser back in its pool): it then differs from a
   * fresh connection only in the requests answered (idle compaction,
   * server-session.ts).
   */
  get atRest(): boolean {
    return (
      this.state === "open" &&
      this.first === null &&
      this.reading === null &&
      !this.readingStopped &&
      this.writerState === "idle" &&
      !this.holdsParser
    );
  }

  /** A fresh connection carries on after `requests` answered by one at rest (limits, ids). */
  continueAfter(requests: number): void {
    if (this.received !== 0) throw new UsageError("INVALID_STATE", "not a fresh connection");
    this.received = this.answered = requests;
    this.nextId = requests + 1;
  }

  /**
   * Part of a request head is held and the connection is waiting for the
   * rest of it (not paused by the read-ahead limit): the window a
   * header-read timeout covers.
   */
  get headInProgress(): boolean {
    return (
      this.reading === null &&
      !this.readingStopped &&
      this.state === "open" &&
      this.pendingResponses < this.maxPipelined &&
      this.parserState === "idle" &&
      this.buffered > 0
    );
  }

  /**
   * The next event, or `null` when more bytes are needed, when the read-ahead
   * limit is reached (pipelined requests wait for their responses), or when
   * the connection reads nothing more.
   */
  nextEvent(): ServerEvent | null {
    if (this.readingStopped || this.state === "must-close" || this.state === "switched") {
      return null;
    }
    if (this.reading === null) {
      // RFC 9112 §9.6: once persistence has ended, no further request is read.
      if (this.state !== "open") {
        this.readingStopped = true;
        return null;
      }
      if (this.pendingResponses >= this.maxPipelined) return null;
    }
    // An idle connection whose parser went back to the pool has nothing to read.
    if (!this.holdsParser) return null;
    const ev = this.parser.next();
    if (ev === null) {
      const state = this.parser.state;
      if (state === "idle") this.releaseParser();
      return state === "closed" ? this.peerClosed_() : null;
    }
    this.markBoundary(ev.type === "end");
    switch (ev.type) {
      case "request": {
        const head = ev.head;
        // One pass over the fields: persistence, and the `upgrade` option.
        const persistence = requestPersistence(
          head.version,
          head.fields,
          ev.framing,
          REQUEST_FIELDS,
        );
        const switchRequested = head.method === "CONNECT" || REQUEST_FIELDS.upgrade;
        const ex: ServerExchange = {
          id: this.nextId++,
          method: head.method,
          version: head.version,
          closeReason: persistence.reason,
          flags:
            (switchRequested ? SWITCH_REQUESTED : 0) | (ev.expectContinue ? EXPECT_CONTINUE : 0),
        };
        this.addPending(ex);
        this.reading = ex;
        this.received++;
        if (persistence.reason !== null) this.endPersistence(persistence.reason);
        else if (this.maxRequests !== null && this.received >= this.maxRequests) {
          this.endPersistence("max-requests");
        }
        return {
          type: "request",
          id: ex.id,
          head,
          framing: ev.framing,
          expectContinue: ev.expectContinue,
        };
      }
      case "data":
        return { type: "data", id: (this.reading as ServerExchange).id, data: ev.data };
      case "end": {
        const ex = this.reading as ServerExchange;
        ex.flags |= REQUEST_ENDED;
        this.reading = null;
        return { type: "end", id: ex.id, trailers: ev.trailers };
      }
      case "error":
        return this.protocolError(ev.error);
      default:
        // A request parser produces neither responses nor `switched`.
        throw new UsageError("INVALID_STATE", `unexpected parser event ${ev.type}`);
    }
  }

  /**
   * Sends an interim 1xx response (RFC 9110 §15.2) to the oldest request
   * awaiting a response, e.g. 100 Continue (RFC 9110 §10.1.1) or 103 Early
   * Hints. Returns the bytes to write.
   */
  sendInformational(status: number, fields?: OutgoingFields): Uint8Array {
    this.assertCanStartMessage("an interim response");
    const ex = this.awaitingResponse();
    // RFC 9110 §15.2: "A server MUST NOT send a 1xx response to an HTTP/1.0 client."
    if (ex.version === "1.0") {
      throw new UsageError("INVALID_STATE", "no 1xx response may be sent to an HTTP/1.0 client");
    }
    const bytes = serializeInformational(status, fields);
    if (status === 100) ex.flags |= CONTINUE_SENT;
    return bytes;
  }

  /**
   * Starts the final response to the oldest request awaiting one. Adds the
   * framing fields and the connection options persistence calls for, and
   * returns the head's bytes. Send the body with `sendData`/`sendEnd`
   * (nothing more for a response without body). The bytes are read-only: a
   * head equal to the previous one is the same bytes (serializer.ts).
   */
  respond(head: OutgoingResponseHead, options: ResponseOptions = {}): Uint8Array {
    this.assertCanStartMessage("a response");
    const ex = this.awaitingResponse();
    if (head.status < 200 && head.status !== 101) {
      throw new UsageError("INVALID_STATE", "send 1xx interim responses with sendInformational()");
    }
    const framing = responseFraming(head.status, ex.method, ex.version, options.bodyLength);
    const flags = ex.flags;
    if (framing.kind === "tunnel") {
      if ((flags & SWITCH_REQUESTED) === 0) {
        throw new UsageError("INVALID_STATE", "a 101 answers only a request with Upgrade");
      }
      if ((flags & REQUEST_ENDED) === 0) {
        throw new UsageError("INVALID_STATE", "read the whole request before switching protocols");
      }
    }
    // One validating pass over the fields: persistence is decided from what it
    // found, and the fields persistence calls for are added to it. A list
    // equal to the last one answered gets that list's scan, read-only
    // (outgoing-fields.ts): lines are added to a copy.
    let scan = scanRepeatedFields(head.fields);
    const reason = this.closeReasonFor(ex, scan, framing);
    if (reason !== null) {
      if (framing.kind !== "tunnel" && !hasToken(scan.connection, "close")) {
        scan = withField(scan, "Connection", "close");
      }
    } else if (ex.version === "1.0") {
      // RFC 9112 §9.3 / Appendix C.2.2: persistence with a 1.0 client is
      // confirmed by echoing keep-alive.
      if (!hasToken(scan.connection, "keep-alive")) {
        scan = withField(scan, "Connection", "keep-alive");
      }
    }
    if (reason === null && this.advertise !== undefined && !scan.keepAlive) {
      const max = this.maxRequests;
      const hint =
        max !== null ? { ...this.advertise, max: max - this.answered - 1 } : this.advertise;
      scan = withField(scan, "Keep-Alive", formatKeepAlive(hint));
    }
    // Serialize before changing any state: a head the serializer refuses
    // (a bad field, a 101 without Upgrade) leaves the exchange unanswered.
    // Our responses are always HTTP/1.1: a head saying so (or saying no
    // version) is serialized as it is, any other gets a copy (properties
    // written out, not spread: spreading a head costs microseconds on V8).
    const line =
      head.version === undefined || head.version === "1.1"
        ? head
        : { status: head.status, reason: head.reason, version: "1.1" as const };
    const bytes = serializeScannedResponseHead(line, scan, framing);
    if (framing.kind === "tunnel") ex.flags |= SWITCHING;
    else if ((flags & SWITCH_REQUESTED) !== 0 && this.parserState === "awaiting-switch") {
      // The switch is refused: the bytes that follow are HTTP again.
      this.parser.resume();
    }
    if (reason !== null) {
      this.endPersistence(reason);
      // Later pipelined requests are dropped unanswered (RFC 9112 §9.6); the
      // client retries them on another connection (§9.3.1).
      this.dropLater();
      this.reading = null;
      this.readingStopped = true;
    }
    ex.flags |= RESPONSE_STARTED;
    this.startOutgoing(framing, reason !== null);
    return bytes;
  }

  /** The bytes already received that belong to the new protocol (after a 101 or CONNECT 2xx). */
  takeRest(): Uint8Array {
    if (this.state !== "switched") throw new UsageError("INVALID_STATE", "no protocol switch");
    return this.parser.takeRest();
  }

  // --- internals -------------------------------------------------------------

  /** Why the response to `ex` must be the last on this connection, or null. */
  private closeReasonFor(ex: ServerExchange, scan: FieldScan, framing: BodyFraming) {
    if (framing.kind === "tunnel") return "switched-protocol" as const;
    // Our response's own persistence (RFC 9112 §9.3). Without a Connection or
    // Transfer-Encoding line only its framing can end it (RFC 9112 §9.3: a
    // body delimited by closing); the full table gives the same.
    if (scan.connection === undefined && scan.transferEncoding === undefined) {
      if (framing.kind === "close") return "close-delimited-body" as const;
    } else {
      const own = responsePersistence(persistenceFieldsOf(scan), framing);
      if (own.reason !== null) return own.reason;
    }
    if (ex.closeReason !== null) return ex.closeReason;
    if (this.maxRequests !== null && this.answered + 1 >= this.maxRequests) {
      return "max-requests" as const;
    }
    // RFC 9110 §10.1.1: a final answer to `Expect: 100-continue` without a
    // 100 means the client may never send the body; we do not wait for it.
    if ((ex.flags & (EXPECT_CONTINUE | CONTINUE_SENT | REQUEST_ENDED)) === EXPECT_CONTINUE) {
      return "unread-body" as const;
    }
    if (this.state !== "open" && this.isNewest(ex)) return this.closeReason;
    return null;
  }

  private awaitingResponse(): ServerExchange {
    const ex = this.first;
    if (ex === null || (ex.flags & RESPONSE_STARTED) !== 0) {
      throw new UsageError("INVALID_STATE", "no request is waiting for a response");
    }
    return ex;
  }

  /**
   * A protocol error (RFC 9112 §9.6: nothing more is read; the connection
   * closes once the responses owed are sent). In a request body (§7.1 chunk
   * syntax, §8 a body cut short, a body over the limit) it belongs to the
   * exchange being read, answered with its status (RFC 9110 §15.5) only if
   * its response has not started: one answer, never two. In a head it
   * becomes an exchange of its own, answered in order.
   */
  private protocolError(error: ProtocolError): ServerEvent {
    const reading = this.reading;
    this.reading = null;
    this.readingStopped = true;
    let ex: ServerExchange;
    if (reading !== null) {
      ex = reading;
      ex.flags |= REQUEST_ENDED;
    } else {
      ex = {
        id: this.nextId++,
        method: "GET",
        version: "1.1",
        closeReason: "protocol-error",
        flags: REQUEST_ENDED,
      };
      this.addPending(ex);
    }
    this.endPersistence("protocol-error");
    // The exchange may have been answered in full already (a response
    // given before its body was read): then nothing is owed any more.
    this.afterExchangeChange();
    return { type: "error", id: ex.id, error };
  }

  private peerClosed_(): ServerEvent | null {
    if (this.peerClosedReported) return null;
    this.peerClosedReported = true;
    this.readingStopped = true;
    this.endPersistence("peer-closed");
    this.afterExchangeChange();
    return { type: "peer-closed" };
  }

  protected onOutgoingDone(): void {
    const ex = this.takeOldest();
    this.answered++;
    if ((ex.flags & SWITCHING) !== 0) this.transition("protocol-switched");
    this.afterExchangeChange();
  }

  protected afterExchangeChange(): void {
    if (this.state === "closing" && this.first === null) {
      this.transition("last-exchange-done");
    }
  }
}
