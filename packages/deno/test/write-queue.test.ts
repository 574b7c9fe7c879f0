/**
 * The write queue's batching: order kept, small buffers merged, large ones
 * passed as they are; and the order of a DenoSocket's reads and writes over
 * a scripted connection.
 */
import assert from "node:assert/strict";
import type { RawSocket } from "@tether/adapter-kit";
import { opened } from "../src/deno-socket.ts";
import { WriteQueue } from "../src/write-queue.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("WriteQueue merges small buffers into one batch, in order", () => {
  const q = new WriteQueue(8);
  q.push([bytes(1, 2), bytes(3), bytes(4, 5, 6)]);
  assert.equal(q.bytes, 6);
  assert.deepEqual(q.take(), bytes(1, 2, 3, 4, 5, 6));
  assert.equal(q.empty, true);
  assert.equal(q.bytes, 6, "taken but not yet written");
  q.written(6);
  assert.equal(q.bytes, 0);
});

Deno.test("WriteQueue stops a batch before the limit and passes a large buffer without copying", () => {
  const q = new WriteQueue(4);
  const large = bytes(9, 9, 9, 9, 9);
  q.push([bytes(1, 2), bytes(3, 4), bytes(5), large, bytes(6)]);
  assert.deepEqual(q.take(), bytes(1, 2, 3, 4));
  assert.deepEqual(q.take(), bytes(5));
  assert.equal(q.take(), large, "the same buffer, not a copy");
  assert.deepEqual(q.take(), bytes(6));
  assert.equal(q.empty, true);
});

Deno.test("WriteQueue skips empty buffers and clear() drops everything", () => {
  const q = new WriteQueue(16);
  q.push([new Uint8Array(0)]);
  assert.equal(q.empty, true);
  q.push([bytes(1), bytes(2)]);
  q.clear();
  assert.equal(q.empty, true);
  assert.equal(q.bytes, 0);
});

Deno.test("WriteQueue merges small and large buffers in order, and again after its queue was emptied", () => {
  const q = new WriteQueue(1024);
  const large = new Uint8Array(100).map((_, i) => i);
  q.push([bytes(1), large, bytes(2, 3)]);
  assert.deepEqual(q.take(), new Uint8Array([1, ...large, 2, 3]));
  q.written(103);
  q.push([bytes(4), bytes(5)]);
  assert.deepEqual(q.take(), bytes(4, 5), "nothing of the first batch is left over");
  assert.equal(q.empty, true);
});

/**
 * A scripted connection: each `read()` takes the next script entry (bytes,
 * or null for the peer's FIN), and the order of reads and writes is logged.
 */
class ScriptedConn {
  readonly log: string[] = [];
  readonly remoteAddr = { hostname: "127.0.0.1", port: 1, transport: "tcp" as const };
  readonly localAddr = { hostname: "127.0.0.1", port: 2, transport: "tcp" as const };
  private readonly script: (Uint8Array | null)[];
  private interrupt: (() => void) | null = null;

  constructor(script: (Uint8Array | null)[]) {
    this.script = script;
  }

  setNoDelay(): void {}

  read(target: Uint8Array): Promise<number | null> {
    this.log.push("read");
    const next = this.script.shift();
    if (next === undefined) {
      // Pending until close(), which interrupts it as Deno's does.
      return new Promise((_, reject) => {
        this.interrupt = () => reject(new Deno.errors.Interrupted("closed"));
      });
    }
    if (next === null) return Promise.resolve(null);
    target.set(next);
    return Promise.resolve(next.length);
  }

  write(data: Uint8Array): Promise<number> {
    this.log.push(`write ${Array.from(data).join(",")}`);
    return Promise.resolve(data.length);
  }

  closeWrite(): Promise<void> {
    this.log.push("closeWrite");
    return Promise.resolve();
  }

  close(): void {
    this.log.push("close");
    this.interrupt?.();
  }
}

/** Opens a DenoSocket over `conn` whose `data` handler is `onData`; resolves at `close`. */
function run(conn: ScriptedConn, onData: (socket: RawSocket, bytes: Uint8Array) => void) {
  return new Promise<void>((resolve) => {
    let socket: RawSocket | null = null;
    opened(conn as unknown as Deno.TcpConn, {
      open: (s) => {
        socket = s;
      },
      data: (b) => onData(socket as RawSocket, b),
      end: () => socket?.close(),
      drain: () => {},
      close: () => resolve(),
    });
  });
}

Deno.test("DenoSocket: what one data() call writes leaves in one write()", async () => {
  const conn = new ScriptedConn([bytes(1), bytes(2), null]);
  await run(conn, (socket, b) => {
    // Two answers to one read (pipelining): one write.
    socket.write([bytes(10 + (b[0] as number))]);
    socket.write([bytes(20 + (b[0] as number))]);
  });
  const writes = conn.log.filter((entry) => entry.startsWith("write"));
  assert.deepEqual(writes, ["write 11,21", "write 12,22"]);
  assert.equal(conn.log.at(-1), "close");
});

Deno.test("DenoSocket: writes made after data() returned (an async answer) leave together, before close", async () => {
  const conn = new ScriptedConn([bytes(1)]);
  let socket: RawSocket | null = null;
  const done = run(conn, (s) => {
    socket = s;
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  (socket as unknown as RawSocket).write([bytes(7)]);
  (socket as unknown as RawSocket).write([bytes(8)]);
  (socket as unknown as RawSocket).close(); // waits for the queued bytes
  await done;
  assert.deepEqual(conn.log, ["read", "read", "write 7,8", "close"]);
});

Deno.test("DenoSocket: a data() handler that throws still has its writes flushed", async () => {
  const conn = new ScriptedConn([bytes(1)]);
  let socket: RawSocket | null = null;
  const failures: unknown[] = [];
  const onError = (e: PromiseRejectionEvent) => {
    failures.push(e.reason);
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onError);
  try {
    // The read loop stops at the throw (an unhandled rejection, as before):
    // `close` is never reported, so this test does not wait for it.
    void run(conn, (s) => {
      socket = s;
      s.write([bytes(9)]);
      throw new Error("handler bug");
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(conn.log, ["read", "write 9"]);
    assert.equal(failures.length, 1);
    (socket as unknown as RawSocket).close();
  } finally {
    globalThis.removeEventListener("unhandledrejection", onError);
  }
});
