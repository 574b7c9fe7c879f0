/**
 * How a connection is read and written: Deno's read and write operations
 * themselves, or `Deno.Conn#read` / `Deno.Conn#write` where the runtime
 * does not offer the operations.
 *
 * `Deno.Conn#read(buffer)` is an async function around one read operation:
 * it starts the operation, records its promise in a set (so that `unref()`
 * can reach a pending read), awaits it, removes it from the set and turns a
 * count of 0 into `null`. For a keep-alive server that is one more promise,
 * one more microtask and two set operations per request, around the same
 * operation. `Deno.Conn#write(bytes)` likewise calls one more function
 * around Deno's write operation, which hands back a promise of its own
 * (for bytes it refuses, a pending one where the operation's is already
 * rejected). The socket (deno-socket.ts) never calls `unref()`, so it
 * can start both operations directly: Deno's `core.read(rid, buffer)`,
 * which resolves to the count read, 0 at the end of the stream, and
 * `core.write(rid, bytes)`, which resolves to the count written, as
 * `Deno.Conn#write` does. Errors are the same objects the methods rethrow
 * (`Interrupted`/`BadResource` after a local close, `ConnectionReset`,
 * `BrokenPipe`, TLS's `UnexpectedEof`).
 *
 * `core` and the resource id are Deno internals (`Deno[Deno.internal].core`,
 * `core.internalRidSymbol`), as stable as such things are: they are looked
 * up once, checked for shape, and checked again on each connection; where
 * anything is missing the socket reads and writes through the public
 * methods. Per keep-alive request on real sockets the direct read allocates
 * about 600 B (20%) less; a direct write runs about 540 fewer
 * instructions than `Deno.Conn#write` (figures in the package README).
 */

/** One connection's read, write and half-close, as the socket's loops call them. */
export interface ConnIo {
  /**
   * Reads into `buffer` (never empty): the count read; at the end of the
   * stream 0 (Deno's operation) or `null` (`Deno.Conn#read`).
   */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes` (never empty): how many octets the kernel took. */
  write(bytes: Uint8Array): Promise<number>;
  /** Half-closes (`Deno.Conn#closeWrite`: no operation of Deno's own is skipped there). */
  closeWrite(): Promise<void>;
}

/** A connection whose reads and writes a {@link ConnOps} can start. */
export type OpsConn = Pick<Deno.Conn, "read" | "write" | "closeWrite">;

/** Makes a connection's {@link ConnIo}: the same for the connection's whole life. */
export type ConnOps = (conn: OpsConn) => ConnIo;

/** The part of Deno's `core` the direct operations use. */
interface CoreOps {
  readonly read: (rid: number, buffer: Uint8Array) => Promise<number>;
  readonly write: (rid: number, bytes: Uint8Array) => Promise<number>;
  readonly internalRidSymbol: symbol;
}

/** Reads and writes through the public API, `Deno.Conn#read` and `Deno.Conn#write`. */
export const publicOps: ConnOps = (conn) => ({
  read: (buffer) => conn.read(buffer),
  write: (bytes) => conn.write(bytes),
  closeWrite: () => conn.closeWrite(),
});

/** Deno's `core`, when it has the shape used here. */
function findCore(): CoreOps | null {
  try {
    const internal = (Deno as unknown as Record<symbol, unknown>)[
      (Deno as unknown as { internal: symbol }).internal
    ] as { core?: Partial<CoreOps> } | undefined;
    const core = internal?.core;
    if (
      typeof core?.read !== "function" ||
      typeof core.write !== "function" ||
      typeof core.internalRidSymbol !== "symbol"
    ) {
      return null;
    }
    return core as CoreOps;
  } catch {
    return null;
  }
}

/**
 * Reads and writes with Deno's operations on the connection's resource, or
 * with {@link publicOps} for a connection that has no resource id where
 * expected (or on a runtime without `core`).
 */
export function directOpsFrom(core: CoreOps | null): ConnOps {
  if (core === null) return publicOps;
  const read = core.read;
  const write = core.write;
  const ridKey = core.internalRidSymbol;
  return (conn) => {
    const rid = (conn as unknown as Record<symbol, unknown>)[ridKey];
    if (typeof rid !== "number") return publicOps(conn);
    return {
      read: (buffer) => read(rid, buffer),
      write: (bytes) => write(rid, bytes),
      closeWrite: () => conn.closeWrite(),
    };
  };
}

/** The operations the Deno layer uses: direct where this Deno allows it. */
export const fastestOps: ConnOps = directOpsFrom(findCore());
