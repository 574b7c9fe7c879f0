/**
 * A response's Content-Type kept beside its field list. Deno's `Response`
 * keeps the field list in its inner record (response-fast-path.ts reads it
 * there), but for a static body whose init names nothing but a Content-Type
 * it keeps that one field apart, under its own symbols, until `headers` is
 * read. Read from the list alone, such a response would go out without its
 * Content-Type (RFC 9110 §8.3: the sender's media type must reach the
 * recipient as given).
 *
 * Where the field is kept is found once, with probes, the way the inner
 * record itself is found: the own symbols whose value is a probe's
 * Content-Type while its list has none, checked against `headers` on
 * responses of other types and none. If the probes disagree, callers are told
 * that the list cannot be trusted without a Content-Type in it, and read
 * `headers` instead.
 */

type Bag = Record<PropertyKey, unknown>;

/** Where a Content-Type missing from the field list may be. */
type Apart =
  /** Never apart: the list is whole. */
  | { readonly kind: "list" }
  /** Under these symbols (the first holding a string gives it). */
  | { readonly kind: "symbols"; readonly keys: readonly symbol[] }
  /** Somewhere the probes could not find: a list without one is not whole. */
  | { readonly kind: "unknown" };

/** The inner record's field list of `response`, or undefined. */
function listOf(response: Response, inner: symbol): unknown[] | undefined {
  const record = (response as unknown as Bag)[inner];
  if (typeof record !== "object" || record === null) return undefined;
  const list = (record as Bag).headerList;
  return Array.isArray(list) ? list : undefined;
}

/** Whether `list` holds a Content-Type line. */
function listHasType(list: readonly unknown[]): boolean {
  for (const line of list) {
    if (Array.isArray(line) && String(line[0]).toLowerCase() === "content-type") return true;
  }
  return false;
}

/** The first string under `keys` of `response`, or null. */
function typeUnder(response: Response, keys: readonly symbol[]): string | null {
  for (const key of keys) {
    const value = (response as unknown as Bag)[key];
    if (typeof value === "string") return value;
  }
  return null;
}

/** Probes this runtime's `Response` (see the module comment). */
function probe(inner: symbol): Apart {
  try {
    const typed = (type: string) => new Response("probe", { headers: { "content-type": type } });
    const first = typed("text/plain");
    const list = listOf(first, inner);
    if (list === undefined) return { kind: "unknown" };
    if (listHasType(list)) return { kind: "list" };
    const keys = Object.getOwnPropertySymbols(first).filter(
      (key) => (first as unknown as Bag)[key] === "text/plain",
    );
    if (keys.length === 0) return { kind: "unknown" };
    // Checks: another type is found there and agrees with `headers`; a
    // response with no Content-Type holds none there.
    const second = typed("application/json");
    const found = typeUnder(second, keys);
    if (found !== "application/json" || second.headers.get("content-type") !== found) {
      return { kind: "unknown" };
    }
    const untyped = new Response(new Uint8Array(1));
    if (typeUnder(untyped, keys) !== null || untyped.headers.get("content-type") !== null) {
      return { kind: "unknown" };
    }
    return { kind: "symbols", keys };
  } catch {
    return { kind: "unknown" };
  }
}

/**
 * For responses whose field list (in the inner record under `inner`) has no
 * Content-Type: the one kept apart, `null` when there is none, `undefined`
 * when this runtime does not let it be told (read `headers` instead).
 */
export function contentTypeApart(inner: symbol): (response: Response) => string | null | undefined {
  const apart = probe(inner);
  switch (apart.kind) {
    case "list":
      return () => null;
    case "symbols":
      return (response) => typeUnder(response, apart.keys);
    case "unknown":
      return () => undefined;
  }
}
