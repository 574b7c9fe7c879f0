import { describe, expect, it } from "vitest";
import type { ConnectionEvent, RequestInfo } from "../src/api.ts";
import { createClientFactory } from "../src/client.ts";
import { createServe } from "../src/server.ts";
import type { RawSocket } from "../src/socket-layer.ts";
import { memoryLayer } from "./memory-layer.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function setup(serveOptions: Parameters<ReturnType<typeof createServe>>[0]) {
  const layer = memoryLayer();
  const server = await createServe(layer)({ hostname: "127.0.0.1", port: 0, ...serveOptions });
  const client = createClientFactory(layer)();
  return { layer, server, client, base: `http://127.0.0.1:${server.port}` };
}

describe("serve() and createClient() over an in-memory socket layer", () => {
  it("a Web fetch handler answers the client's fetch()", async () => {
    const { server, client, base } = await setup({
      fetch: async (req) =>
        new Response(`${req.method} ${new URL(req.url).pathname} ${await req.text()}`),
    });
    const res = await client.fetch(`${base}/a`, { method: "POST", body: "hi" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("POST /a hi");
    await client.close();
    await server.close();
  });

  it("RFC 9112 §9.3: sequential requests reuse one connection", async () => {
    const { layer, server, client, base } = await setup({
      handler: (ex) => ex.respond(200, [["x-n", String(ex.info.requestNumber)]], "ok"),
    });
    const events: ConnectionEvent[] = [];
    client.on((e) => events.push(e));
    const a = await client.request({ url: `${base}/1` });
    const b = await client.request({ url: `${base}/2` });
    expect(a.reused).toBe(false);
    expect(b.reused).toBe(true);
    expect(b.connection).toBe(a.connection);
    expect(b.fields.get("x-n")).toBe("2");
    expect(layer.connections).toBe(1);
    expect(events.filter((e) => e.type === "connection-opened")).toHaveLength(1);
    await client.close();
    await server.close();
  });

  it("a raw handler's info (made when first read) is one object with the connection's facts, read early or late", async () => {
    const infos: RequestInfo[] = [];
    const again: boolean[] = [];
    const { server, client, base } = await setup({
      handler: async (ex) => {
        // The second request's info is first read after an await and after the answer.
        if (ex.head.target === "/early") infos.push(ex.info);
        await Promise.resolve();
        ex.respond(200, [], "ok");
        await new Promise((r) => setTimeout(r, 1));
        const info = ex.info;
        infos.push(info);
        again.push(ex.info === info);
      },
    });
    const opened: number[] = [];
    server.on((e) => {
      if (e.type === "connection-opened") opened.push(e.connection);
    });
    await client.request({ url: `${base}/early` });
    await client.request({ url: `${base}/late` });
    await client.close();
    await server.close();
    expect(infos[0]).toBe(infos[1]);
    expect(again).toEqual([true, true]);
    const [first, , second] = infos as [RequestInfo, RequestInfo, RequestInfo];
    expect({ ...first }).toEqual({
      remoteAddress: "127.0.0.1",
      remotePort: first.remotePort,
      connection: opened[0],
      requestNumber: 1,
    });
    expect({ ...second }).toEqual({ ...first, requestNumber: 2 });
    expect(first.remotePort).toBeGreaterThan(0);
  });

  it("handlers that finish out of order are still answered in request order (RFC 9112 §9.3.2)", async () => {
    const { server, client, base } = await setup({
      handler: async (ex) => {
        const delay = ex.head.target === "/slow" ? 30 : 0;
        await new Promise((r) => setTimeout(r, delay));
        ex.respond(200, [], ex.head.target);
      },
      maxPipelinedRequests: 4,
    });
    const [slow, fast] = await Promise.all([
      client.request({ url: `${base}/slow` }),
      client.request({ url: `${base}/fast` }),
    ]);
    expect(text(slow.body)).toBe("/slow");
    expect(text(fast.body)).toBe("/fast");
    await client.close();
    await server.close();
  });

  it("compactIdleAfterMs reaches core: a connection idle past it serves its next request on the same socket", async () => {
    const { layer, server, client, base } = await setup({
      handler: (ex) => ex.respond(200, [["x-n", String(ex.info.requestNumber)]], "ok"),
      compactIdleAfterMs: 0,
    });
    const a = await client.request({ url: `${base}/` });
    await new Promise((r) => setTimeout(r, 30));
    const b = await client.request({ url: `${base}/` });
    expect(text(b.body)).toBe("ok");
    expect(b.connection).toBe(a.connection);
    // The request count survives compaction (max-requests and Keep-Alive: max rely on it).
    expect(b.fields.get("x-n")).toBe("2");
    expect(layer.connections).toBe(1);
    await client.close();
    await server.close();
  });

  it("an invalid compactIdleAfterMs is refused by core's option check", async () => {
    const serve = createServe(memoryLayer());
    await expect(
      (async () => serve({ handler: (ex) => ex.respond(200, [], "ok"), compactIdleAfterMs: -1 }))(),
    ).rejects.toThrow(/compactIdleAfterMs/);
  });

  it("a handler that throws gets a 500 and the server keeps serving", async () => {
    const errors: unknown[] = [];
    const { server, client, base } = await setup({
      handler: (ex) => {
        if (ex.head.target === "/boom") throw new Error("boom");
        ex.respond(200, [], "fine");
      },
      onError: (e) => errors.push(e),
    });
    const boom = await client.request({ url: `${base}/boom` });
    expect(boom.status).toBe(500);
    const fine = await client.request({ url: `${base}/fine` });
    expect(text(fine.body)).toBe("fine");
    expect(errors).toHaveLength(1);
    await client.close();
    await server.close();
  });

  it("RFC 9110 §9.3.2: HEAD gets the head of the GET, with its Content-Length and no body", async () => {
    const { server, client, base } = await setup({ fetch: () => new Response("twelve bytes") });
    const res = await client.request({ url: `${base}/`, method: "HEAD" });
    expect(res.fields.get("content-length")).toBe("12");
    expect(res.body.length).toBe(0);
    await client.close();
    await server.close();
  });

  it("a streamed Web response body is sent chunked and arrives whole through fetch()", async () => {
    const { server, client, base } = await setup({
      fetch: () =>
        new Response(
          new ReadableStream({
            async start(controller) {
              for (let i = 0; i < 5; i++) {
                controller.enqueue(new TextEncoder().encode(`part${i};`));
                await new Promise((r) => setTimeout(r, 2));
              }
              controller.close();
            },
          }),
        ),
    });
    const res = await client.fetch(`${base}/s`);
    expect(res.headers.get("transfer-encoding")).toBe("chunked");
    expect(await res.text()).toBe("part0;part1;part2;part3;part4;");
    await client.close();
    await server.close();
  });

  it("a refused connection fails the request with a typed error after bounded attempts", async () => {
    const layer = memoryLayer();
    const client = createClientFactory(layer)({ maxAttempts: 2 });
    await expect(client.request({ url: "http://127.0.0.1:1/x" })).rejects.toMatchObject({
      name: "RequestError",
    });
    await client.close();
  });

  it("RFC 9110 §9.3.6: takeOver() answers CONNECT with 200 and hands over the socket, early bytes first", async () => {
    const layer = memoryLayer();
    const server = await createServe(layer)({
      hostname: "127.0.0.1",
      port: 0,
      handler: (ex) => {
        let socket: RawSocket | null = null;
        ex.takeOver(200, [["X-Tunnel", "yes"]], {
          open: (s) => {
            socket = s;
          },
          // An echo, shouting.
          data: (bytes) => socket?.write([new TextEncoder().encode(text(bytes).toUpperCase())]),
          end: () => socket?.shutdownWrite(),
          drain: () => {},
          close: () => {},
        });
      },
    });
    let seen = "";
    let client: RawSocket | null = null;
    const gotEcho = new Promise<void>((resolve) => {
      layer.connect(
        { hostname: "127.0.0.1", port: server.port },
        {
          open: (s) => {
            client = s;
            s.write([
              new TextEncoder().encode(
                "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\nearly",
              ),
            ]);
          },
          data: (bytes) => {
            seen += text(bytes);
            if (seen.endsWith("EARLY")) resolve();
          },
          end: () => {},
          drain: () => {},
          close: () => {},
        },
      );
    });
    await gotEcho;
    expect(seen).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(seen).toMatch(/X-Tunnel: yes\r\n\r\nEARLY$/);
    expect(seen).not.toMatch(/content-length|transfer-encoding/i);
    // The server no longer tracks the tunnel: close() does not wait for it.
    await server.close();
    (client as RawSocket | null)?.close();
  });

  it("takeOver() is only for CONNECT (2xx) or Upgrade (101): a TypeError otherwise", async () => {
    let thrown: unknown;
    const { server, client, base } = await setup({
      handler: (ex) => {
        try {
          ex.takeOver(200, [], { open() {}, data() {}, end() {}, drain() {}, close() {} });
        } catch (error) {
          thrown = error;
          ex.respond(200, [], "normal");
        }
      },
    });
    const r = await client.request({ url: `${base}/` });
    expect(text(r.body)).toBe("normal");
    expect(thrown).toBeInstanceOf(TypeError);
    await client.close();
    await server.close();
  });

  it("https through a proxy on a layer without startTls fails with TLS_FAILED, once", async () => {
    const layer = memoryLayer();
    const proxy = await createServe(layer)({
      hostname: "127.0.0.1",
      port: 0,
      handler: (ex) => {
        ex.takeOver(200, [], { open() {}, data() {}, end() {}, drain() {}, close() {} });
      },
    });
    const client = createClientFactory(layer)({ proxy: `http://127.0.0.1:${proxy.port}` });
    await expect(client.request({ url: "https://a.test/" })).rejects.toMatchObject({
      name: "RequestError",
      code: "TLS_FAILED",
      attempts: { count: 1 },
    });
    await client.close();
    await proxy.close();
  });

  it("graceful close: server.close() waits for an in-flight response", async () => {
    let release: () => void = () => {};
    let entered: () => void = () => {};
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    const { server, client, base } = await setup({
      handler: async (ex) => {
        await new Promise<void>((r) => {
          release = r;
          entered();
        });
        ex.respond(200, [], "late");
      },
    });
    const pending = client.request({ url: `${base}/` });
    // Close only once the request is in the handler (no sleep: a busy
    // machine may take longer than any fixed wait to get it there).
    await inHandler;
    const closing = server.close();
    release();
    const res = await pending;
    expect(text(res.body)).toBe("late");
    expect(res.fields.get("connection")).toBe("close");
    await closing;
    await client.close();
  });
});
