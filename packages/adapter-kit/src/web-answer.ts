/**
 * Answering with a Web `Response`, the cheapest way the runtime allows:
 *
 * 1. content in memory and reachable without its stream (a QuickResponse on
 *    any runtime; any string or bytes body on Node and Deno; see
 *    response-fast-path.ts): written at once, no promise;
 * 2. on a runtime that keeps the content out of reach (Bun), the body is
 *    read from the moment the handler gives the response (not at its turn:
 *    pipelined answers are read while earlier ones are written): content
 *    the runtime shows held in memory (held-content.ts: a string, bytes,
 *    JSON) with `bytes()`, settled at once; any other body from its stream,
 *    taking reads already settled at once (`Bun.peek`). A body that ends
 *    within a few microtask turns (a Blob too) is written complete, head
 *    and content together, with a Content-Length;
 * 3. everything else — a live stream, a declared Content-Length to check —
 *    goes the general way (`writeWeb`: streamed with back-pressure).
 *
 * An answer that fails before any of it was written gets the 500 a failing
 * handler gets (RFC 9110 §15.6.1), and the error goes to `onError`: a body
 * stream that fails first, or content in memory (ways 1 and 2) whose
 * declared Content-Length is not its length (RFC 9110 §8.6; HEAD alike,
 * §9.3.2). A stream failing after the head went out is cut (the
 * connection closed, no last chunk), and so is a stream that does not meet
 * its declared length: that is only known as it streams.
 */
import type { ServerSession } from "@tether/core";
import { HELD_CONTENT_AVAILABLE, heldBytes, heldSize, PEEK } from "./held-content.ts";
import { replay } from "./replay-stream.ts";
import {
  FAST_RESPONSES_AVAILABLE,
  memoryContent,
  statusHasNoBody,
  type WebHead,
  webHead,
  writeContent,
} from "./response-fast-path.ts";
import { writeWeb } from "./response-writer.ts";
import type { ServerExchange } from "./server-exchange.ts";

/** Microtask turns a body gets to end before it is taken for a live stream. */
const TURNS = 4;

const EMPTY = new Uint8Array(0);

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

/**
 * The ways {@link prepareWeb} may take. `peek`: this runtime's responses can
 * be read without their stream (ways 1 and 3; else 2 and 3). Tests turn it
 * off to run way 2 on every runtime. `settled`: way 2 takes a read the
 * runtime shows already settled (`Bun.peek`) at once, without waiting a
 * turn; tests turn it off to run the waiting path on Bun too. `held`: way 2
 * takes content the runtime shows held in memory with `bytes()` instead of
 * the stream (held-content.ts); tests turn it off to compare.
 */
export const webAnswerWays: { peek: boolean; settled: boolean; held: boolean } = {
  peek: FAST_RESPONSES_AVAILABLE,
  settled: true,
  held: HELD_CONTENT_AVAILABLE,
};

/**
 * The most Bun reads of a body held in memory give at once (Bun 1.4:
 * 16 KiB). A longer body took more than one read, so it was sent chunked
 * like a live stream; it still is: only content up to this length is taken
 * whole with `bytes()`.
 */
export const HELD_READ_SIZE = 16_384;

/** What runs at an exchange's turn to write its answer (see ServerExchange.write). */
export type WebAnswer = (session: ServerSession) => Promise<void> | undefined;

/** Where an answer's failure is told (the server's `onError`). */
export type ErrorReport = (error: unknown) => void;

/**
 * The error for content whose declared Content-Length is another length
 * (RFC 9110 §8.6), or null when it is the content's length or not a length
 * at all (ignored, as `fromWebResponse` ignores it).
 */
export function lengthMismatch(declared: string, content: Uint8Array): Error | null {
  const n = Number(declared);
  if (n === content.length || !Number.isSafeInteger(n) || n < 0) return null;
  return new Error(
    `Response declares Content-Length ${declared} but its content is ${content.length} octets (RFC 9110 §8.6)`,
  );
}

/**
 * `write` at the exchange's turn; should it fail before any of the answer
 * was written (no head sent, the session still open), the error goes to
 * `report` and the exchange's failure answer goes out instead (a 500,
 * ServerExchange.writeFailure). A failure after the head went out is left
 * to the exchange, which cuts the connection.
 */
function guarded(
  ex: ServerExchange,
  report: ErrorReport,
  write: (session: ServerSession) => Promise<void> | undefined,
): WebAnswer {
  return (session) => {
    const answered = session.requestsAnswered;
    const pending = write(session);
    if (pending === undefined) return undefined;
    return pending.catch((error: unknown) => {
      const open = ex.session();
      if (open === null || open.sendingBody || open.requestsAnswered !== answered) throw error;
      report(error);
      ex.writeFailure(open);
    });
  };
}

// prepareWeb's closures are made in these two, not in prepareWeb itself
// (run for every response): V8 keeps the parameters a closure captures in
// a context made on every call, even on a path that makes no closure.

/** Way 3: `response` written the general way at the exchange's turn. */
function generalWay(ex: ServerExchange, response: Response, report: ErrorReport): WebAnswer {
  return guarded(ex, report, (session) => writeWeb(ex, session, response));
}

/** Way 2: what `reading` found, written at the exchange's turn. */
function readingWay(ex: ServerExchange, reading: BodyReading, report: ErrorReport): WebAnswer {
  return guarded(ex, report, (session) => reading.answer(session));
}

/**
 * The answer to `ex` with `response`, made when the handler gives it, or
 * nothing when it was given to `ex` already (a head and its whole content,
 * `ServerExchange.respondContent`: no closure per response). Way 2
 * (module comment) begins reading the body at once rather than at the
 * exchange's turn: pipelined answers queued behind an earlier one are read
 * meanwhile and written as soon as their turn comes, without a promise.
 * Should the exchange never get its turn (the connection closed), what was
 * read is dropped and the body is left as it is, neither read further nor
 * cancelled.
 */
export function prepareWeb(
  ex: ServerExchange,
  response: Response,
  report: ErrorReport,
): WebAnswer | undefined {
  const content = memoryContent(response, webAnswerWays.peek);
  if (content !== undefined) {
    // Way 1: the head read now (after memoryContent: Deno completes its
    // field list then) and given to the exchange with the content. A
    // declared Content-Length that is not the content's length fails the
    // answer (a 500); one that is no length at all goes the general way,
    // which ignores it.
    const head = webHead(response, true);
    if (head.declared === null || content === null || Number(head.declared) === content.length) {
      ex.respondContent(head, content);
      return undefined;
    }
    // (A status without content never carries it: the general way drops it.)
    const wrong = statusHasNoBody(head.status) ? null : lengthMismatch(head.declared, content);
    if (wrong !== null) {
      report(wrong);
      ex.fail();
      return undefined;
    }
    return generalWay(ex, response, report);
  }
  if (webAnswerWays.peek) return generalWay(ex, response, report);
  // The status text is read once here for both (a native call on Bun).
  const statusText = response.statusText;
  const head = webHead(response, false, statusText);
  if (webAnswerWays.held && !statusHasNoBody(head.status)) {
    // Content held in memory is taken whole even with a declared
    // Content-Length: its length is checked before the head goes out.
    const size = heldSize(response, statusText);
    if (size > 0 && size <= HELD_READ_SIZE) {
      const answer = takeHeld(ex, head, response, report);
      if (answer !== null) return answer === GIVEN ? undefined : answer;
    }
  }
  if (head.declared !== null) {
    return generalWay(ex, response, report);
  }
  const body = response.body;
  if (body === null || statusHasNoBody(head.status)) {
    if (body !== null) void body.cancel().catch(() => {});
    ex.respondContent(head, null);
    return undefined;
  }
  const reading = new BodyReading(ex, head);
  reading.start(body, response);
  return readingWay(ex, reading, report);
}

/** What {@link takeHeld} gives when it handed the answer to the exchange itself. */
const GIVEN = 0;

/**
 * Way 2 for content held in memory (held-content.ts): `bytes()`, taken at
 * once when it is already settled (it is, on Bun), without the stream, and
 * then given to the exchange at once ({@link GIVEN}). Null when `bytes()`
 * refuses (a body the application read or locked): the caller then reads
 * the stream as before, which fails the same way.
 */
function takeHeld(
  ex: ServerExchange,
  head: WebHead,
  response: Response,
  report: ErrorReport,
): WebAnswer | typeof GIVEN | null {
  let pending: Promise<Uint8Array>;
  try {
    pending = heldBytes(response);
  } catch {
    return null;
  }
  // One native call tells all three states: `Bun.peek` gives a pending
  // promise back as it is, else what it settled with, and the runtime's
  // `bytes()` fulfils with a Uint8Array, never rejects with one.
  const peeked: unknown = PEEK === undefined ? pending : PEEK(pending);
  if (peeked instanceof Uint8Array) {
    const wrong = head.declared === null ? null : lengthMismatch(head.declared, peeked);
    if (wrong !== null) {
      report(wrong);
      ex.fail();
      return GIVEN;
    }
    const ahead = whole(peeked, head, response);
    if (ahead instanceof Response)
      return guarded(ex, report, (session) => writeWeb(ex, session, ahead));
    ex.respondContent(head, ahead);
    return GIVEN;
  }
  if (peeked !== pending) {
    pending.catch(() => {}); // rejected: the body was read or locked
    return null;
  }
  const reading = new BodyReading(ex, head);
  reading.take(pending, response);
  return guarded(ex, report, (session) => reading.answer(session));
}

/**
 * Content read whole: itself, or — longer than one of Bun's reads (a string
 * whose UTF-8 is longer than its size in memory) — a response streaming it
 * in reads of that size, chunked as the stream would have been.
 */
function whole(content: Uint8Array, head: WebHead, response: Response): Ahead {
  if (content.length <= HELD_READ_SIZE) return content;
  return new Response(inReads(content), {
    status: head.status,
    statusText: head.reason,
    headers: response.headers,
  });
}

/** `content` as a stream of {@link HELD_READ_SIZE}-byte chunks, each made when asked for. */
export function inReads(content: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        controller.enqueue(content.subarray(at, at + HELD_READ_SIZE));
        at += HELD_READ_SIZE;
        if (at >= content.length) controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * What way 2 found: the whole content (`null`: no body), or the response to
 * send the general way (way 3).
 */
type Ahead = Uint8Array | null | Response;

function writeAhead(
  ex: ServerExchange,
  session: ServerSession,
  head: WebHead,
  ahead: Ahead,
): Promise<void> | undefined {
  if (ahead instanceof Response) return writeWeb(ex, session, ahead);
  writeContent(ex, session, head, ahead);
  return undefined;
}

/** The chunk `read` already holds, or undefined while it is pending (or unknown). */
function settled(read: Promise<Chunk>): Chunk | undefined {
  if (PEEK === undefined || !webAnswerWays.settled || PEEK.status(read) !== "fulfilled") {
    return undefined;
  }
  return PEEK(read) as Chunk;
}

/**
 * Way 2 of the module comment for one answer, falling back to way 3 from
 * where the reading stopped. What it finds is written at once if the
 * exchange's turn came meanwhile, else kept for {@link BodyReading.answer}.
 */
class BodyReading {
  private readonly ex: ServerExchange;
  private readonly head: WebHead;
  /** The session to write to, once the exchange's turn came before the reading ended. */
  private session: ServerSession | null = null;
  /** What the reading found, once it ended before the exchange's turn. */
  private found: { readonly ahead: Ahead } | null = null;
  /** The reading, and the writing if the turn came first. */
  private done: Promise<void> | null = null;

  constructor(ex: ServerExchange, head: WebHead) {
    this.ex = ex;
    this.head = head;
  }

  /** Reads `body` (see {@link read}). */
  start(body: ReadableStream<Uint8Array>, response: Response): void {
    this.began(this.read(body, response));
  }

  /** Takes the content `bytes()` gives (see {@link takeHeld}). */
  take(pending: Promise<Uint8Array>, response: Response): void {
    this.began(
      pending.then((content) => {
        const declared = this.head.declared;
        const wrong = declared === null ? null : lengthMismatch(declared, content);
        if (wrong !== null) throw wrong; // nothing written yet: a 500 (see guarded)
        return this.end(whole(content, this.head, response));
      }),
    );
  }

  private began(done: Promise<void>): void {
    done.catch(() => {}); // an answer given later returns `done` itself and sees the error
    this.done = done;
  }

  /** Runs at the exchange's turn. */
  answer(session: ServerSession): Promise<void> | undefined {
    const found = this.found;
    if (found !== null) return writeAhead(this.ex, session, this.head, found.ahead);
    this.session = session;
    return this.done as Promise<void>;
  }

  private end(ahead: Ahead): Promise<void> | undefined {
    const session = this.session;
    if (session !== null) return writeAhead(this.ex, session, this.head, ahead);
    this.found = { ahead };
    return undefined;
  }

  /**
   * The content of `body` if it ends within {@link TURNS} turns, else a
   * response streaming all of it. Reads already settled are taken at once
   * (a stream whose content is all enqueued ends here without a turn).
   */
  private async read(body: ReadableStream<Uint8Array>, response: Response): Promise<void> {
    const reader = body.getReader();
    const firstRead = reader.read();
    const first = settled(firstRead) ?? (await firstRead);
    if (first.done) return this.end(EMPTY);
    const next = reader.read();
    const seen: { chunk: Chunk | null } = { chunk: settled(next) ?? null };
    if (seen.chunk === null) {
      next.then(
        (chunk) => {
          seen.chunk = chunk;
        },
        () => {}, // the replay below awaits `next` itself and sees the error
      );
    }
    for (let i = 0; i < TURNS && seen.chunk === null; i++) await null;
    if (seen.chunk?.done === true) return this.end(first.value);
    const rest = replay(first.value, next, reader);
    const head = this.head;
    return this.end(
      new Response(rest, {
        status: head.status,
        statusText: head.reason,
        headers: response.headers,
      }),
    );
  }
}
