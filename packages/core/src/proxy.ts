/**
 * Sending a request to an HTTP proxy instead of the origin server.
 *
 * RFC 9112 §3.2.2: "When making a request to a proxy, other than a CONNECT
 * or server-wide OPTIONS request …, a client MUST send the target URI in
 * absolute-form as the request-target", and still sends Host (§3.2: "A
 * client MUST send a Host header field in all HTTP/1.1 request messages").
 *
 * The proxy is the next hop, so connection-specific fields are the pool's to
 * choose: hop-by-hop fields (RFC 9110 §7.6.1) from the caller are stripped,
 * `Proxy-Authorization` (addressed to the proxy, RFC 9110 §11.7.2) is kept,
 * and a caller's `Connection: close` survives as our own choice.
 * `Proxy-Connection` is never sent, to any peer (RFC 9112 Appendix C.2.2:
 * "clients are encouraged not to send the Proxy-Connection header field in
 * any requests"): a 1.0 proxy that does not know it would forward it.
 *
 * The dumb-proxy problem (RFC 9112 Appendix C.2.2) — an HTTP/1.0 proxy that
 * forwards `Connection: keep-alive` without understanding it — is handled in
 * the connection: with `proxy: true`, a 1.0 answer keeps the connection only
 * when it carries `keep-alive` itself (keep-alive.ts rows 5–7).
 */
import { Fields } from "./fields.ts";
import { stripHopByHop } from "./hop-by-hop.ts";
import type { Origin } from "./socket-actions.ts";

/** The default port of a scheme (RFC 9110 §4.2.1, §4.2.2). */
export function defaultPort(scheme: Origin["scheme"]): number {
  return scheme === "https" ? 443 : 80;
}

/** Host values of frozen origins (they cannot change), kept: one per origin, not per request. */
const HOST_VALUES = new WeakMap<Origin, string>();

/**
 * The Host field value for an origin: `uri-host [ ":" port ]` (RFC 9110
 * §7.2), IPv6 literals bracketed (RFC 3986 §3.2.2), the port left out when
 * it is the scheme's default.
 */
export function hostFieldValue(origin: Origin): string {
  let value = HOST_VALUES.get(origin);
  if (value !== undefined) return value;
  const host = origin.host.includes(":") ? `[${origin.host}]` : origin.host;
  value = origin.port === defaultPort(origin.scheme) ? host : `${host}:${origin.port}`;
  if (Object.isFrozen(origin)) HOST_VALUES.set(origin, value);
  return value;
}

/**
 * The request-target in absolute-form for a proxy (RFC 9112 §3.2.2), built
 * from the origin and an origin-form target. A server-wide `OPTIONS *`
 * becomes the origin with an empty path (RFC 9112 §3.2.4: the last proxy
 * turns it back into `*`).
 */
export function absoluteFormTarget(origin: Origin, target: string): string {
  const base = `${origin.scheme}://${hostFieldValue(origin)}`;
  return target === "*" ? base : `${base}${target}`;
}

/**
 * The fields of a request going to a proxy: hop-by-hop fields stripped
 * (RFC 9110 §7.6.1), `Proxy-Authorization` kept, a `close` option kept as
 * `Connection: close`. `fields` is not changed.
 */
export function proxyRequestFields(fields: Fields): Fields {
  const wantsClose = fields.hasToken("connection", "close");
  const out = stripHopByHop(fields, { proxyAuthentication: "forward" });
  if (wantsClose) out.append("Connection", "close");
  return out;
}

/** A copy of `fields` without `Proxy-Connection` (RFC 9112 Appendix C.2.2). */
export function withoutProxyConnection(fields: Fields): Fields {
  const out = new Fields(fields.raw.slice());
  out.delete("proxy-connection");
  return out;
}
