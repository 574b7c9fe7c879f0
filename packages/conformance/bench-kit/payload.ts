/**
 * What every server and origin in the benchmarks sends, and the request-head
 * counting of the raw fixed-response servers (the ceilings), which every
 * runtime's raw server shares.
 */

/** The small response body every server and origin in the benchmarks sends. */
export const BODY = "Hello, World!";

/** The whole response a raw fixed-response server writes per request. */
export const RAW_RESPONSE: Uint8Array = new TextEncoder().encode(
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`,
);

const CR = 13;
const LF = 10;

/**
 * Counts request heads in a byte stream: each ends with CR LF CR LF (the
 * benchmark's requests have no body), possibly split across reads. One
 * counter per connection.
 */
export class HeadCounter {
  /** How many bytes of CR LF CR LF the stream ends with. */
  private matched = 0;

  /** The heads completed by `bytes`. */
  feed(bytes: Uint8Array): number {
    let heads = 0;
    let matched = this.matched;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === (matched % 2 === 0 ? CR : LF)) {
        matched++;
        if (matched === 4) {
          heads++;
          matched = 0;
        }
      } else matched = b === CR ? 1 : 0;
    }
    this.matched = matched;
    return heads;
  }
}

/** {@link RAW_RESPONSE} `count` times in one buffer (answers to pipelined heads in one write). */
export function rawResponses(count: number): Uint8Array {
  if (count === 1) return RAW_RESPONSE;
  const out = new Uint8Array(RAW_RESPONSE.length * count);
  for (let i = 0; i < count; i++) out.set(RAW_RESPONSE, i * RAW_RESPONSE.length);
  return out;
}

/** The fixed response's one field. */
export const BODY_FIELDS: [string, string][] = [["content-type", "text/plain"]];

/** The fixed response as a Web `Response`, for servers written against `fetch`. */
export function bodyResponse(): Response {
  return new Response(BODY, { headers: { "content-type": "text/plain" } });
}

/** The part of an exchange a Tether `serve({ handler })` handler uses here. */
export interface Responder {
  respond(status: number, fields: [string, string][], body: string): unknown;
}

/**
 * The options of a Tether adapter's `serve()` for the server kinds
 * `tether-handler` (answers with `respond`) and `tether-fetch` (answers with
 * a `Response`): 127.0.0.1, any port, no per-client connection limit, plus
 * the adapter's `extra` settings.
 */
export function tetherServeOptions<E extends object>(
  kind: "tether-handler" | "tether-fetch",
  extra: E,
) {
  const answer =
    kind === "tether-handler"
      ? {
          handler: (ex: Responder): void => {
            ex.respond(200, BODY_FIELDS, BODY);
          },
        }
      : { fetch: bodyResponse };
  return {
    hostname: "127.0.0.1",
    port: 0,
    maxConnectionsPerClient: 1_000_000,
    ...extra,
    ...answer,
  };
}
