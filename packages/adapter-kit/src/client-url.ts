/**
 * Where a request URL goes: its origin (scheme, host, port) and its target
 * in origin-form (RFC 9112 §3.2.1), parsed once per URL string.
 *
 * A client sends many requests to few URLs, and `new URL()` is a parse and
 * an object per call; the answer for a string never changes, so it is kept
 * (up to {@link CACHE_SIZE} strings; the cache starts over when full).
 */
import type { Origin } from "@tether/core";

/** Where a request goes. */
export interface UrlTarget {
  readonly origin: Origin;
  /** `path?query`, origin-form (the fragment is never sent). */
  readonly target: string;
  /** The URL carries a user name or password (`fetch()` refuses those). */
  readonly credentials: boolean;
}

const CACHE_SIZE = 256;
const cache = new Map<string, UrlTarget>();

/** The origin of a parsed `http:` or `https:` URL; throws a TypeError for other schemes. */
export function originOf(url: URL): Origin {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`unsupported scheme ${url.protocol} (http: and https: only)`);
  }
  const scheme = url.protocol === "https:" ? "https" : "http";
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === "" ? (scheme === "https" ? 443 : 80) : Number(url.port);
  return { scheme, host, port };
}

/** Where `url` goes (cached for strings). Throws a TypeError for an invalid URL or scheme. */
export function urlTarget(url: string | URL): UrlTarget {
  if (typeof url !== "string") return parse(url);
  let t = cache.get(url);
  if (t === undefined) {
    t = parse(new URL(url));
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(url, t);
  }
  return t;
}

function parse(url: URL): UrlTarget {
  return {
    origin: Object.freeze(originOf(url)),
    target: `${url.pathname}${url.search}`,
    credentials: url.username !== "" || url.password !== "",
  };
}
