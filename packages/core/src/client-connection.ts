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
  parseKeepAlive,
} from "./keep-alive.ts";
import type { HttpVersion } from "./message.ts";
import { PersistenceFields } from "./persistence-fields.ts";
import {
  type PreparedRequest,
  prepareRequest,
  type RequestOptions,
} from "./request-preparation.ts";
import type { OutgoingRequestHead } from "./serializer.ts";

/** One request sent (or being sent) and not yet fully answered. */
interface ClientExchange {
  readonly id: number;
  readonly method: string;
  readonly version: HttpVersion;
  /** The protocols its Upgrade field offered (lower-cased), `null` when it offered none. */
  readonly upgrade: readonly string[] | null;
  requestComplete: boolean;
  responseStarted: boolean;
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
  /** Requests in flight that may switch protocols (an Upgrade offer, CONNECT). */
  private switchPending = 0;

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

  /**
   * True when a new request may be sent now: persistent, writer between
   * messages, and no request that may switch protocols (an Upgrade offer,
   * CONNECT) waiting for its answer — what follows an accepted switch is
   * the new protocol's, not HTTP (RFC 9110 §7.8, §9.3.6).
   */
  get canSend(): boolean {
    return this.state === "open" && this.writerState === "idle" && this.switchPending === 0;
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
      upgrade: prepared.upgrade,
      requestComplete: false,
      responseStarted: false,
    };
    if (maySwitch(ex)) this.switchPending++;
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
        if (head.status === 101) {
          const wrong = unofferedSwitch(ex.upgrade, head.fields);
          if (wrong !== null) return this.fail(new ProtocolError("UNSOLICITED_SWITCH", wrong));
        }
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
        if (maySwitch(done)) this.switchPending--;
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
    if (this.switchPending > 0) {
      throw new UsageError(
        "INVALID_STATE",
        "a request that may switch protocols (Upgrade, CONNECT) awaits its answer: nothing may follow it yet (RFC 9110 §7.8)",
      );
    }
    this.assertCanStartMessage("a request");
  }

  /** Every request still in flight, as {@link outstanding} tells them, forgotten. */
  private dropInFlight(): ExchangeStatus[] {
    const dropped = this.outstanding();
    this.inFlight.length = 0;
    this.switchPending = 0;
    return dropped;
  }

  private fail(error: ProtocolError): ClientEvent {
    const failed = this.dropInFlight();
    this.abort("protocol-error");
    return { type: "error", error, failed };
  }

  private peerClosed_(): ClientEvent | null {
    if (this.peerClosedReported) return null;
    this.peerClosedReported = true;
    const unanswered = this.dropInFlight();
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

/** Whether the answer to `ex` may switch the connection to another protocol (101, or 2xx to CONNECT). */
function maySwitch(ex: ClientExchange): boolean {
  return ex.upgrade !== null || ex.method === "CONNECT";
}

/**
 * Why a 101 with `fields` is not a switch the request offered (`offered`:
 * its Upgrade protocols), or `null` when it is one. RFC 9110 §15.2.2: a
 * server MUST NOT switch to a protocol the client did not indicate in the
 * request's Upgrade field; §7.8: a 101 MUST name in its Upgrade field the
 * protocol(s) switched to. A protocol matches an offered one by its whole
 * token, or by its name when the offer named no version (case-insensitive).
 */
function unofferedSwitch(offered: readonly string[] | null, fields: Fields): string | null {
  if (offered === null)
    return "a 101 (Switching Protocols) answered a request that offered no Upgrade";
  const named = fields.tokens("upgrade");
  if (named.length === 0) return "a 101 (Switching Protocols) named no protocol in Upgrade";
  for (const protocol of named) {
    const name = protocol.split("/", 1)[0] as string;
    if (!offered.includes(protocol) && !offered.includes(name)) {
      return `a 101 (Switching Protocols) switched to ${protocol}, which the request did not offer (it offered ${offered.join(", ")})`;
    }
  }
  return null;
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
