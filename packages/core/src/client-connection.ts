/**
 * The client side of one HTTP/1.x connection (RFC 9112 §9).
 *
 * Serializes requests (several in flight when the caller pipelines them,
 * RFC 9112 §9.3.2), tells the parser which method each response answers
 * (HEAD and CONNECT change the framing, §6.3), matches responses to
 * requests strictly in order, and decides whether the connection may carry
 * another request. Which request goes on which connection, and whether a
 * failed one is retried, is the pool's business (client-pool.ts).
 */
import { ConnectionBase } from "./connection-base.ts";
import type { ClientEvent, ConnectionOptions, ExchangeStatus } from "./connection-events.ts";
import { ProtocolError, UsageError } from "./errors.ts";
import { Fields } from "./fields.ts";
import {
  type CloseReason,
  decidePersistence,
  type KeepAliveHint,
  messageAllowsPersistence,
  parseKeepAlive,
} from "./keep-alive.ts";
import type { BodyFraming, HttpVersion } from "./message.ts";
import { chooseFraming } from "./outgoing-framing.ts";
import { PersistenceFields } from "./persistence-fields.ts";
import { type OutgoingRequestHead, serializeRequestHead } from "./serializer.ts";

/** One request sent (or being sent) and not yet fully answered. */
interface ClientExchange {
  readonly id: number;
  readonly method: string;
  readonly version: HttpVersion;
  requestComplete: boolean;
  responseStarted: boolean;
}

/** Options for {@link ClientConnection.request}. */
export interface RequestOptions {
  /**
   * Body octets: a number when known, `null` when streamed (chunked; HTTP/1.1
   * only), omitted for no body.
   */
  readonly bodyLength?: number | null;
}

/**
 * A request head checked, framed and serialized once, ready to be written
 * on any connection of the same kind (direct or to a proxy): see
 * {@link prepareRequest} and {@link ClientConnection.sendPrepared}.
 */
export interface PreparedRequest {
  readonly method: string;
  readonly version: HttpVersion;
  readonly framing: BodyFraming;
  /** Why no message may follow this request on its connection (its own `Connection: close` …), or `null`. */
  readonly closeReason: CloseReason | null;
  /** The head's octets. */
  readonly bytes: Uint8Array;
}

/**
 * Prepares a request head: its framing (RFC 9112 §6), `Connection:
 * keep-alive` for an HTTP/1.0 request that does not say otherwise (RFC 9112
 * §9.3), whether the connection persists after it, and its octets. `proxy`:
 * the connection goes to a proxy (an HTTP/1.0 keep-alive does not hold
 * there, RFC 9112 §9.3 item 3). Throws a {@link UsageError} for a head the
 * serializer refuses. `head.fields` is used as is (not copied) when it is a
 * {@link Fields}, and may be appended to.
 */
export function prepareRequest(
  head: OutgoingRequestHead,
  options: RequestOptions,
  proxy: boolean,
): PreparedRequest {
  const version = head.version ?? "1.1";
  const framing = chooseFraming({
    kind: "request",
    version,
    method: head.method,
    bodyLength: options.bodyLength,
  });
  const given = head.fields ?? [];
  const fields = given instanceof Fields ? given : Fields.from(given);
  if (version === "1.0") {
    const tokens = fields.tokens("connection");
    if (!tokens.includes("close") && !tokens.includes("keep-alive")) {
      fields.append("Connection", "keep-alive");
    }
  }
  const own = messageAllowsPersistence({ version, fields, framing }, { kind: "request", proxy });
  // Properties written out, not spread: spreading a head costs microseconds per request on V8.
  const bytes = serializeRequestHead(
    { method: head.method, target: head.target, version, fields },
    framing,
  );
  return { method: head.method, version, framing, closeReason: own.reason, bytes };
}

/** The client side of a connection. See the module comment. */
export class ClientConnection extends ConnectionBase {
  private readonly proxy: boolean;
  /** Requests sent and not yet fully answered, oldest first. */
  private readonly inFlight: ClientExchange[] = [];
  /** The exchange whose request is being written. */
  private writing: ClientExchange | null = null;
  private hint: KeepAliveHint | null = null;
  private peerClosedReported = false;
  private nextId = 1;
  private completed = 0;
  private responseClose: CloseReason | null = null;
  private responseHint: KeepAliveHint | null = null;
  /** The persistence fields of the last response, read once (reused). */
  private readonly persistenceFields = new PersistenceFields();
  /** The last Keep-Alive value seen, and its (read-only) parse. */
  private keepAliveText: string | undefined = undefined;
  private keepAliveParsed: KeepAliveHint | null = null;

  constructor(options: Omit<ConnectionOptions, "role"> = {}) {
    super({ ...options, role: "client" }, "response");
    this.proxy = options.proxy === true;
  }

  /** Requests sent whose responses have not ended yet. */
  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** Exchanges completed on this connection. */
  get responsesReceived(): number {
    return this.completed;
  }

  /** The server's most recent `Keep-Alive` hint (timeout, max), if any. */
  get keepAliveHint(): KeepAliveHint | null {
    return this.hint;
  }

  /** True when a new request may be sent now (persistent, writer between messages). */
  get canSend(): boolean {
    return this.state === "open" && this.writerState === "idle";
  }

  /** What is known of every request still waiting for its response (for retry rules). */
  outstanding(): ExchangeStatus[] {
    return this.inFlight.map(statusOf);
  }

  /**
   * Starts a request and returns its head's bytes. HTTP/1.0 requests ask
   * for persistence with `Connection: keep-alive` (RFC 9112 §9.3). Send the
   * body with `sendData`/`sendEnd`. Returns the exchange id in `id`.
   */
  request(
    head: OutgoingRequestHead,
    options: RequestOptions = {},
  ): { id: number; bytes: Uint8Array } {
    this.assertCanRequest();
    const fields = Fields.from(head.fields ?? []);
    return this.sendPrepared(prepareRequest({ ...head, fields }, options, this.proxy));
  }

  /**
   * Starts a request prepared by {@link prepareRequest} (for a connection of
   * this kind: direct or to a proxy) and returns its head's bytes, as
   * {@link request} does.
   */
  sendPrepared(prepared: PreparedRequest): { id: number; bytes: Uint8Array } {
    this.assertCanRequest();
    const ex: ClientExchange = {
      id: this.nextId++,
      method: prepared.method,
      version: prepared.version,
      requestComplete: false,
      responseStarted: false,
    };
    this.inFlight.push(ex);
    this.writing = ex;
    this.parser.expectResponse(prepared.method);
    const reason = prepared.closeReason;
    if (reason !== null) this.endPersistence(reason);
    this.startOutgoing(prepared.framing, reason !== null);
    return { id: ex.id, bytes: prepared.bytes };
  }

  /**
   * What the last final response said about persistence: the reason it
   * ended it (RFC 9112 §9.3, §9.6), or `null` when it allowed another
   * request.
   */
  get lastResponseClose(): CloseReason | null {
    return this.responseClose;
  }

  /** The `Keep-Alive` hint of the last final response, `null` when it had none. */
  get lastResponseHint(): KeepAliveHint | null {
    return this.responseHint;
  }

  /** The next event, or `null` when more bytes are needed. */
  nextEvent(): ClientEvent | null {
    if (this.state === "must-close" || this.state === "switched") return null;
    const ev = this.parser.next();
    if (ev === null) return this.parser.state === "closed" ? this.peerClosed_() : null;
    const ex = this.inFlight[0];
    switch (ev.type) {
      case "response": {
        if (ex === undefined) {
          return this.fail(
            new ProtocolError(
              "UNSOLICITED_RESPONSE",
              "a response arrived with no request in flight",
            ),
          );
        }
        ex.responseStarted = true;
        if (ev.interim) return { type: "informational", id: ex.id, head: ev.head };
        const head = ev.head;
        // One pass over the fields gives both the decision and the Keep-Alive line.
        const read = this.persistenceFields;
        const persistence = decidePersistence(
          { version: head.version, fields: head.fields, framing: ev.framing },
          { kind: "response", requestVersion: ex.version },
          read,
        );
        this.responseClose = persistence.reason;
        if (persistence.reason !== null) this.endPersistence(persistence.reason);
        // A server repeats the same Keep-Alive value: parse each new one only.
        const text = read.keepAliveValue(head.fields);
        if (text !== this.keepAliveText) {
          this.keepAliveText = text;
          this.keepAliveParsed = parseKeepAlive(text);
        }
        const hint = this.keepAliveParsed;
        this.responseHint = hint;
        if (hint !== null) this.hint = hint;
        return { type: "response", id: ex.id, head, framing: ev.framing };
      }
      case "data":
        return { type: "data", id: (ex as ClientExchange).id, data: ev.data };
      case "end": {
        const done = this.inFlight.shift() as ClientExchange;
        this.completed++;
        // An early response (e.g. 413) ended before our request body did: the
        // rest of our body would be read as a new request, so we stop here.
        if (!done.requestComplete) this.endPersistence("aborted");
        this.afterExchangeChange();
        return {
          type: "end",
          id: done.id,
          trailers: ev.trailers,
          persistent: this.state === "open",
        };
      }
      case "switched": {
        const done = this.inFlight.shift() as ClientExchange;
        this.transition("protocol-switched");
        return { type: "switched", id: done.id, rest: ev.rest };
      }
      case "error":
        return this.fail(ev.error);
      default:
        throw new UsageError("INVALID_STATE", `unexpected parser event ${ev.type}`);
    }
  }

  /** The bytes already received that belong to the new protocol (after a 101 or CONNECT 2xx). */
  takeRest(): Uint8Array {
    if (this.state !== "switched") throw new UsageError("INVALID_STATE", "no protocol switch");
    return this.parser.takeRest();
  }

  // --- internals -------------------------------------------------------------

  private assertCanRequest(): void {
    if (this.state !== "open") {
      throw new UsageError("INVALID_STATE", `connection is ${this.state}: no new request`);
    }
    this.assertCanStartMessage("a request");
  }

  private fail(error: ProtocolError): ClientEvent {
    const failed = this.outstanding();
    this.inFlight.length = 0;
    this.abort("protocol-error");
    return { type: "error", error, failed };
  }

  private peerClosed_(): ClientEvent | null {
    if (this.peerClosedReported) return null;
    this.peerClosedReported = true;
    const unanswered = this.outstanding();
    this.inFlight.length = 0;
    this.abort("peer-closed");
    return { type: "peer-closed", unanswered };
  }

  protected onOutgoingDone(): void {
    if (this.writing !== null) this.writing.requestComplete = true;
    this.writing = null;
  }

  protected afterExchangeChange(): void {
    if (this.state === "closing" && this.inFlight.length === 0) {
      this.transition("last-exchange-done");
    }
  }
}

function statusOf(ex: ClientExchange): ExchangeStatus {
  return {
    id: ex.id,
    method: ex.method,
    requestStarted: true,
    requestComplete: ex.requestComplete,
    responseStarted: ex.responseStarted,
  };
}
