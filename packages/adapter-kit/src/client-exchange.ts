/**
 * One request made through a client, from the pool's events to what the
 * caller awaits: a whole {@link ClientResponse} (`request()`) or a Web
 * `Response` whose body streams with back-pressure (`fetch()`).
 */
import type { Fields, RequestError, ResponseHead } from "@tether/core";
import type { ClientResponse } from "./api.ts";
import { concatBytes, fieldPairs } from "./web.ts";

/** What an exchange needs from its client. */
export interface ExchangeHost {
  cancel(id: number): void;
  pauseReading(connection: number): void;
  resumeReading(connection: number): void;
}

/** Body bytes a response stream holds before reading from the socket pauses. */
const BODY_HIGH_WATER = 64 * 1024;

/** Statuses a Web `Response` may not give a body (Fetch Standard "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export class ClientExchange {
  readonly id: number;
  private readonly host: ExchangeHost;
  private readonly method: string;
  private readonly web: boolean;
  private head: ResponseHead | null = null;
  private connection = 0;
  private reused = false;
  private attempts = 1;
  private chunks: Uint8Array[] = [];
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private paused = false;
  private resolveWhole: ((r: ClientResponse) => void) | null = null;
  private resolveWeb: ((r: Response) => void) | null = null;
  private reject: ((e: unknown) => void) | null = null;
  private readonly settled: Promise<ClientResponse | Response>;

  constructor(host: ExchangeHost, id: number, method: string, web: boolean) {
    this.host = host;
    this.id = id;
    this.method = method;
    this.web = web;
    this.settled = new Promise((resolve, reject) => {
      this.reject = reject;
      if (web) this.resolveWeb = resolve;
      else this.resolveWhole = resolve;
    });
    // Avoid an unhandled rejection when the caller has not awaited yet.
    this.settled.catch(() => {});
  }

  /** The whole response (`request()`). */
  whole(): Promise<ClientResponse> {
    return this.settled as Promise<ClientResponse>;
  }

  /** The Web response, resolved at the head (`fetch()`). */
  webResponse(): Promise<Response> {
    return this.settled as Promise<Response>;
  }

  response(head: ResponseHead, connection: number, reused: boolean, attempts: number): void {
    this.head = head;
    this.connection = connection;
    this.reused = reused;
    this.attempts = attempts;
    if (!this.web) return;
    const noBody = this.method === "HEAD" || NULL_BODY_STATUS.has(head.status);
    const body = noBody
      ? null
      : new ReadableStream<Uint8Array>(
          {
            start: (controller) => {
              this.controller = controller;
            },
            pull: () => {
              if (this.paused) {
                this.paused = false;
                this.host.resumeReading(this.connection);
              }
            },
            cancel: () => {
              this.controller = null;
              this.host.cancel(this.id);
            },
          },
          { highWaterMark: BODY_HIGH_WATER, size: (chunk) => chunk?.byteLength ?? 0 },
        );
    const response = new Response(body, {
      status: head.status < 200 ? 502 : head.status,
      statusText: head.reason,
      headers: fieldPairs(head.fields.raw),
    });
    this.resolveWeb?.(response);
  }

  data(bytes: Uint8Array): void {
    const c = this.controller;
    if (c === null) {
      if (!this.web) this.chunks.push(bytes);
      return;
    }
    c.enqueue(bytes);
    if ((c.desiredSize ?? 1) <= 0 && !this.paused) {
      this.paused = true;
      this.host.pauseReading(this.connection);
    }
  }

  end(trailers: Fields | null): void {
    if (this.paused) this.host.resumeReading(this.connection);
    if (this.web) {
      this.controller?.close();
      this.controller = null;
      return;
    }
    const head = this.head as ResponseHead;
    this.resolveWhole?.({
      status: head.status,
      reason: head.reason,
      version: head.version,
      fields: head.fields,
      body: concatBytes(this.chunks),
      trailers,
      connection: this.connection,
      reused: this.reused,
      attempts: this.attempts,
    });
  }

  fail(error: RequestError): void {
    if (this.paused) this.host.resumeReading(this.connection);
    if (this.controller !== null) {
      this.controller.error(error);
      this.controller = null;
    }
    this.reject?.(error);
  }
}
