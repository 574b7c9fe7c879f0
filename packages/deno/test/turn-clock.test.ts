/**
 * The Deno layer's event clock (src/turn-clock.ts): read once per microtask
 * checkpoint, afresh in the next one — then, over real sockets, that the
 * server's timers still count from the right moment: an idle timeout
 * never fires early, and after a long idle gap the next request restarts
 * it from its own time, not from a stamp kept from before the gap.
 */
import assert from "node:assert/strict";
import { macrotask } from "@tether/conformance";
import { serve } from "../src/index.ts";
import { turnClock } from "../src/turn-clock.ts";

Deno.test.sanitizer({ ops: true, resources: true });

/** A scripted clock and scheduler: `end()` runs the tasks queued, as a checkpoint's end would. */
function scripted() {
  let time = 100;
  let reads = 0;
  let tasks: (() => void)[] = [];
  const clock = turnClock(
    () => {
      reads++;
      return time;
    },
    (task) => tasks.push(task),
  );
  return {
    clock,
    reads: () => reads,
    advance: (ms: number) => {
      time += ms;
    },
    end: () => {
      const due = tasks;
      tasks = [];
      for (const task of due) task();
    },
  };
}

Deno.test("turnClock: one reading per checkpoint, shared by every event in it", () => {
  const s = scripted();
  assert.equal(s.clock(), 100);
  s.advance(5);
  assert.equal(s.clock(), 100, "the same checkpoint keeps its reading");
  assert.equal(s.clock(), 100);
  assert.equal(s.reads(), 1);
  s.end();
  assert.equal(s.clock(), 105, "the next checkpoint reads afresh");
  assert.equal(s.reads(), 2);
});

Deno.test("turnClock: a long idle gap between checkpoints is never hidden", () => {
  const s = scripted();
  assert.equal(s.clock(), 100);
  s.end();
  s.advance(3_600_000); // an hour with no event at all
  assert.equal(s.clock(), 3_600_100);
  s.end();
  // Nothing read in a checkpoint: nothing held into the next one.
  s.end();
  s.advance(1);
  assert.equal(s.clock(), 3_600_101);
});

Deno.test("turnClock: readings never decrease", () => {
  const s = scripted();
  let last = -1;
  for (let i = 0; i < 200; i++) {
    const t = s.clock();
    assert.ok(t >= last);
    last = t;
    s.advance(i % 3);
    if (i % 7 === 0) s.end();
  }
});

Deno.test("turnClock on Deno's queueMicrotask: kept through the checkpoint, read again after a macrotask", async () => {
  let reads = 0;
  const clock = turnClock(() => ++reads);
  const seen: number[] = [];
  // Queued before the first reading, as the continuations of reads
  // completed together are: the same checkpoint, the same reading.
  queueMicrotask(() => seen.push(clock()));
  seen.push(clock());
  await macrotask();
  assert.deepEqual(seen, [1, 1]);
  assert.equal(clock(), 2);
  assert.equal(clock(), 2);
});

const GET = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: t\r\n\r\n");

/** Reads until `count` responses (each ending with the body "ok") have arrived. */
async function answers(conn: Deno.Conn, count: number): Promise<void> {
  const buffer = new Uint8Array(4096);
  let seen = "";
  for (;;) {
    const n = await conn.read(buffer);
    if (n === null) throw new Error("closed before the answers");
    seen += new TextDecoder().decode(buffer.subarray(0, n));
    if (seen.split("\r\n\r\nok").length - 1 >= count) return;
  }
}

/** Waits for the server's FIN; its time. */
async function closed(conn: Deno.Conn): Promise<number> {
  const buffer = new Uint8Array(256);
  while ((await conn.read(buffer)) !== null) {
    // Nothing more is expected: the next read sees the FIN.
  }
  return performance.now();
}

Deno.test("RFC 9112 §9.5: the idle timeout runs from the last answer, also after an idle gap", async () => {
  const keepAliveTimeoutMs = 300;
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    keepAliveTimeoutMs,
    handler: (ex) => {
      ex.respond(200, [["content-type", "text/plain"]], "ok");
    },
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    await conn.write(GET);
    await answers(conn, 1);
    // Idle for two thirds of the timeout: the next request restarts it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The server reads this request, answers it and starts its idle clock
    // after `sent`; when the client sees the answer is no bound (a loaded
    // machine may run the client's read continuation milliseconds after the
    // server's write), so the close is measured from `sent`.
    const sent = performance.now();
    await conn.write(GET);
    await answers(conn, 1);
    const at = await closed(conn);
    // Never early (a stamp kept from before the gap would close it ~200 ms
    // early); whole milliseconds on the server's side allow one of slack.
    assert.ok(
      at - sent >= keepAliveTimeoutMs - 1,
      `closed ${at - sent} ms after the request was sent`,
    );
    assert.ok(at - sent < keepAliveTimeoutMs + 5000, "closed at all, in reasonable time");
  } finally {
    conn.close();
    await server.close();
  }
});

Deno.test("RFC 9110 §15.5.9: a head that stops coming gets its 408 after headersTimeoutMs, not before", async () => {
  const headersTimeoutMs = 250;
  const server = await serve({
    hostname: "127.0.0.1",
    port: 0,
    headersTimeoutMs,
    handler: (ex) => {
      ex.respond(200, undefined, "ok");
    },
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const started = performance.now();
    await conn.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHo"));
    await macrotask();
    await conn.write(new TextEncoder().encode("st: t\r\n")); // more of the head, never its end
    const buffer = new Uint8Array(4096);
    let seen = "";
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      seen += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const at = performance.now();
    assert.match(seen, /^HTTP\/1\.1 408 /);
    assert.ok(at - started >= headersTimeoutMs - 1, `408 after ${at - started} ms`);
  } finally {
    conn.close();
    await server.close();
  }
});
