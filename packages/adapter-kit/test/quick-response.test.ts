/**
 * QuickResponse (quick-response.ts) must behave as the runtime's `Response`
 * in everything an application can observe, while keeping string and bytes
 * content unstreamed until asked for. Runs under vitest (Node) and `bun test`.
 */
import { describe, expect, it } from "vitest";
import type { ServeOptions } from "../src/api.ts";
import { installQuickResponse, QuickResponse } from "../src/quick-response.ts";
import { exchange } from "./server-harness.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("QuickResponse", () => {
  it("is a Response with the status, reason and headers given", () => {
    const r = new QuickResponse("hi", { status: 201, statusText: "Made", headers: { "x-a": "1" } });
    expect(r).toBeInstanceOf(Response);
    expect(r).toBeInstanceOf(QuickResponse);
    expect(r.status).toBe(201);
    expect(r.statusText).toBe("Made");
    expect(r.ok).toBe(true);
    expect(r.headers.get("x-a")).toBe("1");
    expect(r.type).toBe(new Response("hi").type);
  });

  it("Fetch Standard: a string gets text/plain;charset=UTF-8 unless a Content-Type is given; bytes none", () => {
    expect(new QuickResponse("s").headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    const typed = new QuickResponse("s", { headers: { "content-type": "text/html" } });
    expect(typed.headers.get("content-type")).toBe("text/html");
    expect(new QuickResponse(enc.encode("b")).headers.get("content-type")).toBeNull();
  });

  it("keeps its content unstreamed until the body is asked for", () => {
    const r = new QuickResponse("kept");
    expect(QuickResponse.contentOf(r)).toBe("kept");
    expect(r.bodyUsed).toBe(false);
    expect(QuickResponse.contentOf(r)).toBe("kept");
    expect(r.body).toBeInstanceOf(ReadableStream);
    expect(QuickResponse.contentOf(r)).toBeUndefined();
    expect(QuickResponse.contentOf(new Response("native"))).toBeUndefined();
  });

  it("contentOf: a subclass's content is read; an object made from the prototype alone has none", () => {
    class Mine extends QuickResponse {}
    expect(QuickResponse.contentOf(new Mine("sub"))).toBe("sub");
    // It carries the prototype's mark but not the private content field.
    const hollow = Object.create(QuickResponse.prototype) as Response;
    expect(QuickResponse.contentOf(hollow)).toBeUndefined();
    expect(QuickResponse.contentOf(Object.create(Response.prototype) as Response)).toBeUndefined();
  });

  it("reads as text, bytes, JSON and Blob; then reports the body used", async () => {
    const t = new QuickResponse("héllo");
    expect(await t.text()).toBe("héllo");
    expect(t.bodyUsed).toBe(true);
    await expect(t.text()).rejects.toThrow(TypeError);
    const a = new QuickResponse(enc.encode("ab"));
    expect(new Uint8Array(await a.arrayBuffer())).toEqual(enc.encode("ab"));
    expect(await new QuickResponse('{"a":1}').json()).toEqual({ a: 1 });
    const blob = await new QuickResponse("xyz").blob();
    expect(blob.size).toBe(3);
  });

  it("streams its body", async () => {
    const reader = (new QuickResponse("stream me").body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      text += dec.decode(r.value, { stream: true });
    }
    expect(text).toBe("stream me");
  });

  it("copies the bytes it is given (Fetch Standard: a body is a copy of a buffer source)", async () => {
    const bytes = enc.encode("abc");
    const r = new QuickResponse(bytes);
    bytes[0] = 0x7a;
    expect(await r.text()).toBe("abc");
    const buffer = enc.encode("def").buffer;
    const b = new QuickResponse(buffer);
    new Uint8Array(buffer)[0] = 0x7a;
    expect(await b.text()).toBe("def");
  });

  it("clone() before a read is a quick copy; after a read it throws like Response", async () => {
    const r = new QuickResponse("twice", { status: 202, headers: { "x-a": "1" } });
    const c = r.clone();
    expect(c).toBeInstanceOf(QuickResponse);
    expect(c.status).toBe(202);
    expect(c.headers.get("x-a")).toBe("1");
    expect(await c.text()).toBe("twice");
    expect(await r.text()).toBe("twice");
    expect(() => r.clone()).toThrow(TypeError);
  });

  it("Fetch Standard: a null body status with content is refused; without content it is fine", () => {
    expect(() => new QuickResponse("x", { status: 204 })).toThrow(TypeError);
    expect(() => new QuickResponse("x", { status: 304 })).toThrow(TypeError);
    expect(new QuickResponse(null, { status: 204 }).status).toBe(204);
  });

  it("leaves streams, Blobs and null to the runtime", async () => {
    const s = new QuickResponse(
      new ReadableStream({
        start(c) {
          c.enqueue(enc.encode("s"));
          c.close();
        },
      }),
    );
    expect(QuickResponse.contentOf(s)).toBeUndefined();
    expect(await s.text()).toBe("s");
    expect(await new QuickResponse(new Blob(["b"])).text()).toBe("b");
    const n = new QuickResponse(null);
    expect(n.body).toBeNull();
    expect(await n.text()).toBe("");
  });

  it("installQuickResponse() swaps the global Response, keeps instanceof for every Response, and undoes", () => {
    const native = globalThis.Response;
    const restore = installQuickResponse();
    try {
      expect(globalThis.Response).toBe(QuickResponse);
      expect(new Response("x")).toBeInstanceOf(QuickResponse);
      expect(new native("y") instanceof Response).toBe(true);
      expect(Response.json(1) instanceof Response).toBe(true);
    } finally {
      restore();
    }
    expect(globalThis.Response).toBe(native);
  });
});

/** Serves `fetch` and sends one request; resolves with everything read until the server closes. */
const wire = (fetch: NonNullable<ServeOptions["fetch"]>, method = "GET"): Promise<string> =>
  exchange({ fetch }, `${method} / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);

describe("serve() with a QuickResponse", () => {
  it("RFC 9112 §6.2: writes the content with its Content-Length, without making its stream", async () => {
    let sent: QuickResponse | null = null;
    const text = await wire(() => {
      sent = new QuickResponse("Hello, World!", { headers: { "content-type": "text/plain" } });
      return sent;
    });
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain("\r\ncontent-length: 13\r\n");
    expect(text.endsWith("\r\n\r\nHello, World!")).toBe(true);
    expect(QuickResponse.contentOf(sent as unknown as Response)).toBe("Hello, World!");
  });

  it("RFC 9110 §9.3.2: HEAD gets the Content-Length and no content", async () => {
    const text = await wire(() => new QuickResponse("abc"), "HEAD");
    expect(text.toLowerCase()).toContain("\r\ncontent-length: 3\r\n");
    expect(text.endsWith("\r\n\r\n")).toBe(true);
  });
});
