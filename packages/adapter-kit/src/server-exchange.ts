/**
 * One request on a server connection and its answer. Handlers may finish
 * in any order (pipelining, RFC 9112 §9.3.2); the {@link ResponseQueue}
 * writes their answers strictly in the order the requests arrived.
 */
import type { BodyFraming, Fields, RequestHead, ServerSession } from "@tether/core";
import type { RawResponseWriter, RequestInfo } from "./api.ts";
import { failureAnswer } from "./failure-answer.ts";
import { type WebHead, writeContent } from "./response-fast-path.ts";
import type { ResponseQueue } from "./response-queue.ts";
import { type FieldInit, StreamWriter, writeComplete } from "./response-writer.ts";
import type { ServerConnectionDriver } from "./server-connection-driver.ts";
import type { ExchangeExtras } from "./server-exchange-state.ts";
import { ABORTED, ExchangeState, SETTLED, STARTED } from "./server-exchange-state.ts";
import type { SocketHandlers } from "./socket-layer.ts";
import { concatBytes, toBytes, toWebRequest } from "./web.ts";
import { type ErrorReport, prepareWeb } from "./web-answer.ts";

// The queue that orders a connection's answers lives in response-queue.ts;
// exported from here too, for the connection driver.
export { ResponseQueue } from "./response-queue.ts";

/** Body bytes a request stream holds before reading from the socket pauses. */
const BODY_HIGH_WATER = 64 * 1024;

/** The answer is a complete body kept in the exchange (see `ServerExchange.respond`). */
const COMPLETE = 1;
/** The answer is a Web head and its complete content (see `ServerExchange.respondContent`). */
const WEB_CONTENT = 2;

type Answer =
  | ((session: ServerSession) => Promise<void> | void)
  | typeof COMPLETE
  | typeof WEB_CONTENT;

/** A request, its body as it arrives, and the means to answer it. */
export class ServerExchange extends ExchangeState {
  protected override bits = 0; // see server-exchange-state.ts
  protected override extras: ExchangeExtras | null = null;
  readonly id: number;
  readonly head: RequestHead;
  readonly framing: BodyFraming;
  private readonly driver: ServerConnectionDriver;
  private readonly queue: ResponseQueue;
  /**
   * The answer, waiting for this exchange's turn: {@link COMPLETE} for a
   * complete body given to {@link respond} (kept in the three fields below,
   * no closure per response), {@link WEB_CONTENT} for a Web head and its
   * content (in `webHead` and `content`), else a function that writes it.
   */
  private answer: Answer | null = null;
  private status = 0;
  private fields: FieldInit | undefined = undefined;
  private content: Uint8Array | undefined = undefined;
  private webHead: WebHead | null = null;
  // Flags, the request body's state, the abort signal and the connection
  // facts: server-exchange-state.ts.

  constructor(
    driver: ServerConnectionDriver,
    queue: ResponseQueue,
    id: number,
    head: RequestHead,
    framing: BodyFraming,
    expectContinue: boolean,
  ) {
    super();
    if (expectContinue) this.awaitingContinue = true;
    this.driver = driver;
    this.queue = queue;
    this.id = id;
    this.head = head;
    this.framing = framing;
  }

  /**
   * Facts about the connection (see {@link RequestInfo}), made when first
   * read and the same object afterwards. What it holds is fixed when the
   * connection opens, so making it late changes nothing a handler sees.
   */
  get info(): RequestInfo {
    let info = this.infoMade;
    if (info === null) {
      info = this.driver.info(this.id);
      this.infoMade = info;
    }
    return info;
  }

  /**
   * The same facts as {@link info}, made now and not kept: for a caller that
   * reads them once per exchange (the fetch handler's argument), which
   * saves keeping them in the exchange's rare part (server-exchange-state.ts).
   */
  infoOnce(): RequestInfo {
    return this.infoMade ?? this.driver.info(this.id);
  }

  /**
   * The Web `Request` for this exchange (a lazy one, see lazy-request.ts):
   * its abort signal is made only if the handler reads it (on Node 20 an
   * AbortSignal costs about as much as the rest of a small exchange).
   */
  webRequest(fallbackHost: string): Request {
    return toWebRequest(this.head, this.stream(), fallbackHost, this);
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort();
    }
    return this.controller.signal;
  }

  // --- the request body ------------------------------------------------------------

  /** Adds body bytes; false when the reader is behind (back-pressure). */
  pushBody(data: Uint8Array): boolean {
    if (this.settled) return true; // answered already: the rest is discarded
    const sc = this.streamController;
    if (sc !== null) {
      sc.enqueue(data);
      return (sc.desiredSize ?? 1) > 0;
    }
    if (this.chunks === null) this.chunks = [data];
    else this.chunks.push(data);
    return true;
  }

  endBody(_trailers: Fields | null): void {
    this.bodyDone = true;
    this.streamController?.close();
    const waiters = this.bodyWaiters;
    if (waiters === null) return;
    this.bodyWaiters = null;
    for (const w of waiters) w.resolve();
  }

  failBody(cause?: Error): void {
    if (this.bodyDone) return;
    this.bodyFailed = true;
    this.bodyDone = true;
    const error = cause ?? new Error("the connection closed before the request body ended");
    this.bodyError = error;
    this.streamController?.error(error);
    const waiters = this.bodyWaiters;
    this.bodyWaiters = null;
    if (waiters !== null) for (const w of waiters) w.reject(error);
  }

  /**
   * The application wants the body: a client waiting for `100 Continue`
   * gets it now (RFC 9110 §10.1.1), the way Node and hyper do it. Should
   * the handler answer without reading, no 100 is sent and the session
   * decides what happens to the unsent body.
   */
  private demandBody(): void {
    if (!this.awaitingContinue) return;
    this.awaitingContinue = false;
    const session = this.session();
    if (session === null || this.started || this.bodyDone) return;
    try {
      session.sendInformational(100, this.driver.now());
    } catch {
      // Not this exchange's turn to write yet (pipelined behind another
      // response), or an HTTP/1.0 client: the client sends after its timeout.
    }
    this.driver.run();
  }

  /** The whole body, once it has arrived. */
  async body(): Promise<Uint8Array> {
    this.demandBody();
    if (!this.bodyDone) {
      await new Promise<void>((resolve, reject) => {
        this.bodyWaiters ??= [];
        this.bodyWaiters.push({ resolve, reject });
      });
    }
    if (this.bodyFailed) throw this.bodyError as Error;
    const chunks = this.chunks;
    this.chunks = null;
    return concatBytes(chunks ?? []);
  }

  /** The body as a stream with back-pressure, or null when the request has none. */
  stream(): ReadableStream<Uint8Array> | null {
    if (this.framing.kind === "none") return null;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.streamController = controller;
          const chunks = this.chunks;
          this.chunks = null;
          if (chunks !== null) for (const c of chunks) controller.enqueue(c);
          if (this.bodyFailed) controller.error(new Error("connection closed"));
          else if (this.bodyDone) controller.close();
        },
        pull: () => {
          this.demandBody();
          this.driver.bodyDrained();
        },
        cancel: () => {
          this.streamController = null;
          this.driver.bodyDrained();
        },
      },
      {
        // With 100-continue pending, pull only on a real read (high-water 0).
        highWaterMark: this.awaitingContinue ? 0 : BODY_HIGH_WATER,
        size: (chunk) => chunk?.byteLength ?? 0,
      },
    );
  }

  // --- the answer --------------------------------------------------------------------

  /** Answers with a complete body. */
  respond(status: number, fields?: FieldInit, body?: Uint8Array | string): void {
    if (this.answer !== null || this.settled) return; // answered twice: ignore
    this.status = status;
    this.fields = fields;
    this.content = body === undefined ? undefined : toBytes(body);
    this.setAnswer(COMPLETE);
  }

  /** Starts a streamed answer. */
  streamAnswer(status: number, fields?: FieldInit, bodyLength?: number | null): RawResponseWriter {
    const writer = new StreamWriter(this);
    this.setAnswer((session) => writer.start(session, status, fields, bodyLength));
    return writer;
  }

  /**
   * Answers a CONNECT with a 2xx (RFC 9110 §9.3.6) or an Upgrade with 101
   * (§7.8), then hands the socket to `handlers` (see RawExchange.takeOver).
   */
  takeOver(status: number, fields: FieldInit | undefined, handlers: SocketHandlers): void {
    const connect = this.head.method === "CONNECT" && status >= 200 && status < 300;
    if (!connect && status !== 101) {
      throw new TypeError("takeOver() answers a CONNECT with a 2xx or an Upgrade with 101");
    }
    this.setAnswer((session) => {
      session.respond({ status, fields: fields ?? [] }, this.now());
      this.driver.handOver(handlers);
    });
  }

  /**
   * Answers with a Web `Response`: at once when its content is in memory,
   * else by reading its body stream (see web-answer.ts). `report` is told
   * of an answer that fails before any of it is written (then a 500 goes
   * out instead, see {@link writeFailure}).
   */
  respondWeb(response: Response, report: ErrorReport): void {
    // Only a first answer is taken (setAnswer): a later one is not even read.
    if (this.answer === null && !this.settled) {
      const answer = prepareWeb(this, response, report);
      if (answer !== undefined) this.setAnswer(answer);
    }
  }

  /**
   * Answers with a Web response's head and its whole content (`null`: no
   * body), as web-answer.ts found them: kept in the exchange, no closure.
   */
  respondContent(head: WebHead, content: Uint8Array | null): void {
    if (this.answer !== null || this.settled) return; // answered twice: ignore
    this.webHead = head;
    this.content = content ?? undefined;
    this.setAnswer(WEB_CONTENT);
  }

  /**
   * The handler failed: a 500 if nothing was sent yet (or, when the request
   * body broke the protocol, that error's status with `Connection: close`,
   * so the client gets one answer), else the connection is cut.
   */
  fail(): void {
    if (this.answer === null && !this.started) {
      if (this.settled) return; // the connection closed: nothing to answer
      this.keepFailure();
      this.setAnswer(COMPLETE);
      return;
    }
    this.driver.current?.abort("aborted", this.driver.now());
    this.driver.run();
  }

  /**
   * A Web answer failed at this exchange's turn before any of it was
   * written (its body stream failed first, or its declared Content-Length
   * does not match its content): the answer {@link fail} gives goes out
   * instead (RFC 9110 §15.6.1), head and body, the connection kept as it
   * keeps it.
   */
  writeFailure(session: ServerSession): void {
    this.keepFailure();
    writeComplete(this, session, this.status, this.fields, this.content);
  }

  /** Keeps the failure answer (failure-answer.ts) as this exchange's complete answer. */
  private keepFailure(): void {
    const failure = failureAnswer(this.bodyError);
    this.status = failure.status;
    this.fields = failure.fields;
    this.content = failure.content;
  }

  /** The connection closed: stop everything. */
  abort(): void {
    this.settled = true;
    this.failBody();
    this.aborted = true;
    this.controller?.abort();
  }

  /**
   * Runs the answer (called by the queue when it is this exchange's turn).
   * A complete answer is written synchronously and nothing is returned; a
   * streamed one returns the promise of its end.
   */
  write(): Promise<void> | undefined {
    const answer = this.answer;
    this.bits |= STARTED; // as bits: see server-exchange-state.ts
    let pending: Promise<void> | void;
    try {
      const session = this.session();
      if (session === null) pending = undefined;
      else if (answer === COMPLETE) {
        writeComplete(this, session, this.status, this.fields, this.content);
        pending = undefined;
      } else if (answer === WEB_CONTENT) {
        writeContent(this, session, this.webHead as WebHead, this.content ?? null);
        pending = undefined;
      } else pending = (answer as (session: ServerSession) => Promise<void> | void)(session);
    } catch {
      this.cut();
      pending = undefined;
    }
    if (pending instanceof Promise) {
      return pending.then(
        () => this.finish(),
        () => {
          this.cut();
          this.finish();
        },
      );
    }
    this.finish();
    return undefined;
  }

  /**
   * The connection closed under us (SEND_AFTER_CLOSE) or the body stream
   * failed: cut the connection, framing is lost.
   */
  private cut(): void {
    if (!this.settled) this.driver.current?.abort("aborted", this.driver.now());
  }

  private finish(): void {
    this.bits |= SETTLED;
    this.driver.run();
  }

  /** The session while it can still take this answer. */
  session(): ServerSession | null {
    const s = this.driver.current;
    return s === null || (this.bits & ABORTED) !== 0 || s.state !== "open" ? null : s;
  }

  /** Waits until the socket takes more bytes. */
  writable(): Promise<void> {
    this.driver.run();
    return this.driver.whenWritable();
  }

  /** An answer has been given (it may wait for earlier exchanges). */
  get hasAnswer(): boolean {
    return this.answer !== null;
  }

  /** Time for session calls. */
  now(): number {
    return this.driver.now();
  }

  private setAnswer(answer: Answer): void {
    if (this.answer !== null || this.settled) return; // answered twice: ignore
    this.answer = answer;
    this.queue.ready();
  }
}
