/**
 * One request made through a client, from the pool's events to what the
 * caller awaits: a whole {@link ClientResponse} (`request()`) or a Web
 * `Response` whose body streams with back-pressure (`fetch()`).
 *
 * A `fetch()` response is handed over once the batch of pool events that
 * carried its head is done (`publish`), so a small response whose body came
 * in the same read is whole by then: on Node it becomes a
 * {@link LazyResponse} reading from this exchange, elsewhere a native
 * `Response` over the complete octets (no stream at all), or over a stream
 * of what has come and what follows when the body is still on its way.
 * Either way the caller is handed the head before any body octet, so a body
 * cut later is the typed error of its body, never a retry (core retry.ts
 * row 2).
 */
import type { Fields, RequestError, ResponseHead } from "@tether/core";
import type { ClientResponse } from "./api.ts";
import { LazyResponse, type ResponseSource } from "./client-response.ts";
import type { RepeatedHeaders } from "./repeated-headers.ts";
import { concatBytes } from "./web.ts";

/** What an exchange needs from its client. */
export interface ExchangeHost {
  cancel(id: number): void;
  pauseReading(connection: number): void;
  resumeReading(connection: number): void;
  /** Calls `publish()` on `exchange` once the current batch of pool events is delivered. */
  publishLater(exchange: ClientExchange): void;
  /** Where native responses reuse a repeated field section's `Headers` (Bun); null elsewhere. */
  readonly repeatedHeaders: RepeatedHeaders | null;
}

/** How `fetch()` responses are made (see the module comment). */
export type WebResponseKind = "lazy" | "native";

/** Body bytes a response holds, unread, before reading from the socket pauses. */
const BODY_HIGH_WATER = 64 * 1024;

/** Statuses a Web `Response` may not give a body (Fetch Standard "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/** What `new Response()` takes as a body. */
type WebBody = ConstructorParameters<typeof Response>[0];

/**
 * One executor for every exchange's promise (no closure per request): it
 * leaves the promise's resolving functions here, and the constructor takes
 * them at once (the executor runs synchronously).
 */
const captured: {
  resolve: ((r: ClientResponse | Response) => void) | null;
  reject: ((e: unknown) => void) | null;
} = { resolve: null, reject: null };

function capture(
  resolve: (r: ClientResponse | Response) => void,
  reject: (e: unknown) => void,
): void {
  captured.resolve = resolve;
  captured.reject = reject;
}

/** Nothing to do (keeps a rejection nobody awaited yet from being reported as unhandled). */
function ignore(): void {}

/** The body's state. */
enum Body {
  Open,
  Done,
  Failed,
}

export class ClientExchange implements ResponseSource {
  readonly id: number;
  /**
   * The client's bookkeeping when it may pipeline: the connection this
   * request is counted on, 0 when none (socket ids start at 1).
   */
  assignedTo = 0;
  private readonly host: ExchangeHost;
  private readonly method: string;
  /** `null`: a `request()`; otherwise how its `fetch()` response is made. */
  private readonly web: WebResponseKind | null;
  private head: ResponseHead | null = null;
  private connection = 0;
  private reused = false;
  private attempts = 1;
  /**
   * Body octets received and not yet handed on: the first chunk, and the
   * later ones (a small body is one chunk, held without a list).
   */
  private first: Uint8Array | null = null;
  private rest: Uint8Array[] | null = null;
  private held = 0;
  private body = Body.Open;
  private error: RequestError | null = null;
  private trailers: Fields | null = null;
  private published = false;
  /** The body stream's controller, once the body is streamed. */
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** A whole-body reader waiting for the end. */
  private resolveBody: ((body: Uint8Array) => void) | null = null;
  private rejectBody: ((e: unknown) => void) | null = null;
  private paused = false;
  private resolve: ((r: ClientResponse | Response) => void) | null = null;
  private reject: ((e: unknown) => void) | null = null;
  private readonly settled: Promise<ClientResponse | Response>;

  constructor(host: ExchangeHost, id: number, method: string, web: WebResponseKind | null) {
    this.host = host;
    this.id = id;
    this.method = method;
    this.web = web;
    this.settled = new Promise(capture);
    this.resolve = captured.resolve;
    this.reject = captured.reject;
  }

  /** The whole response (`request()`). */
  whole(): Promise<ClientResponse> {
    return this.settled as Promise<ClientResponse>;
  }

  /** The Web response, handed over at the head (`fetch()`). */
  webResponse(): Promise<Response> {
    return this.settled as Promise<Response>;
  }

  response(head: ResponseHead, connection: number, reused: boolean, attempts: number): void {
    this.head = head;
    this.connection = connection;
    this.reused = reused;
    this.attempts = attempts;
    if (this.web !== null) this.host.publishLater(this);
  }

  /**
   * The pool sends the request again. Only a buffered request is retried
   * after a response began (core retry.ts row 8), and it has shown nothing:
   * what it held is dropped.
   */
  restart(): void {
    this.head = null;
    this.dropChunks();
  }

  data(bytes: Uint8Array): void {
    const c = this.controller;
    if (c !== null) {
      c.enqueue(bytes);
      if ((c.desiredSize ?? 1) <= 0) this.pause();
      return;
    }
    if (this.first === null) this.first = bytes;
    else if (this.rest === null) this.rest = [bytes];
    else this.rest.push(bytes);
    this.held += bytes.length;
    // Nobody reads yet: hold a window's worth, then let the socket wait.
    if (this.web !== null && this.resolveBody === null && this.held >= BODY_HIGH_WATER) {
      this.pause();
    }
  }

  end(trailers: Fields | null): void {
    this.body = Body.Done;
    this.trailers = trailers;
    if (this.paused) this.resume();
    if (this.web === null) {
      this.resolveWhole();
      return;
    }
    if (this.controller !== null) {
      this.controller.close();
      this.controller = null;
    } else if (this.resolveBody !== null) {
      this.resolveBody(this.takeChunks());
      this.resolveBody = null;
      this.rejectBody = null;
    }
  }

  fail(error: RequestError): void {
    this.body = Body.Failed;
    this.error = error;
    if (this.paused) this.resume();
    // No head handed over (yet): the request itself fails.
    if (this.web === null || this.head === null || !this.published) {
      this.dropChunks();
      // A caller that has not awaited yet must not see an unhandled rejection.
      if (this.reject !== null) this.settled.catch(ignore);
      this.reject?.(error);
      this.resolve = null;
      this.reject = null;
      return;
    }
    if (this.controller !== null) {
      this.controller.error(error);
      this.controller = null;
    } else if (this.rejectBody !== null) {
      this.rejectBody(error);
      this.resolveBody = null;
      this.rejectBody = null;
    }
  }

  /** Hands the `fetch()` response over (after the batch that brought its head). */
  publish(): void {
    const head = this.head;
    if (this.published || head === null || this.resolve === null) return;
    this.published = true;
    const noBody = this.method === "HEAD" || NULL_BODY_STATUS.has(head.status);
    const status = head.status < 200 ? 502 : head.status;
    if (this.web === "lazy") {
      this.resolve(LazyResponse.from(status, head.reason, head.fields.raw, noBody ? null : this));
      return;
    }
    let body: WebBody = null;
    if (!noBody)
      body = this.body === Body.Done ? (this.takeChunks() as WebBody) : this.bodyStream();
    const raw = head.fields.raw;
    const repeated = this.host.repeatedHeaders;
    const template = repeated === null ? null : repeated.match(raw);
    if (template !== null) {
      this.resolve(new Response(body, { status, statusText: head.reason, headers: template }));
      return;
    }
    const response = new Response(body, { status, statusText: head.reason });
    // Appended to the response's own Headers: a Headers given in the init is
    // validated, then copied over again (2–4× the cost on Deno and Bun), save
    // a repeated section's template (repeated-headers.ts).
    // A byte or stream body adds no Content-Type of its own.
    const headers = response.headers;
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
    if (repeated !== null) repeated.seen(raw, headers);
    this.resolve(response);
  }

  // --- ResponseSource ---------------------------------------------------------------

  completeBody(): Uint8Array | null {
    return this.body === Body.Done ? this.takeChunks() : null;
  }

  wholeBody(): Promise<Uint8Array> {
    if (this.body === Body.Done) return Promise.resolve(this.takeChunks());
    if (this.body === Body.Failed) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.resolveBody = resolve;
      this.rejectBody = reject;
      if (this.paused) this.resume();
    });
  }

  bodyStream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          if (this.first !== null) controller.enqueue(this.first);
          if (this.rest !== null) for (const chunk of this.rest) controller.enqueue(chunk);
          this.dropChunks();
          if (this.body === Body.Done) controller.close();
          else if (this.body === Body.Failed) controller.error(this.error);
          else this.controller = controller;
        },
        pull: () => {
          if (this.paused) this.resume();
        },
        cancel: () => {
          this.controller = null;
          this.host.cancel(this.id);
        },
      },
      { highWaterMark: BODY_HIGH_WATER, size: (chunk) => chunk?.byteLength ?? 0 },
    );
  }

  // --- internals --------------------------------------------------------------------

  private resolveWhole(): void {
    const head = this.head as ResponseHead;
    const resolve = this.resolve;
    this.resolve = null;
    this.reject = null;
    resolve?.({
      status: head.status,
      reason: head.reason,
      version: head.version,
      fields: head.fields,
      body: this.takeChunks(),
      trailers: this.trailers,
      connection: this.connection,
      reused: this.reused,
      attempts: this.attempts,
    });
  }

  private takeChunks(): Uint8Array {
    const first = this.first;
    const rest = this.rest;
    let body: Uint8Array;
    if (first === null) body = new Uint8Array(0);
    else if (rest === null) body = first;
    else body = concatBytes([first, ...rest]);
    this.dropChunks();
    return body;
  }

  private dropChunks(): void {
    this.first = null;
    this.rest = null;
    this.held = 0;
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.host.pauseReading(this.connection);
  }

  private resume(): void {
    this.paused = false;
    this.host.resumeReading(this.connection);
  }
}
