/**
 * The `Response` of the client's `fetch()`: lazy on Node (client-response.ts),
 * native elsewhere. Both must behave as a Web `Response` does, whatever the
 * caller reads first.
 */
import { describe, expect, it } from "vitest";
import { createClientFactory } from "../src/client.ts";
import { LazyResponse } from "../src/client-response.ts";
import { createServe } from "../src/server.ts";
import { memoryLayer } from "./memory-layer.ts";

const BODY = JSON.stringify({ hello: "wörld", n: [1, 2, 3] });

async function setup(runtime: string) {
  const layer = { ...memoryLayer(), runtime };
  const server = await createServe(layer)({
    hostname: "127.0.0.1",
    port: 0,
    handler: (ex) => {
      const t = ex.head.target;
      if (t === "/empty") return ex.respond(204, [], "");
      if (t === "/big")
        return ex.respond(
          200,
          [["content-type", "application/octet-stream"]],
          new Uint8Array(300_000).fill(7),
        );
      return ex.respond(
        200,
        [
          ["content-type", "application/json"],
          ["x-a", "1"],
          ["x-a", "2"],
        ],
        BODY,
      );
    },
  });
  const client = createClientFactory(layer)();
  const base = `http://127.0.0.1:${server.port}`;
  return {
    client,
    base,
    done: async () => {
      await client.close();
      await server.close();
    },
  };
}

for (const runtime of ["node", "memory"]) {
  describe(`fetch()'s Response (${runtime === "node" ? "lazy, as on Node" : "native"})`, () => {
    it("is a Response: status, ok, statusText, headers (repeated fields joined), text(), then bodyUsed", async () => {
      const { client, base, done } = await setup(runtime);
      const res = await client.fetch(`${base}/a`);
      expect(res).toBeInstanceOf(Response);
      expect(res.status).toBe(200);
      expect(res.ok).toBe(true);
      expect(res.statusText).toBe("OK");
      expect(res.headers.get("x-a")).toBe("1, 2");
      expect(res.headers).toBe(res.headers);
      expect(res.bodyUsed).toBe(false);
      expect(await res.text()).toBe(BODY);
      expect(res.bodyUsed).toBe(true);
      await expect(res.text()).rejects.toBeInstanceOf(TypeError);
      await done();
    });

    it("json(), arrayBuffer() and the body stream give the same octets", async () => {
      const { client, base, done } = await setup(runtime);
      expect(await (await client.fetch(`${base}/a`)).json()).toEqual(JSON.parse(BODY));
      const bytes = new Uint8Array(await (await client.fetch(`${base}/a`)).arrayBuffer());
      expect(new TextDecoder().decode(bytes)).toBe(BODY);
      const res = await client.fetch(`${base}/a`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const parts: Uint8Array[] = [];
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        parts.push(r.value);
      }
      expect(new TextDecoder().decode(Buffer.concat(parts))).toBe(BODY);
      expect(res.bodyUsed).toBe(true);
      await done();
    });

    it("clone() and blob() work (they use the native Response)", async () => {
      const { client, base, done } = await setup(runtime);
      const res = await client.fetch(`${base}/a`);
      const copy = res.clone();
      expect(await copy.text()).toBe(BODY);
      const blob = await res.blob();
      expect(blob.type).toBe("application/json");
      expect(blob.size).toBe(new TextEncoder().encode(BODY).length);
      await done();
    });

    it("a null body status has a null body and reads as empty", async () => {
      const { client, base, done } = await setup(runtime);
      const res = await client.fetch(`${base}/empty`);
      expect(res.status).toBe(204);
      expect(res.body).toBeNull();
      expect(await res.text()).toBe("");
      await done();
    });

    it("a body larger than the read window arrives whole, read whole or streamed", async () => {
      const { client, base, done } = await setup(runtime);
      const a = await client.fetch(`${base}/big`);
      expect((await a.arrayBuffer()).byteLength).toBe(300_000);
      const b = await client.fetch(`${base}/big`);
      let n = 0;
      for await (const chunk of b.body as unknown as AsyncIterable<Uint8Array>) n += chunk.length;
      expect(n).toBe(300_000);
      await done();
    });
  });
}

describe("LazyResponse", () => {
  it("forwards what it does not answer itself to the native Response (e.g. formData)", async () => {
    const source = {
      wholeBody: () => Promise.resolve(new TextEncoder().encode("a=1&b=2")),
      bodyStream: () => new Response("a=1&b=2").body as ReadableStream<Uint8Array>,
    };
    const res = LazyResponse.of({
      status: 200,
      statusText: "OK",
      fields: ["Content-Type", "application/x-www-form-urlencoded"],
      source,
    });
    const form = await res.formData();
    expect(form.get("b")).toBe("2");
    expect(res.bodyUsed).toBe(true);
  });

  it("a body that is part of a larger read buffer is read as its own octets only", async () => {
    // What a socket read looks like: head and body in one Buffer, the body a view of it.
    const read = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nBODY");
    const body = read.subarray(read.length - 4);
    const make = (complete: boolean) =>
      LazyResponse.of({
        status: 200,
        statusText: "OK",
        fields: [],
        source: {
          wholeBody: () => Promise.resolve(body),
          bodyStream: () => new ReadableStream(),
          ...(complete ? { completeBody: () => body } : {}),
        },
      });
    for (const complete of [true, false]) {
      const ab = await make(complete).arrayBuffer();
      expect(ab.byteLength).toBe(4);
      expect(new TextDecoder().decode(ab)).toBe("BODY");
      const res = make(complete) as Response & { bytes(): Promise<Uint8Array> };
      const bytes = await res.bytes();
      expect(bytes.byteLength).toBe(4);
      expect(bytes.buffer.byteLength).toBe(4);
      expect(await make(complete).text()).toBe("BODY");
    }
  });

  it("a body read whole once is not readable again (Fetch Standard: disturbed)", async () => {
    const res = LazyResponse.of({
      status: 200,
      statusText: "OK",
      fields: [],
      source: {
        wholeBody: () => Promise.resolve(new Uint8Array([1])),
        bodyStream: () => new ReadableStream(),
        completeBody: () => new Uint8Array([1]),
      },
    });
    expect((await res.arrayBuffer()).byteLength).toBe(1);
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toBeInstanceOf(TypeError);
  });

  it("json() of a complete body that is not JSON rejects (never throws)", async () => {
    const res = LazyResponse.of({
      status: 200,
      statusText: "OK",
      fields: [],
      source: {
        wholeBody: () => Promise.resolve(new TextEncoder().encode("{")),
        bodyStream: () => new ReadableStream(),
        completeBody: () => new TextEncoder().encode("{"),
      },
    });
    const p = res.json();
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toBeInstanceOf(SyntaxError);
  });

  it("a body read whole rejects with the source's error", async () => {
    const error = new Error("cut");
    const res = LazyResponse.of({
      status: 200,
      statusText: "OK",
      fields: [],
      source: { wholeBody: () => Promise.reject(error), bodyStream: () => new ReadableStream() },
    });
    await expect(res.arrayBuffer()).rejects.toBe(error);
  });
});
