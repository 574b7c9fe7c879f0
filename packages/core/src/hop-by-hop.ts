/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): fields that describe one connection
 * and must not be forwarded by a proxy or gateway.
 *
 * RFC 9110 §7.6.1: an intermediary MUST remove every field named by a
 * Connection option and the Connection field itself, and SHOULD remove
 * fields known to require removal "whether or not they appear as a
 * connection-option": Proxy-Connection, Keep-Alive, TE, Transfer-Encoding,
 * Upgrade. {@link stripHopByHop} does both.
 *
 * Note that a peer can name any field in Connection and so have it removed
 * (even an end-to-end one); that is what the RFC requires, and fields a
 * proxy adds afterwards (e.g. Forwarded) are unaffected.
 */
import { Fields } from "./fields.ts";

/**
 * Field names (lower-case) removed before forwarding whatever Connection
 * says:
 * - `connection` — RFC 9110 §7.6.1
 * - `keep-alive` — RFC 9110 §7.6.1 (RFC 2068 §19.7.1)
 * - `proxy-connection` — RFC 9110 §7.6.1 (RFC 9112 Appendix C.2.2)
 * - `te` — RFC 9110 §7.6.1, §10.1.4
 * - `transfer-encoding` — RFC 9110 §7.6.1, RFC 9112 §6.1: the forwarder
 *   chooses its own framing
 * - `upgrade` — RFC 9110 §7.6.1, §7.8
 * - `trailer` — not in RFC 9110's list, but hop-by-hop in RFC 2616 §13.5.1:
 *   it announces trailers of *this* chunked coding, and a forwarder that
 *   re-frames decides itself whether it sends trailers
 */
export const HOP_BY_HOP_FIELDS: readonly string[] = Object.freeze([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "trailer",
]);

/**
 * Fields addressed to the proxy itself (RFC 9110 §11.7.1 Proxy-Authenticate
 * "applies only to the next outbound client", §11.7.2 Proxy-Authorization
 * "consumed by the first inbound proxy"). Removed by default; proxies that
 * cooperatively relay credentials (§11.7.2: "A proxy MAY relay the
 * credentials") keep them with `proxyAuthentication: "forward"`.
 */
export const PROXY_AUTHENTICATION_FIELDS: readonly string[] = Object.freeze([
  "proxy-authenticate",
  "proxy-authorization",
]);

/** Options of {@link stripHopByHop}. */
export interface StripHopByHopOptions {
  /**
   * `"strip"` (default) removes Proxy-Authenticate and Proxy-Authorization;
   * `"forward"` keeps them (RFC 9110 §11.7.2).
   */
  readonly proxyAuthentication?: "strip" | "forward";
}

/**
 * A copy of `fields` without Connection, without every field named by a
 * Connection option (RFC 9110 §7.6.1, all Connection lines, any case), and
 * without {@link HOP_BY_HOP_FIELDS} (and, by default,
 * {@link PROXY_AUTHENTICATION_FIELDS}). Order and case of the remaining
 * lines are kept; `fields` is never changed.
 */
export function stripHopByHop(fields: Fields, options: StripHopByHopOptions = {}): Fields {
  const remove = new Set<string>(HOP_BY_HOP_FIELDS);
  if (options.proxyAuthentication !== "forward") {
    for (const name of PROXY_AUTHENTICATION_FIELDS) remove.add(name);
  }
  for (const token of fields.tokens("connection")) remove.add(token);
  const raw = fields.raw;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!remove.has(name.toLowerCase())) out.push(name, raw[i + 1] as string);
  }
  return new Fields(out);
}
