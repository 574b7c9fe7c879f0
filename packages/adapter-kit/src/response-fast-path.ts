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
import { contentTypeApart } from "./content-type-apart.ts";
import { QuickResponse } from "./quick-response.ts";
import type { ServerExchange } from "./server-exchange.ts";
import { reasonFor } from "./web.ts";

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

/** A Content-Type the runtime keeps beside the inner field list (content-type-apart.ts). */
const typeApart = INNER === null ? () => undefined : contentTypeApart(INNER);

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
  // The body must be untouched: its static content not consumed (Deno), or
  // its stream neither locked nor read from (Node; Deno once the stream was
  // asked for). Deno's `stream` is a getter that turns static content into
  // a stream, so `streamOrStatic` is looked at first; and static content is
  // told first, by a property a stream lacks (`consumed`), because
  // `instanceof` across modules runs V8's generic builtins (see core's
  // message-head.ts).
  const held = "streamOrStatic" in body ? body.streamOrStatic : body.stream;
  if (!isBag(held)) return undefined;
  if (held.consumed !== false) {
    if (!(held instanceof ReadableStream) || held.locked || response.bodyUsed) return undefined;
  }
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
  /** Shared with later responses whose heads are equal (see {@link publicHead}): never changed. */
  readonly fields: readonly (readonly [string, string])[];
  readonly declared: string | null;
}

/**
 * The head of `response`. Framing is core's (RFC 9112 §6): Transfer-Encoding
 * is dropped, Content-Length set aside for the caller to check. `inner`:
 * the runtime's own field list may be read (only once {@link memoryContent}
 * has looked at the body: Deno completes the list then). `statusText`: the
 * response's, when the caller has read it already (each read of it is a
 * native call on Bun).
 */
export function webHead(
  response: Response,
  inner: boolean,
  statusText: string = response.statusText,
): WebHead {
  const status = response.status;
  const reason = reasonFor(status, statusText);
  return (
    (inner ? innerHead(response, status, reason) : null) ?? publicHead(response, status, reason)
  );
}

/**
 * The last head {@link publicHead} read from a `Headers` that tells how many
 * entries it visits (`count`, Bun), when it had no Content-Length,
 * Transfer-Encoding or Set-Cookie; null otherwise.
 */
let lastHead: WebHead | null = null;

/**
 * The head from the `Headers` object: sorted, combined, Set-Cookie apart.
 *
 * Where `Headers` tells how many entries its iteration visits (`count`,
 * Bun: one per name, each Set-Cookie apart), a head equal to the last one
 * read is that head again, shared: same status, same reason, as many
 * entries, and each of the last head's names with the same value. As many
 * entries, every one of those names among them: there is no other, so the
 * sorted, combined list is the same, octet for octet. Comparing costs a
 * `get()` per field where reading costs a callback and a pair per field
 * (about half, measured on Bun 1.4), and the same strings make core's own
 * comparison of repeated fields (outgoing-fields.ts) one pointer each.
 */
function publicHead(response: Response, status: number, reason: string): WebHead {
  const headers = response.headers;
  const count = (headers as { count?: unknown }).count;
  const last = lastHead;
  if (
    last !== null &&
    last.status === status &&
    last.reason === reason &&
    count === last.fields.length &&
    sameValues(headers, last.fields)
  ) {
    return last;
  }
  const fields: [string, string][] = [];
  let declared: string | null = null;
  let cookies = false;
  let framing = false;
  // `forEach` visits the same sorted, combined list as the iterator without
  // an entry array per field (Fetch standard, "iterable<ByteString, ByteString>").
  headers.forEach((value, name) => {
    if (name === "content-length") declared = value;
    else if (name === "set-cookie") cookies = true;
    else if (name !== "transfer-encoding") fields.push([name, value]);
    else framing = true;
  });
  // Set-Cookie lines are never combined (RFC 6265 §3; RFC 9110 §5.3).
  if (cookies) for (const c of headers.getSetCookie()) fields.push(["set-cookie", c]);
  const head: WebHead = { status, reason, fields, declared };
  lastHead =
    typeof count === "number" &&
    count === fields.length &&
    declared === null &&
    !cookies &&
    !framing
      ? head
      : null;
  return head;
}

/** Whether `headers` gives each of `fields`' names its value there. */
function sameValues(headers: Headers, fields: WebHead["fields"]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as readonly [string, string];
    if (headers.get(field[0]) !== field[1]) return false;
  }
  return true;
}

/**
 * The head from the runtime's own field list, when its inner record keeps
 * one as `[name, value]` pairs (Deno): the lines as the handler set them,
 * without building a `Headers` and its sorted iterator. Null otherwise.
 */
function innerHead(response: Response, status: number, reason: string): WebHead | null {
  if (INNER === null) return null;
  const list = ((response as unknown as Bag)[INNER] as Bag | undefined)?.headerList;
  if (!Array.isArray(list)) return null;
  return headFromList(list, status, reason, response, typeApart);
}

/**
 * The head of `response` from its field list `list` (`[name, value]`
 * pairs, Deno's inner record), or null when the list is not such pairs or
 * `apart` cannot tell a Content-Type kept beside it (content-type-apart.ts).
 * A head made of the same things as the last one is that one, shared (see
 * {@link lastInner}). Exported for tests.
 */
export function headFromList(
  list: readonly unknown[],
  status: number,
  reason: string,
  response: Response,
  apart: (response: Response) => string | null | undefined,
): WebHead | null {
  const last = lastInner;
  if (
    last !== null &&
    last.status === status &&
    last.reason === reason &&
    apart === lastApart &&
    sameLines(list, lastInnerLines) &&
    (lastInnerTyped || apart(response) === lastInnerType)
  ) {
    return last;
  }
  const fields: [string, string][] = [];
  let declared: string | null = null;
  let typed = false;
  for (const line of list as unknown[]) {
    if (!Array.isArray(line)) return null;
    const [name, value] = line as unknown[];
    if (typeof name !== "string" || typeof value !== "string") return null;
    const lower = name.toLowerCase();
    if (lower === "content-length") declared = value;
    else if (lower !== "transfer-encoding") fields.push([name, value]);
    if (lower === "content-type") typed = true;
  }
  let type: string | null = null;
  if (!typed) {
    // Deno keeps some responses' Content-Type beside the list (content-type-apart.ts).
    const kept = apart(response);
    if (kept === undefined) return null;
    type = kept;
    if (type !== null) fields.push(["content-type", type]);
  }
  const head: WebHead = { status, reason, fields, declared };
  lastInner = head;
  lastApart = apart;
  lastInnerLines = flatLines(list as (readonly [string, string])[]);
  lastInnerTyped = typed;
  lastInnerType = type;
  return head;
}

// The last head headFromList made, shared with the next response whose head
// is made of the same things: the same status and reason, the same lines in
// the list (`===`: names and values octet for octet, in the same order) and,
// with no Content-Type among them, the same one kept apart. The head is a
// function of exactly these, so it is the head that response would get; a
// handler answering with the same head each time pays no field list, no
// pair per line and no lower-casing per response (Deno).
let lastInner: WebHead | null = null;
/** The lines of {@link lastInner}'s list, flat: `[name, value, …]`. */
let lastInnerLines: string[] = [];
/** Whether that list had a Content-Type line; else the one kept apart (null: none). */
let lastInnerTyped = false;
let lastInnerType: string | null = null;
/** The `apart` {@link lastInner} was made with. */
let lastApart: ((response: Response) => string | null | undefined) | null = null;

/** Whether the field list `list` has exactly the lines `lines` (flat). */
function sameLines(list: readonly unknown[], lines: readonly string[]): boolean {
  if (list.length * 2 !== lines.length) return false;
  for (let i = 0; i < list.length; i++) {
    const line = list[i];
    if (!Array.isArray(line) || line[0] !== lines[2 * i] || line[1] !== lines[2 * i + 1]) {
      return false;
    }
  }
  return true;
}

/** The lines of a field list already checked to hold string pairs, flat. */
function flatLines(list: readonly (readonly [string, string])[]): string[] {
  const out = new Array<string>(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    const line = list[i] as readonly [string, string];
    out[2 * i] = line[0];
    out[2 * i + 1] = line[1];
  }
  return out;
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
    const lines =
      content !== null && !statusHasNoBody(status)
        ? [...fields, ["content-length", String(length)] as const]
        : fields;
    session.respond({ status, reason: head.reason, fields: lines }, now);
    return;
  }
  if (statusHasNoBody(status)) {
    session.respond(head, now);
    return;
  }
  // Head, content and end in one call: one write, one settling. The
  // session reads the options during the call and does not keep them, so one
  // scratch object serves every answer (emptied after: no content is held).
  const options = contentOptions;
  options.bodyLength = length;
  options.body = content ?? EMPTY;
  try {
    session.respond(head, now, options);
  } finally {
    options.body = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);
/** The options of a complete answer, filled in for each (see {@link writeContent}). */
const contentOptions: { bodyLength: number; body: Uint8Array } = { bodyLength: 0, body: EMPTY };
