/**
 * Writing a Web `Response` whose content is already in memory (a string or
 * bytes given to `new Response(…)`, `Response.json(…)`) at once, in the
 * same turn as the handler returned it: head and body in one write, no
 * stream read, no promise. Anything else — a stream, a Blob, a runtime whose
 * `Response` keeps its content out of reach — goes the general way
 * (`writeWeb`, which reads the body stream).
 *
 * The Fetch Standard gives no way to see a response's content without
 * reading its stream, and on Node 20 reading that stream costs more than
 * the rest of a small exchange. Node's and Deno's `Response` keep the
 * object the body was made from (the Fetch Standard's "body source") in an
 * inner record held under a symbol; this module finds that symbol once,
 * with a probe, and uses the source only when the body is provably
 * untouched: not used, not locked, still backed by that source. A runtime
 * without such a record (Bun), or one whose record changes shape, simply
 * never takes the fast path.
 */
import type { ServerSession } from "@tether/core";
import { QuickResponse } from "./quick-response.ts";
import type { ServerExchange } from "./server-exchange.ts";

const utf8 = new TextEncoder();

type Bag = Record<PropertyKey, unknown>;

function isBag(v: unknown): v is Bag {
  return typeof v === "object" && v !== null;
}

/**
 * The own symbol under which this runtime's `Response` keeps its inner
 * record `{ body: { source, … }, … }`, or null. Found by making a probe
 * response and looking for its content.
 */
function findInnerKey(): symbol | null {
  try {
    const probe = new Response("probe", { headers: { "x-probe": "1" } });
    for (const key of Object.getOwnPropertySymbols(probe)) {
      const inner = (probe as unknown as Bag)[key];
      if (isBag(inner) && isBag(inner.body) && inner.body.source === "probe") return key;
    }
  } catch {
    // No usable Response here: never fast.
  }
  return null;
}

const INNER: symbol | null = findInnerKey();

/** Whether this runtime's responses can be read without their stream. */
export const FAST_RESPONSES_AVAILABLE: boolean = INNER !== null;

/** Strings up to this length are remembered with their encoding (see {@link encoded}). */
const REMEMBERED_LENGTH = 1024;
let lastText = "";
let lastBytes: Uint8Array = new Uint8Array(0);

/**
 * `text` as UTF-8. The last short string encoded is remembered: a handler
 * answering with the same text each time (a constant body) pays for its
 * encoding once. The bytes are shared, which is safe: nothing writes to
 * content once it is handed to the session.
 */
function encoded(text: string): Uint8Array {
  if (text === lastText) return lastBytes;
  const bytes = utf8.encode(text);
  if (text.length <= REMEMBERED_LENGTH) {
    lastText = text;
    lastBytes = bytes;
  }
  return bytes;
}

/** The inner body record of a response, after making sure the body exists there. */
function innerBody(response: Response): Bag | null | undefined {
  const inner = (response as unknown as Bag)[INNER as symbol];
  if (!isBag(inner)) return undefined;
  let body = inner.body;
  if (body === null || body === undefined) {
    // No body, or one the runtime keeps elsewhere until the stream is
    // asked for (Deno's static bodies): asking tells the two apart.
    if (response.body === null) return null;
    body = inner.body;
  }
  return isBag(body) ? body : undefined;
}

/**
 * The content of a response when it is in memory and untouched: its bytes,
 * `null` for no body, `undefined` when it must be read as a stream. A
 * {@link QuickResponse} gives its content on every runtime; other responses
 * are looked into only when `peek` (and the runtime allows it).
 */
export function memoryContent(
  response: Response,
  peek = FAST_RESPONSES_AVAILABLE,
): Uint8Array | null | undefined {
  const quick = QuickResponse.contentOf(response);
  if (quick !== undefined) return typeof quick === "string" ? encoded(quick) : quick;
  if (!peek || INNER === null) return undefined;
  const body = innerBody(response);
  if (body === null || body === undefined) return body;
  // The body must be untouched: its stream neither locked nor read from
  // (Node; Deno once the stream was asked for), or its static content not
  // consumed (Deno). Deno's `stream` is a getter that turns static content
  // into a stream, so `streamOrStatic` is looked at first.
  const held = "streamOrStatic" in body ? body.streamOrStatic : body.stream;
  if (held instanceof ReadableStream) {
    if (held.locked || response.bodyUsed) return undefined;
  } else if (!isBag(held) || held.consumed !== false) return undefined;
  const source = body.source;
  if (typeof source === "string") return encoded(source);
  if (source instanceof Uint8Array) return source;
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  return undefined;
}

/** Statuses whose responses never carry content (RFC 9110 §15.2, §15.3.5, §15.4.5). */
export function statusHasNoBody(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** A response's head as core takes it, and the Content-Length its handler declared. */
export interface WebHead {
  readonly status: number;
  readonly reason: string;
  readonly fields: [string, string][];
  readonly declared: string | null;
}

/**
 * The head of `response`. Framing is core's (RFC 9112 §6): Transfer-Encoding
 * is dropped, Content-Length set aside for the caller to check. `inner`:
 * the runtime's own field list may be read (only once {@link memoryContent}
 * has looked at the body: Deno completes the list then).
 */
export function webHead(response: Response, inner: boolean): WebHead {
  const head = { status: response.status, reason: response.statusText, declared: null };
  return (inner ? innerHead(response, head) : null) ?? publicHead(response, head);
}

type HeadStart = Omit<WebHead, "fields">;

/** The head from the `Headers` object: sorted, combined, Set-Cookie apart. */
function publicHead(response: Response, start: HeadStart): WebHead {
  const fields: [string, string][] = [];
  let declared: string | null = null;
  let cookies = false;
  // `forEach` visits the same sorted, combined list as the iterator without
  // an entry array per field (Fetch standard, "iterable<ByteString, ByteString>").
  response.headers.forEach((value, name) => {
    if (name === "content-length") declared = value;
    else if (name === "set-cookie") cookies = true;
    else if (name !== "transfer-encoding") fields.push([name, value]);
  });
  // Set-Cookie lines are never combined (RFC 6265 §3; RFC 9110 §5.3).
  if (cookies) for (const c of response.headers.getSetCookie()) fields.push(["set-cookie", c]);
  return { ...start, fields, declared };
}

/**
 * The head from the runtime's own field list, when its inner record keeps
 * one as `[name, value]` pairs (Deno): the lines as the handler set them,
 * without building a `Headers` and its sorted iterator. Null otherwise.
 */
function innerHead(response: Response, start: HeadStart): WebHead | null {
  if (INNER === null) return null;
  const list = ((response as unknown as Bag)[INNER] as Bag | undefined)?.headerList;
  if (!Array.isArray(list)) return null;
  const fields: [string, string][] = [];
  let declared: string | null = null;
  for (const line of list as unknown[]) {
    if (!Array.isArray(line)) return null;
    const [name, value] = line as unknown[];
    if (typeof name !== "string" || typeof value !== "string") return null;
    const lower = name.toLowerCase();
    if (lower === "content-length") declared = value;
    else if (lower !== "transfer-encoding") fields.push([name, value]);
  }
  return { ...start, fields, declared };
}

/** Writes a complete answer: head, content (`null`: no body), end, in one go. */
export function writeContent(
  ex: ServerExchange,
  session: ServerSession,
  head: WebHead,
  content: Uint8Array | null,
): void {
  const { status, fields } = head;
  const length = content === null ? 0 : content.length;
  const now = ex.now();
  if (ex.head.method === "HEAD") {
    // RFC 9110 §9.3.2: the head a GET would get, with the content's length.
    if (content !== null && !statusHasNoBody(status)) {
      fields.push(["content-length", String(length)]);
    }
    session.respond(head, now);
    return;
  }
  if (statusHasNoBody(status)) {
    session.respond(head, now);
    return;
  }
  // Head, content and end in one call: one write, one settling.
  session.respond(head, now, { bodyLength: length, body: content ?? EMPTY });
}

const EMPTY = new Uint8Array(0);

/**
 * Writes `response` now if its content is in memory; false (nothing done)
 * when it must go another way. A declared Content-Length that does not
 * match the content also goes the general way, which treats it as before.
 */
export function writeWebNow(
  ex: ServerExchange,
  session: ServerSession,
  response: Response,
  peek = FAST_RESPONSES_AVAILABLE,
): boolean {
  const content = memoryContent(response, peek);
  if (content === undefined) return false;
  const head = webHead(response, true);
  if (head.declared !== null && content !== null && Number(head.declared) !== content.length) {
    return false;
  }
  writeContent(ex, session, head, content);
  return true;
}
