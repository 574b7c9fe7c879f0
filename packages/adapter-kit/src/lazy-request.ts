/**
 * The Web `Request` a fetch handler receives, built on demand.
 *
 * A runtime's `Request` is costly to construct (on Node 20 a request with a
 * signal costs more than the rest of a small exchange: the signal, a
 * follower signal, listeners and a finalizer), and most handlers only look
 * at the method, the URL and a header or two. A {@link LazyRequest} answers
 * those from the parsed request head; everything else — the body and its
 * readers, `signal`, `clone()`, the rarely used attributes — builds the real
 * `Request` once (it "materializes") and forwards to it from then on.
 *
 * It is `instanceof Request` (its prototype chain runs through
 * `Request.prototype`), and every attribute and method of the runtime's
 * `Request.prototype` works on it. One thing does not: it is no native
 * `Request` internally, so passing it as the *input* of `new Request(input)`
 * or `fetch(input)` fails with a TypeError; pass `request.clone()` (a native
 * `Request`) or copy its parts into an init instead.
 */
import type { RequestHead } from "@tether/core";

/**
 * The abort signal of a request, or what makes it on first use: a
 * function, or an object whose `signal` getter does (the server's
 * exchange: no closure made per request).
 */
export type SignalSource = AbortSignal | (() => AbortSignal) | { readonly signal: AbortSignal };

/** A method whose request builds the native `Request` at once (see {@link methodKind}). */
const NATIVE = 0;
/** A lazy method whose Web `Request` may not carry a body: GET, HEAD (Fetch Standard). */
const BODYLESS = 1;
/** A lazy method whose Web `Request` may carry a body. */
const WITH_BODY = 2;

/**
 * How a method's request is built. Lazy are the methods the Fetch Standard
 * keeps as they are (already upper-case, or not normalized) and allows in a
 * `Request`. Others — lower-case spellings that `Request` would upper-case,
 * and CONNECT/TRACE/TRACK, which it refuses — build the native `Request` at
 * once, so they behave exactly as before. A `switch`, not a `Set`: the
 * method string is compared, not hashed (about 15 ns less per request on Bun).
 */
function methodKind(method: string): typeof NATIVE | typeof BODYLESS | typeof WITH_BODY {
  switch (method) {
    case "GET":
    case "HEAD":
      return BODYLESS;
    case "POST":
    case "PUT":
    case "DELETE":
    case "OPTIONS":
    case "PATCH":
      return WITH_BODY;
    default:
      return NATIVE;
  }
}

/** What a request is made of, before any Web object exists (see {@link LazyRequest.of}). */
export interface RequestParts {
  readonly head: RequestHead;
  /** The host for a URL when the request names none (see {@link requestUrl}). */
  readonly fallbackHost: string;
  /** The body stream, or null (GET and HEAD bodies are not exposed). */
  readonly body: ReadableStream<Uint8Array> | null;
  readonly signal: SignalSource | undefined;
}

/**
 * The URL a request addresses (RFC 9112 §3.3): the absolute-form target as
 * is; otherwise `http://` + Host + origin-form target. Authority-form
 * (CONNECT) and asterisk-form (OPTIONS *) map to the authority's root.
 */
export function requestUrl(head: RequestHead, fallbackHost: string): string {
  switch (head.targetForm) {
    case "absolute":
      return head.target;
    case "authority":
      return `http://${head.target}/`;
    default: {
      const host = head.fields.get("host") || fallbackHost;
      const path = head.targetForm === "asterisk" ? "/" : head.target;
      return `http://${host}${path}`;
    }
  }
}

/**
 * A `Request` built on demand. See the module comment. Its parts are its
 * own fields (no parts object per request), and its URL is made only when
 * read.
 */
export class LazyRequest {
  readonly #head: RequestHead;
  readonly #fallbackHost: string;
  readonly #body: ReadableStream<Uint8Array> | null;
  readonly #signal: SignalSource | undefined;
  #real: Request | null = null;
  #url: string | null = null;
  #headers: Headers | null = null;

  private constructor(
    head: RequestHead,
    fallbackHost: string,
    body: ReadableStream<Uint8Array> | null,
    signal: SignalSource | undefined,
  ) {
    this.#head = head;
    this.#fallbackHost = fallbackHost;
    this.#body = body;
    this.#signal = signal;
  }

  /**
   * The `Request` for these parts (see {@link RequestParts}): a lazy one for
   * the common methods, else the native one, built now (it may throw the
   * runtime's TypeError).
   */
  static of(
    head: RequestHead,
    fallbackHost: string,
    body: ReadableStream<Uint8Array> | null,
    signal: SignalSource | undefined,
  ): Request {
    const kind = methodKind(head.method);
    const own = kind === BODYLESS ? null : body;
    if (kind === NATIVE) {
      return nativeRequest({ head, fallbackHost, body: own, signal }, null);
    }
    return new LazyRequest(head, fallbackHost, own, signal) as unknown as Request;
  }

  /** Whether the native `Request` has been built. */
  static materialized(request: Request): boolean {
    return #real in request && (request as unknown as LazyRequest).#real !== null;
  }

  /** The native `Request`, built on first use. */
  static native(request: LazyRequest): Request {
    let real = request.#real;
    if (real === null) {
      const parts = {
        head: request.#head,
        fallbackHost: request.#fallbackHost,
        body: request.#body,
        signal: request.#signal,
      };
      real = nativeRequest(parts, request.#headers);
      request.#real = real;
    }
    return real;
  }

  get method(): string {
    return this.#head.method;
  }

  /** The URL as the URL Standard serializes it (what `Request#url` gives). */
  get url(): string {
    let url = this.#url;
    if (url === null) {
      url =
        this.#real !== null
          ? this.#real.url
          : new URL(requestUrl(this.#head, this.#fallbackHost)).href;
      this.#url = url;
    }
    return url;
  }

  /** The request's fields; the same object on every read, also once materialized. */
  get headers(): Headers {
    let headers = this.#headers;
    if (headers === null) {
      headers = this.#real !== null ? this.#real.headers : headersOf(this.#head.fields.raw);
      this.#headers = headers;
    }
    return headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real === null && this.#body === null) return null;
    return LazyRequest.native(this).body;
  }

  get bodyUsed(): boolean {
    return this.#real?.bodyUsed ?? false;
  }

  static {
    // Everything else `Request.prototype` has — signal, clone(), the body
    // readers, cache, mode… and whatever a runtime adds — is forwarded to
    // the native request. Read at load time, so a runtime's extras work too.
    const own = new Set(Reflect.ownKeys(LazyRequest.prototype));
    const proto = Request.prototype;
    for (const key of Reflect.ownKeys(proto)) {
      if (own.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(proto, key);
      if (d === undefined) continue;
      if (d.get !== undefined) {
        Object.defineProperty(LazyRequest.prototype, key, {
          configurable: true,
          enumerable: d.enumerable ?? false,
          get(this: LazyRequest) {
            return Reflect.get(LazyRequest.native(this), key);
          },
        });
      } else if (typeof d.value === "function") {
        Object.defineProperty(LazyRequest.prototype, key, {
          configurable: true,
          enumerable: d.enumerable ?? false,
          writable: true,
          value(this: LazyRequest, ...args: unknown[]): unknown {
            const real = LazyRequest.native(this);
            return Reflect.apply(d.value as (...a: unknown[]) => unknown, real, args);
          },
        });
      }
      // Plain data (Symbol.toStringTag) is inherited as it is.
    }
    Object.setPrototypeOf(LazyRequest.prototype, proto);
  }
}

/** A `Headers` holding field lines (a flat `[name, value, …]` list). */
export function headersOf(raw: readonly string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/** The runtime's own `Request` for `parts` (the lazy one's headers, when it made them). */
function nativeRequest(parts: RequestParts, headers: Headers | null): Request {
  const init: RequestInit & { duplex?: "half" } = {
    method: parts.head.method,
    headers: headers ?? headersOf(parts.head.fields.raw),
  };
  const signal = parts.signal;
  if (signal !== undefined) init.signal = signalOf(signal);
  const body = parts.body;
  if (body !== null) {
    init.body = body;
    init.duplex = "half";
  }
  return new Request(requestUrl(parts.head, parts.fallbackHost), init);
}

/** The signal a {@link SignalSource} stands for (made now if it is made on demand). */
function signalOf(source: SignalSource): AbortSignal {
  if (typeof source === "function") return source();
  // An AbortSignal has no `signal` property; a source object has its getter.
  return "signal" in source ? source.signal : source;
}
