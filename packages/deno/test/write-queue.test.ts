/**
 * The write queue's batching: order kept, small buffers merged, large ones
 * passed as they are; and the order of a DenoSocket's reads and writes over
 * a scripted connection.
 */
import assert from "node:assert/strict";
import type { RawSocket } from "@tether/adapter-kit";
import { publicOps } from "../src/conn-ops.ts";
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

Deno.test("WriteQueue keeps order over many fill-and-empty cycles, partial takes and a burst past its kept slots", () => {
  const q = new WriteQueue(4);
  let next = 0;
  const expected: number[] = [];
  const got: number[] = [];
  for (let cycle = 0; cycle < 50; cycle++) {
    // Cycle 20 queues a burst longer than the slots an emptied queue keeps (64).
    const count = cycle === 20 ? 200 : 1 + (cycle % 7);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      chunks.push(bytes(next % 256, (next + 1) % 256));
      expected.push(next % 256, (next + 1) % 256);
      next += 2;
    }
    q.push(chunks);
    // Take one batch, queue one more buffer behind the rest, then empty the queue.
    const first = q.take();
    got.push(...first);
    q.written(first.length);
    q.push([bytes(next % 256)]);
    expected.push(next % 256);
    next++;
    while (!q.empty) {
      const batch = q.take();
      got.push(...batch);
      q.written(batch.length);
    }
    assert.equal(q.bytes, 0);
  }
  assert.deepEqual(got, expected);
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

  /** How many bytes each write() takes at most (a partial write when less than given). */
  writeLimit = Number.POSITIVE_INFINITY;
  /** Makes write() fail: "reject" (a rejected promise) or "throw" (at once). */
  writeFailure: "reject" | "throw" | null = null;

  write(data: Uint8Array): Promise<number> {
    this.log.push(`write ${Array.from(data).join(",")}`);
    if (this.writeFailure === "throw") throw new Deno.errors.BadResource("gone");
    if (this.writeFailure === "reject") return Promise.reject(new Deno.errors.BrokenPipe("gone"));
    return Promise.resolve(Math.min(data.length, this.writeLimit));
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

/** Opens a DenoSocket over `conn` whose `data` handler is `onData`; resolves at `close`, with its error if any. */
function run(conn: ScriptedConn, onData: (socket: RawSocket, bytes: Uint8Array) => void) {
  return new Promise<Error | undefined>((resolve) => {
    let socket: RawSocket | null = null;
    opened(
      conn as unknown as Deno.TcpConn,
      {
        open: (s) => {
          socket = s;
        },
        data: (b) => onData(socket as RawSocket, b),
        end: () => socket?.close(),
        drain: () => {},
        close: (error) => resolve(error),
      },
      publicOps,
    );
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

Deno.test("DenoSocket: what data() wrote is handed to write() as data() returns, not a microtask later", async () => {
  const conn = new ScriptedConn([bytes(1), null]);
  const seen: string[][] = [];
  await run(conn, (socket) => {
    // Queued before the write: it runs once the read loop's turn is over.
    queueMicrotask(() => seen.push(conn.log.slice()));
    socket.write([bytes(3)]);
  });
  // The write was started before the next read, and before the microtask.
  assert.deepEqual(seen, [["read", "write 3", "read"]]);
});

Deno.test("DenoSocket: a close() or a reset inside data() after a write: the write leaves first, or never", async () => {
  for (const reset of [false, true]) {
    const conn = new ScriptedConn([bytes(1)]);
    const error = await run(conn, (socket) => {
      socket.write([bytes(5)]);
      socket.close(reset);
    });
    assert.equal(error, undefined);
    assert.deepEqual(
      conn.log,
      reset ? ["read", "close"] : ["read", "write 5", "close"],
      `reset ${reset}`,
    );
  }
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

Deno.test("DenoSocket: a partial write() is followed by the rest of the batch, then the next batch", async () => {
  const conn = new ScriptedConn([bytes(1)]);
  conn.writeLimit = 2;
  let socket: RawSocket | null = null;
  const done = run(conn, (s) => {
    socket = s;
    s.write([bytes(1, 2, 3), bytes(4, 5)]);
  });
  await new Promise((resolve) => setTimeout(resolve, 0));
  (socket as unknown as RawSocket).write([bytes(6)]);
  (socket as unknown as RawSocket).close(); // waits for the queued bytes
  assert.equal(await done, undefined);
  assert.deepEqual(
    conn.log.filter((entry) => entry.startsWith("write")),
    ["write 1,2,3,4,5", "write 3,4,5", "write 5", "write 6"],
  );
  assert.equal(conn.log.at(-1), "close");
});

for (const failure of ["reject", "throw"] as const) {
  Deno.test(`DenoSocket: a write() that fails (${failure}) closes the socket with its error`, async () => {
    const conn = new ScriptedConn([bytes(1)]);
    conn.writeFailure = failure;
    const error = await run(conn, (s) => {
      s.write([bytes(9)]);
    });
    assert.ok(error instanceof Error, "close reports the write's error");
    assert.equal(error.message, "gone");
    // The write starts as data() returns; a write that throws closes the
    // socket before the next read, one that rejects after it.
    assert.deepEqual(
      conn.log,
      failure === "throw" ? ["read", "write 9", "close"] : ["read", "write 9", "read", "close"],
    );
  });
}

Deno.test("DenoSocket: shutdownWrite() half-closes once the queue is written, and the socket still reads", async () => {
  const conn = new ScriptedConn([bytes(1), bytes(2), null]);
  const seen: number[] = [];
  const error = await run(conn, (s, b) => {
    seen.push(b[0] as number);
    if (b[0] === 1) {
      s.write([bytes(7)]);
      s.shutdownWrite();
      s.write([bytes(8)]); // dropped: nothing may follow the FIN
    }
  });
  assert.equal(error, undefined);
  assert.deepEqual(seen, [1, 2]);
  const writes = conn.log.filter((entry) => entry.startsWith("write") || entry === "closeWrite");
  assert.deepEqual(writes, ["write 7", "closeWrite"]);
});
