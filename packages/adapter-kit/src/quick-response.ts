/**
 * An opt-in `Response` for handlers that answer with strings or bytes.
 *
 * A runtime's `Response` makes a `ReadableStream` for every string or
 * bytes body as it is constructed; on Node 20 that stream costs more than
 * a whole small exchange through `serve({ handler })`. A
 * {@link QuickResponse} keeps the content as it was given and makes the
 * stream only when something asks for the body (`body`, `text()`,
 * `clone()` after a read…); a Tether server that receives one unread writes
 * the content directly. It is a real `Response` (a subclass): status,
 * headers and every method behave as the runtime's, and other bodies
 * (streams, Blobs, FormData, null) are handled by the runtime as usual.
 *
 * Use it explicitly (`return new QuickResponse("hi")`), or, for code that
 * says `new Response(…)`, opt in process-wide with
 * {@link installQuickResponse}. Nothing changes unless one of the two is
 * used.
 *
 * Give it only to Tether servers and to JavaScript code. Its content lives
 * outside the runtime's internal body, so a consumer that reads that body
 * natively instead of through `body`/`text()` — `Bun.serve`, `Deno.serve`,
 * the Cache API — sees an empty body (on Node nothing does).
 */

/** The runtime's own `Response`, whatever the global says later. */
const NativeResponse: typeof Response = globalThis.Response;

/** Statuses whose response cannot have a body (Fetch Standard: null body status). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The members a quick response serves from the native response it makes on
 * demand (`clone` makes a quick copy instead while the body is unread).
 */
const BODY_MEMBERS = new Set<PropertyKey>([
  "clone",
  "body",
  "bodyUsed",
  "arrayBuffer",
  "blob",
  "bytes",
  "formData",
  "json",
  "text",
  "textStream",
]);

type Content = string | Uint8Array;

/**
 * Set to `true` on {@link QuickResponse}'s prototype, so that
 * {@link QuickResponse.contentOf} tells every other response apart with a
 * property read: the private-field check (`#content in response`) on an
 * object without the field runs V8's generic lookup, about 420
 * instructions per native Deno `Response` (callgrind), where the read of
 * a property it does not have costs a few.
 */
const QUICK = Symbol("QuickResponse");

/** What `new Response()` takes as a body. */
type Body = ConstructorParameters<typeof Response>[0];

/** A private copy of a buffer source (the Fetch Standard copies the bytes), or undefined. */
function bytesOf(body: unknown): Uint8Array | undefined {
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice();
  }
  return undefined;
}

/** A `Response` whose string or bytes content makes no stream until read. See the module comment. */
export class QuickResponse extends NativeResponse {
  /** The content while it is kept as given; undefined for a body the runtime handles. */
  #content: Content | undefined;
  /** The runtime's response with the same content, made when the body is asked for. */
  #full: Response | null = null;

  constructor(body?: Body, init?: ResponseInit) {
    const content = typeof body === "string" ? body : bytesOf(body);
    if (content === undefined) {
      super(body, init);
      this.#content = undefined;
      return;
    }
    super(null, init);
    if (NULL_BODY_STATUSES.has(this.status)) {
      throw new TypeError(`Response with status ${this.status} cannot have a body`);
    }
    // Fetch Standard, "extract a body": a string is text/plain;charset=UTF-8
    // unless the init says otherwise.
    if (typeof content === "string" && !this.headers.has("content-type")) {
      this.headers.set("content-type", "text/plain;charset=UTF-8");
    }
    this.#content = content;
  }

  /**
   * The content of `response` if it is a quick response whose body was
   * never asked for; undefined otherwise.
   */
  static contentOf(response: Response): Content | undefined {
    if ((response as unknown as Record<symbol, unknown>)[QUICK] !== true) return undefined;
    // (An object made from the prototype alone has the mark but not the field.)
    if (!(#content in response)) return undefined;
    const quick = response as QuickResponse;
    return quick.#full === null ? quick.#content : undefined;
  }

  /**
   * True for every `Response`, native ones included, so that
   * `x instanceof Response` keeps working for responses made elsewhere
   * (`fetch()`, `Response.json()`) once this class is the global.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }

  /** A copy that is quick too, while the body was never asked for; else the runtime's clone. */
  #clone(): Response {
    const content = this.#content as Content;
    if (this.#full !== null) return this.#full.clone();
    const copy = typeof content === "string" ? content : content.slice();
    return new QuickResponse(copy, {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }

  /** The runtime's response with this content, status and headers. */
  #native(): Response {
    let full = this.#full;
    if (full === null) {
      full = new NativeResponse(this.#content as Body, {
        status: this.status,
        statusText: this.statusText,
        headers: this.headers,
      });
      this.#full = full;
    }
    return full;
  }

  static {
    Object.defineProperty(QuickResponse.prototype, QUICK, { value: true });
    // Each body member goes to the runtime's own implementation: on this
    // object for a body the runtime handles, else on the response made on
    // demand. Read at load time, so a runtime's extras are covered too.
    const proto = NativeResponse.prototype;
    for (const key of Reflect.ownKeys(proto)) {
      if (!BODY_MEMBERS.has(key)) continue;
      const d = Reflect.getOwnPropertyDescriptor(proto, key);
      if (d === undefined) continue;
      const target = (self: QuickResponse): object =>
        self.#content === undefined ? self : self.#native();
      if (d.get !== undefined) {
        const get = d.get;
        Object.defineProperty(QuickResponse.prototype, key, {
          configurable: true,
          enumerable: d.enumerable ?? false,
          get(this: QuickResponse) {
            if (key === "bodyUsed" && this.#content !== undefined && this.#full === null) {
              return false;
            }
            return Reflect.apply(get, target(this), []);
          },
        });
      } else if (typeof d.value === "function") {
        const method = d.value as (...args: unknown[]) => unknown;
        Object.defineProperty(QuickResponse.prototype, key, {
          configurable: true,
          enumerable: d.enumerable ?? false,
          writable: true,
          value(this: QuickResponse, ...args: unknown[]): unknown {
            if (key === "clone" && this.#content !== undefined) return this.#clone();
            return Reflect.apply(method, target(this), args);
          },
        });
      }
    }
  }
}

/**
 * Opt-in, process-wide: makes {@link QuickResponse} the global `Response`,
 * so that handlers written with `new Response("…")` get its cheaper
 * construction (on Node 20 it saves about 10 µs per response). Every
 * `Response` made before or elsewhere still passes `instanceof Response`.
 * It changes a global for the whole process, other libraries included:
 * call it only in an application whose responses all go to Tether servers
 * or JavaScript code — on Bun and Deno, a `Bun.serve`/`Deno.serve` in the
 * same process would send empty bodies (see {@link QuickResponse}).
 * Returns a function that puts the runtime's `Response` back.
 */
export function installQuickResponse(): () => void {
  const g = globalThis as { Response: typeof Response };
  const before = g.Response;
  g.Response = QuickResponse;
  return () => {
    if (g.Response === QuickResponse) g.Response = before;
  };
}
