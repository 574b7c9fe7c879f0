/**
 * Writing an answer through a core {@link ServerSession}: a complete body,
 * a body streamed by the handler, or a Web `Response`. Core picks the
 * framing from the length given (RFC 9112 §6): a known length becomes
 * Content-Length, an unknown one chunked (or close-delimited for HTTP/1.0).
 */
import type { ServerSession } from "@tether/core";
import type { RawResponseWriter } from "./api.ts";
import type { ServerExchange } from "./server-exchange.ts";
import { fromWebResponse, toBytes } from "./web.ts";

/** Field lines as the handler gives them. */
export type FieldInit = Iterable<readonly [string, string]>;

/** Statuses whose responses never carry content (RFC 9110 §15.2, §15.3.5, §15.4.5). */
function statusHasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** Whether the answer to this exchange may carry content at all (RFC 9112 §6.3 item 1). */
function mayHaveBody(ex: ServerExchange, status: number): boolean {
  return ex.head.method !== "HEAD" && !statusHasNoBody(status);
}

function pairs(fields: FieldInit | undefined): [string, string][] {
  const out: [string, string][] = [];
  if (fields !== undefined) for (const [n, v] of fields) out.push([n, v]);
  return out;
}

/** A complete answer: head, body, end. A HEAD answer keeps the body's Content-Length. */
export function writeComplete(
  ex: ServerExchange,
  session: ServerSession,
  status: number,
  fields: FieldInit | undefined,
  body: Uint8Array | undefined,
): void {
  const lines = pairs(fields);
  const length = body?.length ?? 0;
  if (ex.head.method === "HEAD" && body !== undefined) {
    lines.push(["content-length", String(length)]);
  }
  const withBody = mayHaveBody(ex, status);
  session.respond({ status, fields: lines }, ex.now(), withBody ? { bodyLength: length } : {});
  if (session.sendingBody) {
    if (length > 0) session.sendData(body as Uint8Array, ex.now());
    session.sendEnd(ex.now());
  }
}

/** Sends one chunk and waits while the socket is full (back-pressure). */
async function send(ex: ServerExchange, session: ServerSession, chunk: Uint8Array): Promise<void> {
  if (chunk.length === 0) return;
  session.sendData(chunk, ex.now());
  await ex.writable();
}

/** The low-level streamed answer: chunks are queued by the handler and written in order. */
export class StreamWriter implements RawResponseWriter {
  private readonly ex: ServerExchange;
  private queue: Uint8Array[] = [];
  private ended = false;
  private trailers: FieldInit | undefined;
  private wake: (() => void) | null = null;
  private flushed: (() => void)[] = [];

  constructor(ex: ServerExchange) {
    this.ex = ex;
  }

  write(chunk: Uint8Array | string): Promise<void> {
    if (this.ended || this.ex.settled) return Promise.resolve();
    this.queue.push(toBytes(chunk));
    this.wake?.();
    return new Promise((resolve) => this.flushed.push(resolve));
  }

  end(trailers?: FieldInit): void {
    if (this.ended) return;
    this.ended = true;
    this.trailers = trailers;
    this.wake?.();
  }

  /** Runs when this exchange's turn comes: head, then the chunks as they are written. */
  async start(
    session: ServerSession,
    status: number,
    fields: FieldInit | undefined,
    bodyLength: number | null | undefined,
  ): Promise<void> {
    const withBody = mayHaveBody(this.ex, status);
    session.respond(
      { status, fields: pairs(fields) },
      this.ex.now(),
      withBody ? { bodyLength: bodyLength ?? null } : {},
    );
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk !== undefined) {
          if (session.sendingBody) await send(this.ex, session, chunk);
          continue;
        }
        for (const f of this.flushed.splice(0)) f();
        if (this.ended) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
      }
      if (session.sendingBody) {
        const trailers = this.trailers === undefined ? undefined : pairs(this.trailers);
        session.sendEnd(this.ex.now(), trailers);
      }
    } finally {
      for (const f of this.flushed.splice(0)) f();
    }
  }
}

const TICK: unique symbol = Symbol("tick");

/** Resolves after pending microtasks and one macrotask turn. */
function tick(): Promise<typeof TICK> {
  return new Promise((resolve) => setTimeout(() => resolve(TICK), 0));
}

/** A Web `Response`: a body known to be complete gets a Content-Length, others are streamed. */
export async function writeWeb(
  ex: ServerExchange,
  session: ServerSession,
  response: Response,
): Promise<void> {
  const parts = fromWebResponse(response);
  const head = { status: parts.status, reason: parts.reason, fields: pairsOfRaw(parts.fields) };
  if (!mayHaveBody(ex, parts.status)) {
    if (parts.body !== null) void parts.body.cancel().catch(() => {});
    if (ex.head.method === "HEAD" && parts.declaredLength !== undefined) {
      head.fields.push(["content-length", String(parts.declaredLength)]);
    }
    session.respond(head, ex.now());
    return;
  }
  if (parts.body === null) {
    session.respond(head, ex.now(), { bodyLength: 0 });
    if (session.sendingBody) session.sendEnd(ex.now());
    return;
  }
  const reader = parts.body.getReader();
  try {
    let pending: ReturnType<typeof reader.read> | null = null;
    let first: Uint8Array | null = null;
    let bodyLength: number | null | undefined = parts.declaredLength;
    if (bodyLength === undefined) {
      const r = await reader.read();
      if (r.done) bodyLength = 0;
      else {
        first = r.value;
        // One more read, raced against a turn of the event loop: a body made
        // from a string or buffer ends at once and gets a Content-Length; a
        // live stream is not held back waiting for its second chunk.
        const next = reader.read();
        const quick = await Promise.race([next, tick()]);
        if (quick !== TICK && quick.done) bodyLength = first.length;
        else {
          bodyLength = null;
          pending = quick === TICK ? next : Promise.resolve(quick);
        }
      }
    }
    session.respond(head, ex.now(), { bodyLength });
    if (first !== null) await send(ex, session, first);
    for (;;) {
      const r = pending !== null ? await pending : await reader.read();
      pending = null;
      if (r.done) break;
      await send(ex, session, r.value);
    }
    if (session.sendingBody) session.sendEnd(ex.now());
  } finally {
    reader.releaseLock();
  }
}

function pairsOfRaw(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}
