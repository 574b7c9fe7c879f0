/**
 * The Web `Response` that `fetch()` resolves with, built on demand.
 *
 * On Node a `Response` is JavaScript all the way down: constructing one
 * makes a `Headers` (with its WebIDL conversions) and a `ReadableStream`
 * (transferable, so a costly object), and `arrayBuffer()` reads that stream
 * back chunk by chunk. For a small exchange that is more work than the
 * HTTP/1.1 exchange itself. A {@link LazyResponse} answers the status, the
 * headers (a `Headers` made on first read) and the whole-body readers
 * (`arrayBuffer()`, `bytes()`, `text()`, `json()`) straight from the
 * exchange; `body` and everything else — `blob()`, `formData()`, `clone()`,
 * whatever a runtime adds — builds the native `Response` once (it
 * "materializes") and forwards to it from then on.
 *
 * It is `instanceof Response` (its prototype chain runs through
 * `Response.prototype`) and every attribute and method of the runtime's
 * `Response.prototype` works on it. It is no native `Response` inside, so a
 * runtime API that reads a response's internal slots (Bun.serve, Deno.serve)
 * could not send it: the client uses it only on Node, which has none.
 *
 * Streaming stays honest: the whole-body readers wait for the end of the
 * body and reject with the request's typed `RequestError` when the body is
 * cut; `body` streams what has arrived and what follows, with back-pressure.
 */
import { headersOf } from "./lazy-request.ts";

/** Where a response's body comes from: the exchange that receives it. */
export interface ResponseSource {
  /** Resolves with the whole body, rejects with the request's error. Called once at most. */
  wholeBody(): Promise<Uint8Array>;
  /** The body as a stream, from its first octet. Called once at most, never after `wholeBody`. */
  bodyStream(): ReadableStream<Uint8Array>;
  /**
   * The whole body at once when all of it has arrived, or `null` (not yet,
   * or failed: then `wholeBody` answers). A body returned is taken, as by
   * `wholeBody`. Optional: without it every read goes through `wholeBody`.
   */
  completeBody?(): Uint8Array | null;
}

/** What a {@link LazyResponse} is made of. */
export interface ResponseParts {
  readonly status: number;
  readonly statusText: string;
  /** Field lines, a flat `[name, value, …]` list. */
  readonly fields: readonly string[];
  /** The body, or `null` for none (HEAD, a null body status). */
  readonly source: ResponseSource | null;
}

const utf8 = new TextDecoder();

/**
 * The octets of `bytes` as an ArrayBuffer of their own: the buffer itself
 * when `bytes` spans all of it, else a copy. (Not `bytes.slice()`: on a
 * Node or Bun `Buffer` that is a view of the same memory, whose `.buffer`
 * is the whole read the body came in, head and all.)
 */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const b = bytes.buffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === b.byteLength && b instanceof ArrayBuffer) {
    return b;
  }
  // A typed array's copy: cheaper on V8 than ArrayBuffer.prototype.slice.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** `bytes()`: the octets in a buffer of their own. */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(ownBuffer(bytes));
}

/** `text()`: Fetch Standard "UTF-8 decode" (a leading BOM is dropped, errors replaced). */
function utf8Text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** `json()`. */
function jsonValue(bytes: Uint8Array): unknown {
  return JSON.parse(utf8.decode(bytes)) as unknown;
}

/** A `Response` built on demand. See the module comment. */
export class LazyResponse {
  // The parts, held one by one (no parts object per response).
  readonly #status: number;
  readonly #statusText: string;
  readonly #fields: readonly string[];
  readonly #source: ResponseSource | null;
  #real: Response | null = null;
  #headers: Headers | null = null;
  #used = false;

  private constructor(
    status: number,
    statusText: string,
    fields: readonly string[],
    source: ResponseSource | null,
  ) {
    this.#status = status;
    this.#statusText = statusText;
    this.#fields = fields;
    this.#source = source;
  }

  /** A lazy `Response` for `parts`. */
  static of(parts: ResponseParts): Response {
    return LazyResponse.from(parts.status, parts.statusText, parts.fields, parts.source);
  }

  /** A lazy `Response` for these parts (as {@link ResponseParts}), without a parts object. */
  static from(
    status: number,
    statusText: string,
    fields: readonly string[],
    source: ResponseSource | null,
  ): Response {
    return new LazyResponse(status, statusText, fields, source) as unknown as Response;
  }

  /** The native `Response`, built on first use. */
  static native(response: LazyResponse): Response {
    let real = response.#real;
    if (real !== null) return real;
    const source = response.#source;
    const init = {
      status: response.#status,
      statusText: response.#statusText,
      headers: response.headers,
    };
    if (source === null) real = new Response(null, init);
    else if (response.#used) {
      // Already read whole: the native one is as disturbed as this one.
      real = new Response(new Uint8Array(0), init);
      void real.arrayBuffer();
    } else real = new Response(source.bodyStream(), init);
    response.#real = real;
    return real;
  }

  get status(): number {
    return this.#status;
  }

  get statusText(): string {
    return this.#statusText;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299;
  }

  get type(): "default" {
    return "default";
  }

  get url(): string {
    return "";
  }

  get redirected(): boolean {
    return false;
  }

  /** The response's fields; the same object on every read, also once materialized. */
  get headers(): Headers {
    let headers = this.#headers;
    if (headers === null) {
      headers = headersOf(this.#fields);
      this.#headers = headers;
    }
    return headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real === null && this.#source === null) return null;
    return LazyResponse.native(this).body;
  }

  get bodyUsed(): boolean {
    return this.#real !== null ? this.#real.bodyUsed : this.#used;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real !== null) return this.#real.arrayBuffer();
    return this.#read(ownBuffer);
  }

  bytes(): Promise<Uint8Array> {
    if (this.#real !== null)
      return (this.#real as Response & { bytes(): Promise<Uint8Array> }).bytes();
    return this.#read(ownBytes);
  }

  text(): Promise<string> {
    if (this.#real !== null) return this.#real.text();
    return this.#read(utf8Text);
  }

  json(): Promise<unknown> {
    if (this.#real !== null) return this.#real.json();
    return this.#read(jsonValue);
  }

  /**
   * The body read whole once (Fetch Standard "consume body"), converted by
   * `convert`: at once when it has all arrived, else when it does. A
   * conversion that throws rejects.
   */
  #read<T>(convert: (body: Uint8Array) => T): Promise<T> {
    if (!this.#used) {
      const source = this.#source;
      const body = source === null ? new Uint8Array(0) : (source.completeBody?.() ?? null);
      if (body !== null) {
        this.#used = true;
        try {
          return Promise.resolve(convert(body));
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
    return this.#whole().then(convert);
  }

  /** The body, read whole once (Fetch Standard "consume body"). */
  #whole(): Promise<Uint8Array> {
    if (this.#used) {
      return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    }
    this.#used = true;
    const source = this.#source;
    return source === null ? Promise.resolve(new Uint8Array(0)) : source.wholeBody();
  }

  static {
    // Everything else `Response.prototype` has — blob(), formData(),
    // clone(), and whatever a runtime adds — is forwarded to the native
    // response. Read at load time, so a runtime's extras work too.
    const own = new Set(Reflect.ownKeys(LazyResponse.prototype));
    const proto = Response.prototype;
    for (const key of Reflect.ownKeys(proto)) {
      if (own.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(proto, key);
      if (d === undefined) continue;
      if (d.get !== undefined) {
        Object.defineProperty(LazyResponse.prototype, key, {
          configurable: true,
          enumerable: d.enumerable ?? false,
          get(this: LazyResponse) {
            return Reflect.get(LazyResponse.native(this), key);
          },
        });
      } else if (typeof d.value === "function") {
        const method = d.value as (...a: unknown[]) => unknown;
        Object.defineProperty(LazyResponse.prototype, key, {
          configurable: true,
          enumerable: d.enumerable ?? false,
          writable: true,
          value(this: LazyResponse, ...args: unknown[]): unknown {
            return Reflect.apply(method, LazyResponse.native(this), args);
          },
        });
      }
      // Plain data (Symbol.toStringTag) is inherited as it is.
    }
    Object.setPrototypeOf(LazyResponse.prototype, proto);
  }
}
