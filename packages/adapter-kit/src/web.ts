/**
 * Between core's messages and the Web-standard `Request`/`Response`
 * (Fetch Standard). Only translation happens here; every HTTP decision —
 * framing, persistence, validity — was made by core.
 */
import { REASON_PHRASES, type RequestHead } from "@tether/core";
import { headersOf, LazyRequest, type SignalSource } from "./lazy-request.ts";

const utf8 = new TextEncoder();

export { requestUrl } from "./lazy-request.ts";

/** Builds a Web `Headers` from field lines (names keep their case in `raw` only). */
export function toHeaders(raw: readonly string[]): Headers {
  return headersOf(raw);
}

/**
 * Field lines as `[name, value]` pairs, for a `Request` or `Response` init:
 * they fill the new object's headers directly, where a `Headers` built
 * first would be built, sorted and copied again.
 */
export function fieldPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

/**
 * Builds the Web `Request` for a request head. `body` is `null` when the
 * request has none; a GET or HEAD body (allowed by HTTP, refused by the
 * Fetch Standard) is not exposed. `signal` may be a function that makes the
 * signal: it is called only if the application reads `request.signal` (or
 * anything else that needs the runtime's own `Request`).
 *
 * The result is a {@link LazyRequest} for the common methods: it answers
 * `method`, `url` and `headers` from the head and builds the native
 * `Request` only when the body, the signal or `clone()` is used.
 */
export function toWebRequest(
  head: RequestHead,
  body: ReadableStream<Uint8Array> | null,
  fallbackHost: string,
  signal?: SignalSource,
): Request {
  return LazyRequest.of(head, fallbackHost, body, signal);
}

/**
 * The reason phrase `response` goes out with: its status text as given, or,
 * for a response made without one (the Fetch Standard's default, ""), the
 * status code's usual phrase, as node:http, Bun.serve and Deno.serve send
 * it. RFC 9112 §4 allows an empty one, but nothing asks for it.
 */
export function reasonOf(response: Response): string {
  return reasonFor(response.status, response.statusText);
}

/** {@link reasonOf} from a status and a status text already read. */
export function reasonFor(status: number, statusText: string): string {
  return statusText || (REASON_PHRASES[status] ?? "");
}

/** A Web `Response` taken apart for core's serializer. */
export interface ResponseParts {
  readonly status: number;
  readonly reason: string;
  /** Flat `[name, value, …]` without Content-Length/Transfer-Encoding (core adds framing). */
  readonly fields: string[];
  /** The Content-Length the handler declared, if any. */
  readonly declaredLength: number | undefined;
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * Takes a Web `Response` apart. Framing fields are removed: core chooses the
 * framing (RFC 9112 §6), keeping a declared Content-Length as the length.
 */
export function fromWebResponse(response: Response): ResponseParts {
  const fields: string[] = [];
  let declaredLength: number | undefined;
  for (const [name, value] of response.headers) {
    if (name === "content-length") {
      const n = Number(value);
      if (Number.isSafeInteger(n) && n >= 0) declaredLength = n;
      continue;
    }
    if (name === "transfer-encoding") continue;
    if (name === "set-cookie") continue; // added one per line below
    fields.push(name, value);
  }
  for (const cookie of response.headers.getSetCookie()) fields.push("set-cookie", cookie);
  return {
    status: response.status,
    reason: reasonOf(response),
    fields,
    declaredLength,
    body: response.body,
  };
}

/** Encodes a string or passes bytes through. */
export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === "string" ? utf8.encode(body) : body;
}

/** Joins byte chunks into one array (the chunk itself when there is one). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
