/**
 * Where the pool's connection for a request goes, and which requests may
 * share it. An origin is scheme, host and port (RFC 9110 §4.3.2), so `http`
 * and `https` to the same host never share a connection; a proxy changes
 * where the socket goes, and for `https` adds a CONNECT tunnel.
 *
 * | request          | proxy      | kind     | the socket goes to | pooled per               |
 * |------------------|------------|----------|--------------------|--------------------------|
 * | `http` origin    | none       | `direct` | the origin         | origin                   |
 * | `https` origin   | none       | `direct` | the origin (TLS)   | origin                   |
 * | `http` origin    | HTTP proxy | `proxy`  | the proxy          | proxy (RFC 9112 §3.2.2)  |
 * | `https` origin   | HTTP proxy | `tunnel` | the proxy, then a CONNECT tunnel and TLS to the origin (RFC 9110 §9.3.6) | origin through that proxy |
 * | CONNECT          | HTTP proxy | `proxy`  | the proxy (the caller's own tunnel, RFC 9112 §3.2.3) | proxy |
 *
 * TLS settings (trusted CAs, client certificates) belong to the adapter's
 * client, not to a request: one pool never mixes two sets of them, so they
 * need no place in the key.
 */
import { type Origin, originKey } from "./socket-actions.ts";

/** See the module comment. */
export interface Route {
  readonly kind: "direct" | "proxy" | "tunnel";
  /** Where the socket connects: the origin, or the proxy. */
  readonly connect: Origin;
  /** For `tunnel`: the origin the CONNECT tunnel reaches; `null` otherwise. */
  readonly tunnel: Origin | null;
  /** Requests with the same key share connections. */
  readonly key: string;
}

/**
 * Direct routes of frozen origins, kept: a client sends many requests to
 * few origins, and the same key string (its hash computed once) makes the
 * pool's lookups cheap. Only frozen origins: their key cannot change.
 */
const DIRECT_ROUTES = new WeakMap<Origin, Route>();

/** The route of a request to `origin` with `method`, through `proxy` if one is set (table above). */
export function routeFor(origin: Origin, method: string, proxy: Origin | undefined): Route {
  if (proxy === undefined) {
    let route = DIRECT_ROUTES.get(origin);
    if (route === undefined) {
      route = { kind: "direct", connect: origin, tunnel: null, key: originKey(origin) };
      if (Object.isFrozen(origin)) DIRECT_ROUTES.set(origin, route);
    }
    return route;
  }
  if (origin.scheme === "https" && method !== "CONNECT") {
    return {
      kind: "tunnel",
      connect: proxy,
      tunnel: origin,
      key: `${originKey(origin)} via ${originKey(proxy)}`,
    };
  }
  return { kind: "proxy", connect: proxy, tunnel: null, key: originKey(proxy) };
}

/** The origin a route's connections serve: the tunnel's end, or where the socket goes. */
export function routeOrigin(route: Route): Origin {
  return route.tunnel ?? route.connect;
}
