/**
 * Server scripts as plain data, and the text helpers that build them.
 *
 * A {@link ServerScript} says what a server does on each connection it
 * accepts: refuse it, follow a list of steps (read a request, write these
 * octets, wait, close, reset, close if idle …), or serve every request
 * automatically with a configurable (mis)behaviour. Scripts hold no
 * functions, so the same scenario can be played by the simulated network
 * and, later, by a raw TCP server.
 */

/** What a request read by a `read` step must look like (all optional). */
export interface RequestMatch {
  readonly method?: string;
  readonly target?: string;
  /** Field values that must be present (a string) or absent (`null`), names case-insensitive. */
  readonly headers?: Readonly<Record<string, string | null>>;
}

/** Automatic answers, each request in order (see `serveResponse`). */
export interface ServeOptions {
  /** The response version. Default "1.1". */
  readonly version?: "1.0" | "1.1";
  /** HTTP/1.0 requests asking for keep-alive get it (echoed). Default true. */
  readonly keepAlive?: boolean;
  /** A `Keep-Alive` field on persistent responses, e.g. `timeout=5, max=100`. */
  readonly keepAliveHeader?: string;
  /** Close after this many responses (the last says `Connection: close`). */
  readonly maxRequests?: number;
  /** Close a connection idle this long (FIN). */
  readonly idleTimeoutMs?: number;
  /** Think time before each response. */
  readonly delayMs?: number;
  /** Chunked response bodies (to HTTP/1.1 requests). */
  readonly chunked?: boolean;
  /** Bodies delimited by closing the connection (RFC 9112 §6.3 item 8). */
  readonly closeDelimited?: boolean;
}

/** One step of a scripted connection. */
export type ServerStep =
  /** Waits for the next complete request and checks it. `switchProtocols`: stop parsing after it. */
  | { readonly read: RequestMatch; readonly switchProtocols?: boolean }
  /** Writes these octets (a latin1 string); with `cut`, only the first `at` of them, then FIN or reset. */
  | {
      readonly write: string;
      readonly cut?: { readonly at: number; readonly kind: "fin" | "reset" };
    }
  /** Waits this many milliseconds. */
  | { readonly wait: number }
  /** Closes the connection (FIN; client bytes arriving later are answered with a reset). */
  | { readonly fin: true }
  /** Resets the connection. */
  | { readonly reset: true }
  /** Closes (FIN) unless a request byte arrives within this many milliseconds. */
  | { readonly idleClose: number }
  /** Serves every request from now on. */
  | { readonly serve: ServeOptions };

/** What a server does with one accepted connection. */
export type ConnectionScript =
  | { readonly refuse: true }
  /** The steps, then `end` (default `hold`: read and ignore, never answer). */
  | { readonly steps: readonly ServerStep[]; readonly end?: "hold" | "fin" | "reset" }
  | { readonly serve: ServeOptions };

/** A server: per accepted connection (in accept order), then `otherwise` (default: serve). */
export interface ServerScript {
  readonly connections?: readonly ConnectionScript[];
  readonly otherwise?: ConnectionScript;
}

/** The script of the `index`-th connection a server accepts. */
export function connectionScript(server: ServerScript, index: number): ConnectionScript {
  return server.connections?.[index] ?? server.otherwise ?? { serve: {} };
}

// --- text helpers ----------------------------------------------------------

/** A string of code points 0–255 as octets. */
export function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Octets as a string of code points 0–255. */
export function fromLatin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  }
  return out;
}

/** A response's parts, for {@link httpResponse}. */
export interface ResponseText {
  readonly status?: number;
  readonly reason?: string;
  readonly version?: "1.0" | "1.1";
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string;
  /** `length` (default): Content-Length; `chunked`; `close`: no framing field. */
  readonly framing?: "length" | "chunked" | "close";
}

/** A whole response as text. */
export function httpResponse(r: ResponseText = {}): string {
  const status = r.status ?? 200;
  const lines = [
    `HTTP/${r.version ?? "1.1"} ${status} ${r.reason ?? (status === 200 ? "OK" : "X")}`,
  ];
  for (const [n, v] of r.headers ?? []) lines.push(`${n}: ${v}`);
  const body = r.body ?? "";
  const framing = r.framing ?? "length";
  if (framing === "length") lines.push(`Content-Length: ${body.length}`);
  if (framing === "chunked") lines.push("Transfer-Encoding: chunked");
  const head = `${lines.join("\r\n")}\r\n\r\n`;
  return framing === "chunked" ? head + chunked([body]) : head + body;
}

/** A chunked body (RFC 9112 §7.1): the chunks, the last chunk, trailers. */
export function chunked(chunks: readonly string[], trailers: readonly string[] = []): string {
  let out = "";
  for (const c of chunks) if (c.length > 0) out += `${c.length.toString(16)}\r\n${c}\r\n`;
  return `${out}0\r\n${trailers.map((t) => `${t}\r\n`).join("")}\r\n`;
}

/**
 * The body the serving server sends for a request: `size` octets (from a
 * `size=N` query parameter, default 24) repeating `METHOD target `, so that
 * every request's body is known and different.
 */
export function bodyFor(method: string, target: string): string {
  const m = /[?&]size=(\d+)/.exec(target);
  const size = m === null ? 24 : Number(m[1]);
  const unit = `${method} ${target} `;
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
