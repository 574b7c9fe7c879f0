/**
 * How the Deno layer reads and writes (src/conn-ops.ts): on this Deno its
 * socket starts Deno's read and write operations itself, without
 * `Deno.Conn#read` / `Deno.Conn#write`; where the runtime or a connection
 * lacks what that needs, it goes through the public methods; and the whole
 * RawSocket contract (@tether/conformance's socket-layer cases) holds on
 * that public path too, as the default layer's run in socket-layer.test.ts
 * checks it on the direct one.
 */
import assert from "node:assert/strict";
import { skipReason, socketLayerCases } from "@tether/conformance";
import { directOpsFrom, fastestOps, publicOps } from "../src/conn-ops.ts";
import { denoSocketLayerWith } from "../src/socket-layer.ts";

Deno.test.sanitizer({ ops: true, resources: true });

/** A connected loopback pair: `accepted` is the listener's side. */
async function pair(): Promise<{ dialled: Deno.TcpConn; accepted: Deno.TcpConn }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dialling = Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const accepted = await listener.accept();
  listener.close();
  return { dialled: await dialling, accepted };
}

const text = new TextEncoder();

Deno.test("conn-ops: on this Deno reads and writes do not go through Deno.Conn#read / #write", async () => {
  const { dialled, accepted } = await pair();
  try {
    accepted.read = () => {
      throw new Error("Deno.Conn#read was called");
    };
    accepted.write = () => {
      throw new Error("Deno.Conn#write was called");
    };
    const io = fastestOps(accepted);
    await dialled.write(text.encode("hello"));
    const buffer = new Uint8Array(16);
    const count = await io.read(buffer);
    assert.equal(count, 5);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, 5)), "hello");
    // The write resolves to the count the kernel took, as Deno.Conn#write's does.
    assert.equal(await io.write(text.encode("world!")), 6);
    const back = new Uint8Array(16);
    assert.equal(await dialled.read(back), 6);
    assert.equal(new TextDecoder().decode(back.subarray(0, 6)), "world!");
    // The peer's FIN: Deno's operation says 0 (Deno.Conn#read would say null).
    await dialled.closeWrite();
    assert.equal(await io.read(buffer), 0);
  } finally {
    dialled.close();
    accepted.close();
  }
});

Deno.test("conn-ops: a read pending when the connection closes fails, as Deno.Conn#read's does", async () => {
  const { dialled, accepted } = await pair();
  const pending = fastestOps(accepted).read(new Uint8Array(16));
  accepted.close();
  await assert.rejects(pending);
  dialled.close();
});

Deno.test("conn-ops: a write after the connection closed fails, as Deno.Conn#write's does", async () => {
  const { dialled, accepted } = await pair();
  const io = fastestOps(accepted);
  accepted.close();
  const direct = await io.write(text.encode("late")).then(
    () => null,
    (error: unknown) => error,
  );
  const viaMethod = await accepted.write(text.encode("late")).then(
    () => null,
    (error: unknown) => error,
  );
  assert.ok(direct instanceof Error, "the direct write fails");
  assert.ok(viaMethod instanceof Error, "Deno.Conn#write fails");
  assert.equal(direct.name, viaMethod.name, "with the same kind of error");
  dialled.close();
});

Deno.test("conn-ops: without Deno's core, reads and writes go through Deno.Conn#read / #write", async () => {
  const calls: string[] = [];
  const conn = {
    read: (buffer: Uint8Array) => {
      calls.push(`read ${buffer.length}`);
      buffer[0] = 7;
      return Promise.resolve(1);
    },
    write: (bytes: Uint8Array) => {
      calls.push(`write ${bytes.length}`);
      return Promise.resolve(bytes.length - 1);
    },
    closeWrite: () => {
      calls.push("closeWrite");
      return Promise.resolve();
    },
  };
  const io = directOpsFrom(null)(conn);
  const buffer = new Uint8Array(4);
  assert.equal(await io.read(buffer), 1);
  assert.equal(buffer[0], 7);
  assert.equal(await io.write(new Uint8Array(3)), 2);
  await io.closeWrite();
  assert.deepEqual(calls, ["read 4", "write 3", "closeWrite"]);
});

Deno.test("conn-ops: a connection without a resource id goes through Deno.Conn#read / #write", async () => {
  const ridKey = Symbol("rid");
  const core = {
    read: () => Promise.reject(new Error("the read was started without a resource id")),
    write: () => Promise.reject(new Error("the write was started without a resource id")),
    internalRidSymbol: ridKey,
  };
  const called: string[] = [];
  const conn = {
    read: () => {
      called.push("read");
      return Promise.resolve(null);
    },
    write: () => {
      called.push("write");
      return Promise.resolve(1);
    },
    closeWrite: () => Promise.resolve(),
  };
  const io = directOpsFrom(core)(conn);
  assert.equal(await io.read(new Uint8Array(4)), null);
  assert.equal(await io.write(new Uint8Array(1)), 1);
  assert.deepEqual(called, ["read", "write"]);
  // With an id, the operations are started on it and the methods are not called.
  const started: string[] = [];
  const withId = Object.assign(
    {
      read: () => {
        throw new Error("Deno.Conn#read was called");
      },
      write: () => {
        throw new Error("Deno.Conn#write was called");
      },
      // Half-closing has no operation of Deno's own to skip: the method is called.
      closeWrite: () => {
        started.push("closeWrite");
        return Promise.resolve();
      },
    },
    { [ridKey]: 42 },
  );
  const direct = directOpsFrom({
    read: (rid: number) => {
      started.push(`read ${rid}`);
      return Promise.resolve(3);
    },
    write: (rid: number, bytes: Uint8Array) => {
      started.push(`write ${rid} ${bytes.length}`);
      return Promise.resolve(bytes.length);
    },
    internalRidSymbol: ridKey,
  })(withId);
  assert.equal(await direct.read(new Uint8Array(4)), 3);
  assert.equal(await direct.write(new Uint8Array(5)), 5);
  await direct.closeWrite();
  assert.deepEqual(started, ["read 42", "write 42 5", "closeWrite"]);
});

const publicLayer = denoSocketLayerWith(publicOps);
for (const c of socketLayerCases) {
  const why = skipReason(c, "deno");
  Deno.test({
    name: `socket layer through Deno.Conn#read / #write: ${why === null ? c.name : `${c.name} — skipped on deno: ${why}`}`,
    ignore: why !== null,
    fn: () => c.run(publicLayer),
  });
}
