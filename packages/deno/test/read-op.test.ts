/**
 * How the Deno layer reads (src/read-op.ts): on this Deno its read loop
 * starts Deno's read operation itself, without `Deno.Conn#read`; where the
 * runtime or a connection lacks what that needs, it reads through
 * `Deno.Conn#read`; and the whole RawSocket contract (@tether/conformance's
 * socket-layer cases) holds on that public path too, as the default layer's
 * run in socket-layer.test.ts checks it on the direct one.
 */
import assert from "node:assert/strict";
import { skipReason, socketLayerCases } from "@tether/conformance";
import { directReadsFrom, fastestReads, publicReads } from "../src/read-op.ts";
import { denoSocketLayerReading } from "../src/socket-layer.ts";

Deno.test.sanitizer({ ops: true, resources: true });

/** A connected loopback pair: `accepted` is the listener's side. */
async function pair(): Promise<{ dialled: Deno.TcpConn; accepted: Deno.TcpConn }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dialling = Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const accepted = await listener.accept();
  listener.close();
  return { dialled: await dialling, accepted };
}

Deno.test("read-op: on this Deno the read loop's reads do not go through Deno.Conn#read", async () => {
  const { dialled, accepted } = await pair();
  try {
    accepted.read = () => {
      throw new Error("Deno.Conn#read was called");
    };
    const read = fastestReads(accepted);
    await dialled.write(new TextEncoder().encode("hello"));
    const buffer = new Uint8Array(16);
    const count = await read(buffer);
    assert.equal(count, 5);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, 5)), "hello");
    // The peer's FIN: Deno's operation says 0 (Deno.Conn#read would say null).
    dialled.closeWrite();
    assert.equal(await read(buffer), 0);
  } finally {
    dialled.close();
    accepted.close();
  }
});

Deno.test("read-op: a read pending when the connection closes fails, as Deno.Conn#read's does", async () => {
  const { dialled, accepted } = await pair();
  const pending = fastestReads(accepted)(new Uint8Array(16));
  accepted.close();
  await assert.rejects(pending);
  dialled.close();
});

Deno.test("read-op: without Deno's core, reads go through Deno.Conn#read", async () => {
  assert.equal(directReadsFrom(null), publicReads);
  const calls: number[] = [];
  const conn = {
    read: (buffer: Uint8Array) => {
      calls.push(buffer.length);
      buffer[0] = 7;
      return Promise.resolve(1);
    },
  };
  const buffer = new Uint8Array(4);
  assert.equal(await directReadsFrom(null)(conn)(buffer), 1);
  assert.deepEqual(calls, [4]);
  assert.equal(buffer[0], 7);
});

Deno.test("read-op: a connection without a resource id is read through Deno.Conn#read", async () => {
  const ridKey = Symbol("rid");
  const core = {
    read: () => Promise.reject(new Error("the operation was started without a resource id")),
    internalRidSymbol: ridKey,
  };
  let called = 0;
  const conn = {
    read: () => {
      called++;
      return Promise.resolve(null);
    },
  };
  assert.equal(await directReadsFrom(core)(conn)(new Uint8Array(4)), null);
  assert.equal(called, 1);
  // With an id, the operation is started on it and Deno.Conn#read is not called.
  const started: number[] = [];
  const withId = Object.assign(
    {
      read: () => {
        throw new Error("Deno.Conn#read was called");
      },
    },
    { [ridKey]: 42 },
  );
  const direct = directReadsFrom({
    read: (rid: number) => {
      started.push(rid);
      return Promise.resolve(3);
    },
    internalRidSymbol: ridKey,
  });
  assert.equal(await direct(withId)(new Uint8Array(4)), 3);
  assert.deepEqual(started, [42]);
});

const publicLayer = denoSocketLayerReading(publicReads);
for (const c of socketLayerCases) {
  const why = skipReason(c, "deno");
  Deno.test({
    name: `socket layer reading through Deno.Conn#read: ${why === null ? c.name : `${c.name} — skipped on deno: ${why}`}`,
    ignore: why !== null,
    fn: () => c.run(publicLayer),
  });
}
