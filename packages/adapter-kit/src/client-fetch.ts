/**
 * The common `fetch(url, init)` call taken apart without building a Web
 * `Request`. Constructing a `Request` on Node costs more than the rest of a
 * small exchange (an AbortController and its signal, body extraction, a
 * header guard), and the client reads everything back out of it at once.
 *
 * Only calls whose outcome is plainly the same as through `new Request()`
 * take this path: a string or URL, and an init with no more than `method`
 * (one of the methods the Fetch Standard normalizes), `headers`, `signal`
 * and a string or byte body. Anything else returns `null` and goes through
 * `Request`, which also raises the standard's errors.
 */

import { type UrlTarget, urlTarget } from "./client-url.ts";

/** A request the client can send as is. */
export interface FetchParts {
  readonly url: UrlTarget;
  readonly method: string;
  /** Lower-case names, sorted, as a `Headers` iterates (a shared empty list when none). */
  readonly fields: readonly (readonly [string, string])[];
  readonly body: Uint8Array | null;
  readonly signal: AbortSignal | null;
}

/** Fetch Standard "normalize a method": these are upper-cased, others kept as given. */
const NORMALIZED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);

const INIT_KEYS = new Set(["method", "headers", "body", "signal"]);

/** The fields of a call without headers: one list for all of them, never changed. */
const NO_FIELDS: readonly (readonly [string, string])[] = Object.freeze([]);

const utf8 = new TextEncoder();

/** A string body's default Content-Type (Fetch Standard "extract a body"). */
const TEXT_TYPE = "text/plain;charset=UTF-8";

/** The parts of a simple `fetch()` call, or `null` to go through `new Request()`. */
export function simpleFetch(input: string | URL | Request, init?: RequestInit): FetchParts | null {
  if (typeof input !== "string" && !(input instanceof URL)) return null;
  if (init !== undefined && init !== null) {
    for (const key of Object.keys(init)) if (!INIT_KEYS.has(key)) return null;
  }
  let method = "GET";
  if (init?.method !== undefined) {
    if (typeof init.method !== "string") return null;
    const upper = init.method.toUpperCase();
    if (!NORMALIZED.has(upper)) return null;
    method = upper;
  }
  const url = urlTarget(input);
  if (url.credentials) return null; // Request throws
  const given = init?.body;
  let body: Uint8Array | null = null;
  let textBody = false;
  if (given !== undefined && given !== null) {
    if (method === "GET" || method === "HEAD") return null; // Request throws
    if (typeof given === "string") {
      body = utf8.encode(given);
      textBody = true;
    } else if (given instanceof Uint8Array) {
      body = new Uint8Array(given); // a copy, as the standard takes (Buffer.slice would share)
    } else return null;
  }
  let fields: readonly (readonly [string, string])[] = NO_FIELDS;
  if (init?.headers !== undefined || textBody) {
    const headers = new Headers(init?.headers);
    if (textBody && !headers.has("content-type")) headers.set("content-type", TEXT_TYPE);
    const list: [string, string][] = [];
    headers.forEach((value, name) => {
      list.push([name, value]);
    });
    fields = list;
  }
  return { url, method, fields, body, signal: init?.signal ?? null };
}
