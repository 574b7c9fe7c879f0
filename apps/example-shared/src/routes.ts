/**
 * The example server's routes, on the low-level exchange (only it shows the
 * request-target, version and field lines exactly as received).
 *
 * | path           | answer                                                   |
 * | -------------- | -------------------------------------------------------- |
 * | `/echo`        | the request as JSON (see {@link EchoBody})               |
 * | `/bytes/N`     | N bytes, byte i = i mod 256, with Content-Length         |
 * | `/chunked/N`   | the same N bytes, streamed (chunked; close-delimited to HTTP/1.0) |
 * | `/delay/MS`    | `ok` after MS milliseconds                               |
 * | `/close`       | `ok` with `Connection: close`                            |
 * | anything else  | `ok`                                                     |
 *
 * A HEAD request gets the head a GET would get (Content-Length included,
 * RFC 9110 §9.3.2) and no body. A malformed N or MS gets 400; CONNECT gets
 * 501, since a 2xx would open a tunnel (RFC 9110 §9.3.6).
 */
import type { RawExchange, RawResponseWriter } from "@tether/adapter-kit";
import type { TargetForm } from "@tether/core";

/** The JSON body of `/echo`. */
export interface EchoBody {
  readonly method: string;
  /** The request-target as received (origin-, absolute- or asterisk-form). */
  readonly target: string;
  readonly version: "1.0" | "1.1";
  /** The field lines as received: names in their case, in order, duplicates kept. */
  readonly headers: readonly (readonly [string, string])[];
  /** The de-framed request body, decoded as UTF-8. */
  readonly body: string;
}

type FieldList = (readonly [string, string])[];

/** Size of the pieces `/bytes/N` and `/chunked/N` are written in. A multiple of 256. */
export const CHUNK_SIZE = 16 * 1024;

/** Byte i is i mod 256; every piece of a patterned body is a prefix of this. */
const PATTERN = new Uint8Array(CHUNK_SIZE).map((_, i) => i & 0xff);

const TEXT = "text/plain; charset=utf-8";
const encoder = new TextEncoder();
// ignoreBOM keeps a leading BOM in the echoed body: it is part of what was sent.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const OK = encoder.encode("ok");

/** `/bytes/N`, `/chunked/N`, `/delay/MS`: at most 15 digits, so N stays a safe integer. */
const NUMBERED = /^\/(bytes|chunked|delay)\/(\d{1,15})$/;

/** Longest `/delay` a timer can wait (2³¹−1 ms). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Answers one exchange. Resolves when the answer has been handed over (for
 * streamed bodies: written); rejects if the connection fails meanwhile.
 */
export async function route(exchange: RawExchange): Promise<void> {
  const head = exchange.head;
  if (head.method === "CONNECT") {
    // RFC 9110 §9.3.6: a 2xx to CONNECT turns the connection into a tunnel,
    // which this server does not offer; 501 keeps it HTTP.
    respond(exchange, 501, [["Content-Type", TEXT]], encoder.encode("CONNECT is not supported"));
    return;
  }
  // Every route reads the request body, so any request may carry one.
  const body = await exchange.body();
  const path = pathOf(head.target, head.targetForm);
  if (path === "/echo") return echo(exchange, body);
  if (path === "/close") {
    respond(
      exchange,
      200,
      [
        ["Content-Type", TEXT],
        ["Connection", "close"],
      ],
      OK,
    );
    return;
  }
  if (path.startsWith("/bytes/") || path.startsWith("/chunked/") || path.startsWith("/delay/")) {
    const match = NUMBERED.exec(path);
    const n = match === null ? Number.NaN : Number(match[2]);
    if (match?.[1] === "bytes") return bytes(exchange, n);
    if (match?.[1] === "chunked") return chunked(exchange, n);
    if (match?.[1] === "delay" && n <= MAX_DELAY_MS) {
      await sleep(n);
      respond(exchange, 200, [["Content-Type", TEXT]], OK);
      return;
    }
    respond(exchange, 400, [["Content-Type", TEXT]], encoder.encode(`bad number in ${path}`));
    return;
  }
  respond(exchange, 200, [["Content-Type", TEXT]], OK);
}

/**
 * The origin-form of a request-target (RFC 9112 §3.2.1: path and query):
 * the origin-form itself, the absolute-form's part after the authority
 * (with `/` for an empty path, §3.2.2), `*` or the authority for the
 * asterisk- and authority-forms.
 */
export function originFormOf(target: string, form: TargetForm): string {
  if (form !== "absolute") return target;
  let start = target.indexOf("//") + 2;
  while (start < target.length && target[start] !== "/" && target[start] !== "?") start++;
  const rest = target.slice(start);
  return rest.startsWith("/") ? rest : `/${rest}`;
}

/** The path of a request-target: its origin-form without the query. */
export function pathOf(target: string, form: TargetForm): string {
  const originForm = originFormOf(target, form);
  const query = originForm.indexOf("?");
  return query === -1 ? originForm : originForm.slice(0, query);
}

function echo(exchange: RawExchange, body: Uint8Array): void {
  const head = exchange.head;
  const raw = head.fields.raw;
  const headers: FieldList = [];
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i] as string, raw[i + 1] as string]);
  const echoed: EchoBody = {
    method: head.method,
    target: head.target,
    version: head.version,
    headers,
    body: decoder.decode(body),
  };
  const json = encoder.encode(JSON.stringify(echoed));
  respond(exchange, 200, [["Content-Type", "application/json"]], json);
}

/** `/bytes/N`: one buffer when it fits a chunk, streamed with a known length otherwise. */
async function bytes(exchange: RawExchange, n: number): Promise<void> {
  const fields: FieldList = [["Content-Type", "application/octet-stream"]];
  if (n <= CHUNK_SIZE || exchange.head.method === "HEAD") {
    respond(exchange, 200, fields, n <= CHUNK_SIZE ? PATTERN.subarray(0, n) : n);
    return;
  }
  fields.push(["Content-Length", String(n)]);
  await writePattern(exchange.stream(200, fields, n), n);
}

/** `/chunked/N`: streamed without a length (chunked to HTTP/1.1, close-delimited to 1.0). */
async function chunked(exchange: RawExchange, n: number): Promise<void> {
  const fields: FieldList = [["Content-Type", "application/octet-stream"]];
  if (exchange.head.method === "HEAD") {
    // A GET's head would have Transfer-Encoding, which a HEAD response may
    // leave out (RFC 9110 §9.3.2 "SHOULD"); no framing field is the safe choice.
    exchange.respond(200, fields);
    return;
  }
  await writePattern(exchange.stream(200, fields, null), n);
}

/** Writes `n` pattern bytes, a chunk at a time, waiting out back-pressure. */
async function writePattern(writer: RawResponseWriter, n: number): Promise<void> {
  for (let sent = 0; sent < n; sent += CHUNK_SIZE) {
    await writer.write(PATTERN.subarray(0, Math.min(CHUNK_SIZE, n - sent)));
  }
  writer.end();
}

/**
 * Answers with a complete body, or — to HEAD — with the same head and no
 * body: Content-Length is always given, since for HEAD it is the only place
 * the length appears (RFC 9110 §9.3.2, §8.6). `body` may be just the
 * length, for a HEAD answer to a body never built.
 */
function respond(
  exchange: RawExchange,
  status: number,
  fields: FieldList,
  body: Uint8Array | number,
): void {
  const length = typeof body === "number" ? body : body.length;
  fields.push(["Content-Length", String(length)]);
  if (exchange.head.method === "HEAD" || typeof body === "number") {
    exchange.respond(status, fields);
  } else {
    exchange.respond(status, fields, body);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
