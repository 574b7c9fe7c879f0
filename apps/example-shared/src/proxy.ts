/**
 * `proxy`: a reverse proxy — our server in front, our pooled client
 * (persistent connections to the upstream) behind.
 *
 * Each request is read whole, stripped of hop-by-hop fields (RFC 9110
 * §7.6.1), marked with Via (§7.6.3) and sent to the upstream origin with the
 * incoming target in origin-form; the response comes back the same way.
 * Framing is decided afresh on each hop (RFC 9112 §6.1), so Content-Length
 * of the request and Transfer-Encoding of either message are not copied.
 *
 * CONNECT opens a tunnel to its target through the runtime's socket layer
 * (tunnel.ts) — so `https://` requests can go through this proxy — when the
 * runtime gave one; otherwise it gets 501.
 */
import type { ClientResponse, RawExchange, SocketLayer, TetherClient } from "@tether/adapter-kit";
import { type Fields, stripHopByHop } from "@tether/core";
import { originFormOf } from "./routes.ts";
import { tunnel } from "./tunnel.ts";

/** The part of a client the proxy uses. */
export type ProxyClient = Pick<TetherClient, "request">;

type FieldList = [string, string][];

/** How this proxy names itself in Via (RFC 9110 §7.6.3 received-by, a pseudonym). */
export const VIA_NAME = "tether";

/**
 * Request fields not forwarded besides the hop-by-hop ones:
 * - `host` — the client writes the upstream's (RFC 9110 §7.2: Host names
 *   the target of *this* request);
 * - `content-length` — the client frames the body it sends (RFC 9112 §6.1);
 * - `expect` — the body is already here in full, so there is nothing for a
 *   100 (Continue) to unblock (RFC 9110 §10.1.1).
 */
const NOT_FORWARDED = new Set(["host", "content-length", "expect"]);

/**
 * Forwards one exchange to `upstream` (an origin such as
 * `http://127.0.0.1:8080`) and relays the answer; 502 when the upstream
 * gives none. A CONNECT is tunnelled through `layer` when given.
 * Rejects only if answering our own client fails.
 */
export async function forward(
  exchange: RawExchange,
  client: ProxyClient,
  upstream: string,
  layer?: SocketLayer,
): Promise<void> {
  const head = exchange.head;
  if (head.method === "CONNECT" && layer !== undefined) {
    tunnel(exchange, layer);
    return;
  }
  if (head.method === "CONNECT" || head.targetForm === "asterisk") {
    // Neither a tunnel nor `OPTIONS *` has an origin-form to forward.
    exchange.respond(501, [["Content-Type", "text/plain; charset=utf-8"]], "not supported");
    return;
  }
  const body = await exchange.body();
  const headers: FieldList = [];
  for (const [name, value] of stripHopByHop(head.fields)) {
    if (!NOT_FORWARDED.has(name.toLowerCase())) headers.push([name, value]);
  }
  headers.push(["Via", `${head.version} ${VIA_NAME}`]);
  // A request that framed a body (even an empty one) keeps one.
  const framed = head.fields.has("content-length") || head.fields.has("transfer-encoding");
  let response: ClientResponse;
  try {
    response = await client.request({
      url: upstream + originFormOf(head.target, head.targetForm),
      method: head.method,
      headers,
      body: framed ? body : null,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    exchange.respond(
      502,
      [["Content-Type", "text/plain; charset=utf-8"]],
      `bad gateway: ${message}`,
    );
    return;
  }
  exchange.respond(response.status, responseFields(response), response.body);
}

/** The upstream's fields minus hop-by-hop ones, plus our Via. */
function responseFields(response: ClientResponse): FieldList {
  const out = pairs(stripHopByHop(response.fields));
  out.push(["Via", `${response.version} ${VIA_NAME}`]);
  return out;
}

function pairs(fields: Fields): FieldList {
  const raw = fields.raw;
  const out: FieldList = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}
