/**
 * How a connection's read loop reads: Deno's read operation itself, or
 * `Deno.Conn#read` where the runtime does not offer the operation.
 *
 * `Deno.Conn#read(buffer)` is an async function around one read operation:
 * it starts the operation, records its promise in a set (so that `unref()`
 * can reach a pending read), awaits it, removes it from the set and turns a
 * count of 0 into `null`. For a keep-alive server that is one more promise,
 * one more microtask and two set operations per request, around the same
 * operation. The read loop (deno-socket.ts) never calls `unref()`, so it can
 * start the operation directly: Deno's `core.read(rid, buffer)`, which
 * resolves to the count read, 0 at the end of the stream. Errors are the
 * same objects `Deno.Conn#read` rethrows (`Interrupted`/`BadResource` after
 * a local close, `ConnectionReset`, TLS's `UnexpectedEof`).
 *
 * `core` and the resource id are Deno internals (`Deno[Deno.internal].core`,
 * `core.internalRidSymbol`), as stable as such things are: they are looked
 * up once, checked for shape, and checked again on each connection; where
 * anything is missing the loop reads through the public `Deno.Conn#read`.
 * Per keep-alive request on real sockets this allocates about 600 B (20%)
 * less (figures in the package README).
 */

/**
 * Reads into `buffer` (never empty): the count read; at the end of the
 * stream 0 (Deno's operation) or `null` (`Deno.Conn#read`).
 */
export type ConnRead = (buffer: Uint8Array) => Promise<number | null>;

/** A connection whose reads a {@link ConnReads} can start. */
export type ReadableConn = Pick<Deno.Conn, "read">;

/** Makes a connection's {@link ConnRead}: the same for the connection's whole life. */
export type ConnReads = (conn: ReadableConn) => ConnRead;

/** The part of Deno's `core` the direct reads use. */
interface CoreReads {
  readonly read: (rid: number, buffer: Uint8Array) => Promise<number>;
  readonly internalRidSymbol: symbol;
}

/** Reads through the public API, `Deno.Conn#read`. */
export const publicReads: ConnReads = (conn) => (buffer) => conn.read(buffer);

/** Deno's `core`, when it has the shape used here. */
function findCore(): CoreReads | null {
  try {
    const internal = (Deno as unknown as Record<symbol, unknown>)[
      (Deno as unknown as { internal: symbol }).internal
    ] as { core?: Partial<CoreReads> } | undefined;
    const core = internal?.core;
    if (typeof core?.read !== "function" || typeof core.internalRidSymbol !== "symbol") return null;
    return core as CoreReads;
  } catch {
    return null;
  }
}

/**
 * Reads with Deno's read operation on the connection's resource, or with
 * {@link publicReads} for a connection that has no resource id where
 * expected (or on a runtime without `core`).
 */
export function directReadsFrom(core: CoreReads | null): ConnReads {
  if (core === null) return publicReads;
  const read = core.read;
  const ridKey = core.internalRidSymbol;
  return (conn) => {
    const rid = (conn as unknown as Record<symbol, unknown>)[ridKey];
    if (typeof rid !== "number") return publicReads(conn);
    return (buffer) => read(rid, buffer);
  };
}

/** The reads the Deno layer uses: direct where this Deno allows it. */
export const fastestReads: ConnReads = directReadsFrom(findCore());
