/**
 * How much content a Bun `Response` holds in memory, told without touching
 * its body.
 *
 * Bun keeps a response's content out of reach (see response-fast-path.ts),
 * and the only public way found to learn whether a body is content in
 * memory or a live stream without reading it — `Bun.inspect` — costs more
 * than reading the stream. Bun's `bun:jsc` module has a cheaper one:
 * `estimateShallowMemoryUsageOf(response)` counts the memory of a body held
 * in memory (a string's characters, one or two bytes each; bytes; JSON),
 * and neither a stream, a Blob, a file nor the fields; it also counts the
 * URL and the status text. What is left once those are taken off is the
 * size of the content held in memory (not always its UTF-8 length), 0 for
 * anything else.
 *
 * That count is no contract, so it is trusted only after a probe at load
 * (strings and bytes counted; streams, Blobs and fields not; the status
 * text counted; `bytes()` settled at once), and only for responses the
 * application made (an empty URL): a fetched response's body may still be
 * arriving. On every other runtime, or if the probe fails, nothing is ever
 * held.
 */

type Estimate = (value: object) => number;

/** `Bun.peek`: the value or state of a promise, read at once. */
export interface Peek {
  (promise: Promise<unknown>): unknown;
  status(promise: Promise<unknown>): string;
}

/** `Bun.peek`, where the runtime has it. */
export const PEEK: Peek | undefined = (globalThis as { Bun?: { peek?: Peek } }).Bun?.peek;

/** The runtime's own `Response#bytes()` (a subclass may override it). */
const BYTES: ((this: Response) => Promise<Uint8Array>) | undefined = (
  Response.prototype as { bytes?: (this: Response) => Promise<Uint8Array> }
).bytes;

/** `bun:jsc`'s estimate, on Bun only. */
function findEstimate(): Estimate | null {
  if (PEEK === undefined || BYTES === undefined) return null;
  try {
    const jsc = (
      globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
    ).process?.getBuiltinModule?.("bun:jsc") as { estimateShallowMemoryUsageOf?: unknown };
    const estimate = jsc?.estimateShallowMemoryUsageOf;
    return typeof estimate === "function" ? (estimate as Estimate) : null;
  } catch {
    return null;
  }
}

/**
 * The content size `estimate` shows for an application's `response` (see
 * the module comment), whose status text is `statusText`.
 */
function lengthBy(
  estimate: Estimate,
  base: number,
  response: Response,
  statusText: string = response.statusText,
): number {
  return estimate(response) - base - statusText.length;
}

/** Whether the estimate counts exactly what the module comment says, here and now. */
function probe(estimate: Estimate, base: number): boolean {
  try {
    const bytes = BYTES as (this: Response) => Promise<Uint8Array>;
    const peek = PEEK as Peek;
    const text = new Response("probe!", { headers: { "x-probe": "probe" } });
    const settled = bytes.call(new Response("probe"));
    return (
      lengthBy(estimate, base, text) === 6 &&
      lengthBy(estimate, base, new Response("ab", { statusText: "Fine" })) === 2 &&
      lengthBy(estimate, base, new Response(new Uint8Array(3))) === 3 &&
      lengthBy(estimate, base, new Response(new ReadableStream())) === 0 &&
      lengthBy(estimate, base, new Response(new Blob(["blob"]))) === 0 &&
      peek.status(settled) === "fulfilled"
    );
  } catch {
    return false;
  }
}

const ESTIMATE: Estimate | null = findEstimate();
const BASE: number = ESTIMATE === null ? 0 : ESTIMATE(new Response(null));
const TRUSTED: boolean = ESTIMATE !== null && probe(ESTIMATE, BASE);

/** Whether this runtime tells how much content a response holds (Bun, probe passed). */
export const HELD_CONTENT_AVAILABLE: boolean = TRUSTED;

/**
 * The size in memory of the content `response` holds (a string counts its
 * characters, one or two bytes each, not its UTF-8 length), or 0: no body,
 * a body of another kind (a stream, a Blob, a file), a fetched response,
 * or a runtime that does not tell. A body the application already read or
 * locked may still show its size: `bytes()` then fails, and the caller
 * takes the general way. `statusText`: the response's, when the caller has
 * read it already (each read of it is a native call).
 */
export function heldSize(response: Response, statusText: string = response.statusText): number {
  if (!TRUSTED || response.url !== "") return 0;
  return lengthBy(ESTIMATE as Estimate, BASE, response, statusText);
}

/** The runtime's `bytes()` of `response` (only called where {@link heldSize} is not 0). */
export function heldBytes(response: Response): Promise<Uint8Array> {
  return (BYTES as (this: Response) => Promise<Uint8Array>).call(response);
}
