/**
 * Answering with a Web `Response`, the cheapest way the runtime allows:
 *
 * 1. content in memory and reachable without its stream (a QuickResponse on
 *    any runtime; any string or bytes body on Node and Deno; see
 *    response-fast-path.ts): written at once, no promise;
 * 2. on a runtime that keeps the content out of reach (Bun), the body
 *    stream is read: a body that ends within a few microtask turns (a
 *    string, bytes, a Blob, JSON) is written complete, head and content
 *    together, with a Content-Length;
 * 3. everything else — a live stream, a declared Content-Length to check —
 *    goes the general way (`writeWeb`: streamed with back-pressure).
 */
import type { ServerSession } from "@tether/core";
import {
  FAST_RESPONSES_AVAILABLE,
  statusHasNoBody,
  type WebHead,
  webHead,
  writeContent,
  writeWebNow,
} from "./response-fast-path.ts";
import { writeWeb } from "./response-writer.ts";
import type { ServerExchange } from "./server-exchange.ts";

/** Microtask turns a body gets to end before it is taken for a live stream. */
const TURNS = 4;

const EMPTY = new Uint8Array(0);

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

/**
 * The ways {@link answerWeb} may take. `peek`: this runtime's responses can
 * be read without their stream (ways 1 and 3; else 2 and 3). Tests turn it
 * off to run way 2 on every runtime.
 */
export const webAnswerWays: { peek: boolean } = { peek: FAST_RESPONSES_AVAILABLE };

/**
 * Writes `response` for `ex`: nothing is returned when it was written at
 * once, else the promise of its end.
 */
export function answerWeb(
  ex: ServerExchange,
  session: ServerSession,
  response: Response,
): Promise<void> | undefined {
  const peek = webAnswerWays.peek;
  if (writeWebNow(ex, session, response, peek)) return undefined;
  if (peek) return writeWeb(ex, session, response);
  return readThenWrite(ex, session, response, webHead(response, false));
}

/** Way 2 of the module comment, falling back to way 3 from where the reading stopped. */
async function readThenWrite(
  ex: ServerExchange,
  session: ServerSession,
  response: Response,
  head: WebHead,
): Promise<void> {
  if (head.declared !== null) return writeWeb(ex, session, response);
  const body = response.body;
  if (body === null || statusHasNoBody(head.status)) {
    if (body !== null) void body.cancel().catch(() => {});
    writeContent(ex, session, head, null);
    return;
  }
  const reader = body.getReader();
  const first = await reader.read();
  if (first.done) {
    writeContent(ex, session, head, EMPTY);
    return;
  }
  const next = reader.read();
  const seen: { chunk: Chunk | null } = { chunk: null };
  next.then(
    (chunk) => {
      seen.chunk = chunk;
    },
    () => {}, // the replay below awaits `next` itself and sees the error
  );
  for (let i = 0; i < TURNS && seen.chunk === null; i++) await null;
  if (seen.chunk?.done === true) {
    writeContent(ex, session, head, first.value);
    return;
  }
  const rest = replay(first.value, next, reader);
  const again = new Response(rest, {
    status: head.status,
    statusText: head.reason,
    headers: response.headers,
  });
  return writeWeb(ex, session, again);
}

/**
 * The rest of a body whose reading began: `first`, then what `pending`
 * brings, then the reader's chunks, each read only when asked for (the
 * back-pressure of the original stream is kept).
 */
function replay(
  first: Uint8Array,
  pending: Promise<Chunk>,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let next: Promise<Chunk> | null = pending;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(first);
      },
      async pull(controller) {
        const chunk = await (next ?? reader.read());
        next = null;
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
