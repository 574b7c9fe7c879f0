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

const utf8 = new TextEncoder();

/** Size of one slab for short text bodies (see {@link encodeText}). */
const TEXT_SLAB_SIZE = 8192;
let textSlab = new Uint8Array(TEXT_SLAB_SIZE);
let textSlabOffset = 0;

/**
 * A handler's text body as UTF-8. A short ASCII text (the common small
 * answer) is copied in a loop: `TextEncoder.encode` costs about half a
 * microsecond per call on Node 20 whatever the length, several times the copy.
 * It is copied into a shared slab, the way core carves response heads
 * (latin1-encode.ts): a view of a slab is one object, where a Uint8Array
 * of its own is three (view, ArrayBuffer, backing store). A slab region is
 * handed out once and never written again, so the view is safe to keep and
 * to write out later.
 */
export function encodeText(text: string): Uint8Array {
  // A handler answering with the same text each time (a constant body) has
  // it encoded once: the last short text is remembered with its octets,
  // which are shared safely since nothing writes to handed-out regions.
  if (text === lastText) return lastBytes;
  const n = text.length;
  if (n > 64) return utf8.encode(text);
  if (textSlabOffset + n > TEXT_SLAB_SIZE) {
    textSlab = new Uint8Array(TEXT_SLAB_SIZE);
    textSlabOffset = 0;
  }
  const slab = textSlab;
  const start = textSlabOffset;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Non-ASCII: nothing was handed out, the octets written are overwritten later.
    if (c > 0x7f) return utf8.encode(text);
    slab[start + i] = c;
  }
  textSlabOffset = start + n;
  const bytes = slab.subarray(start, start + n);
  lastText = text;
  lastBytes = bytes;
  return bytes;
}

/** The last short ASCII text {@link encodeText} encoded, and its octets. */
let lastText = "";
let lastBytes: Uint8Array = new Uint8Array(0);

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
  const length = body?.length ?? 0;
  // Core copies the fields as it validates them: pass the handler's own.
  let lines: FieldInit = fields ?? NO_FIELDS;
  if (ex.head.method === "HEAD" && body !== undefined) {
    const withLength = pairs(fields);
    withLength.push(["content-length", String(length)]);
    lines = withLength;
  }
  // Head, body and end in one session call: one write, one settling. The
  // session reads the head and options during the call and keeps neither,
  // so one scratch pair serves every answer (emptied after, so that no
  // handler's fields or body are held on to).
  const head = completeHead;
  head.status = status;
  head.fields = lines;
  try {
    if (mayHaveBody(ex, status)) {
      const options = completeOptions;
      options.bodyLength = length;
      options.body = body ?? EMPTY;
      try {
        session.respond(head, ex.now(), options);
      } finally {
        options.body = EMPTY;
      }
    } else session.respond(head, ex.now(), NO_BODY);
  } finally {
    head.fields = NO_FIELDS;
  }
}

const EMPTY = new Uint8Array(0);
const NO_BODY = Object.freeze({});
/** The field lines of an answer given none (shared: core only reads them). */
const NO_FIELDS: FieldInit = Object.freeze([]);
/** The head of a complete answer, filled in for each (see {@link writeComplete}). */
const completeHead: { status: number; fields: FieldInit } = { status: 200, fields: NO_FIELDS };
/** The options of a complete answer with content, filled in for each. */
const completeOptions: { bodyLength: number; body: Uint8Array } = { bodyLength: 0, body: EMPTY };

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

/**
 * Resolves after a few microtask turns. A body made from a string, bytes,
 * a Blob or JSON reports its end within one turn on Node 20 (measured), so
 * most answers are settled here without a timer per response (a timer
 * costs an allocation, and an event-loop wake-up of its own when it fires).
 */
async function microtasks(): Promise<typeof TICK> {
  for (let i = 0; i < 4; i++) await null;
  return TICK;
}

/** A body's length when it can be known without waiting: a declared one, or a body that ends at once. */
interface Probe {
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Octets when known (Content-Length), `null` for a live stream (chunked). */
  readonly length: number | null;
  /** Chunks already read, to send first. */
  readonly first: Uint8Array | null;
  /** A read already under way (raced against a tick), to await before reading on. */
  readonly pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]> | null;
}

/**
 * Reads just enough of a body to learn its length: one chunk, then a second
 * read raced against a few microtask turns, then against a turn of the event
 * loop. A body made from a string or buffer ends at once and gets a
 * Content-Length; a live stream is not held back waiting for its second chunk.
 */
async function probe(
  body: ReadableStream<Uint8Array>,
  declared: number | undefined,
): Promise<Probe> {
  const reader = body.getReader();
  if (declared !== undefined) return { reader, length: declared, first: null, pending: null };
  const r = await reader.read();
  if (r.done) return { reader, length: 0, first: null, pending: null };
  const next = reader.read();
  let quick = await Promise.race([next, microtasks()]);
  if (quick === TICK) quick = await Promise.race([next, tick()]);
  if (quick !== TICK && quick.done)
    return { reader, length: r.value.length, first: r.value, pending: null };
  return {
    reader,
    length: null,
    first: r.value,
    pending: quick === TICK ? next : Promise.resolve(quick),
  };
}

/** A Web `Response`: a body known to be complete gets a Content-Length, others are streamed. */
export async function writeWeb(
  ex: ServerExchange,
  session: ServerSession,
  response: Response,
): Promise<void> {
  const parts = fromWebResponse(response);
  const head = { status: parts.status, reason: parts.reason, fields: pairsOfRaw(parts.fields) };
  if (parts.body === null) {
    if (!mayHaveBody(ex, parts.status)) session.respond(head, ex.now());
    else {
      session.respond(head, ex.now(), { bodyLength: 0 });
      if (session.sendingBody) session.sendEnd(ex.now());
    }
    return;
  }
  if (statusHasNoBody(parts.status)) {
    void parts.body.cancel().catch(() => {});
    session.respond(head, ex.now());
    return;
  }
  const p = await probe(parts.body, parts.declaredLength);
  let done = false;
  try {
    if (ex.head.method === "HEAD") {
      // RFC 9110 §9.3.2: the head a GET would get, Content-Length included
      // when it is known without generating the rest of the content.
      if (p.length !== null) head.fields.push(["content-length", String(p.length)]);
      session.respond(head, ex.now());
      return;
    }
    session.respond(head, ex.now(), { bodyLength: p.length });
    if (p.first !== null) await send(ex, session, p.first);
    let pending = p.pending;
    for (;;) {
      const r = pending !== null ? await pending : await p.reader.read();
      pending = null;
      if (r.done) break;
      await send(ex, session, r.value);
    }
    done = true;
    if (session.sendingBody) session.sendEnd(ex.now());
  } finally {
    // A body read to its end needs nothing more (releasing the lock costs a
    // thrown-and-caught TypeError on some runtimes); an unfinished one
    // (HEAD, or a failure) is cancelled so its source can stop.
    if (!done) void p.reader.cancel().catch(() => {});
  }
}

function pairsOfRaw(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}
