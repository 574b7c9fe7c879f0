/**
 * A body stream taken up again where a reading of it stopped (web-answer.ts,
 * way 2 falling back to way 3): what was read, then the rest of the
 * original stream.
 */

type Chunk = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

/**
 * The rest of a body whose reading began: `first`, then what `pending`
 * brings, then the reader's chunks, each read only when asked for (the
 * back-pressure of the original stream is kept).
 */
export function replay(
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
