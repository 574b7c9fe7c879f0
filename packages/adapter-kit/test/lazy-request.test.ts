/**
 * The `Request` a fetch handler receives is built on demand (lazy-request.ts):
 * it must behave like the runtime's own `Request` for everything a handler
 * can do with it. Runs under vitest (Node) and `bun test`.
 */
import { Fields, type RequestHead } from "@tether/core";
import { describe, expect, it } from "vitest";
import { LazyRequest } from "../src/lazy-request.ts";
import { toWebRequest } from "../src/web.ts";

function head(method: string, target: string, raw: string[]): RequestHead {
  return {
    method,
    target,
    targetForm: target.startsWith("http") ? "absolute" : "origin",
    version: "1.1",
    minor: 1,
    fields: new Fields(raw),
  };
}

const enc = new TextEncoder();

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c));
      controller.close();
    },
  });
}

const GET = () =>
  toWebRequest(
    head("GET", "/a/../b?x=1", ["Host", "example.test:8080", "Accept", "a", "accept", "b"]),
    null,
    "fallback:1",
  );

describe("the lazy Request of a fetch handler", () => {
  it("is instanceof Request and reports itself as one", () => {
    const req = GET();
    expect(req).toBeInstanceOf(Request);
    expect(Object.prototype.toString.call(req)).toBe("[object Request]");
  });

  it("answers method, url and headers without building the native Request", () => {
    const req = GET();
    expect(req.method).toBe("GET");
    // The URL Standard's serialization, as Request#url gives it (dot segments removed).
    expect(req.url).toBe(new Request("http://example.test:8080/a/../b?x=1").url);
    expect(req.url).toBe("http://example.test:8080/b?x=1");
    expect(req.headers.get("accept")).toBe("a, b");
    expect(req.headers.get("host")).toBe("example.test:8080");
    expect(req.headers).toBe(req.headers);
    expect(req.body).toBeNull();
    expect(req.bodyUsed).toBe(false);
    expect(LazyRequest.materialized(req)).toBe(false);
  });

  it("RFC 9112 §3.2: without Host the server's own authority names the URL", () => {
    const req = toWebRequest(head("GET", "/p", []), null, "fallback:1");
    expect(req.url).toBe("http://fallback:1/p");
  });

  it("reads a body with text(), and then reports it used", async () => {
    const req = toWebRequest(
      head("POST", "/up", ["Host", "h", "Content-Length", "5"]),
      streamOf("he", "llo"),
      "h",
    );
    expect(req.bodyUsed).toBe(false);
    expect(await req.text()).toBe("hello");
    expect(req.bodyUsed).toBe(true);
    await expect(req.text()).rejects.toThrow(TypeError);
  });

  it("reads a body with arrayBuffer() and json()", async () => {
    const a = toWebRequest(head("PUT", "/", ["Host", "h"]), streamOf("ab", "c"), "h");
    expect(new Uint8Array(await a.arrayBuffer())).toEqual(enc.encode("abc"));
    const j = toWebRequest(head("PATCH", "/", ["Host", "h"]), streamOf('{"a":', "1}"), "h");
    expect(await j.json()).toEqual({ a: 1 });
  });

  it("exposes the body as a stream", async () => {
    const req = toWebRequest(head("POST", "/", ["Host", "h"]), streamOf("x", "y"), "h");
    const body = req.body as ReadableStream<Uint8Array>;
    expect(body).toBeInstanceOf(ReadableStream);
    const reader = body.getReader();
    const parts: string[] = [];
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      parts.push(new TextDecoder().decode(r.value));
    }
    expect(parts.join("")).toBe("xy");
  });

  it("a GET has no body (Fetch Standard), even when bytes were sent", async () => {
    const req = toWebRequest(head("GET", "/", ["Host", "h"]), streamOf("ignored"), "h");
    expect(req.body).toBeNull();
    expect(await req.text()).toBe("");
  });

  it("makes the signal only when it is read, and it follows the connection's", () => {
    const controller = new AbortController();
    let made = 0;
    const req = toWebRequest(head("GET", "/", ["Host", "h"]), null, "h", () => {
      made++;
      return controller.signal;
    });
    expect(req.method).toBe("GET");
    expect(made).toBe(0);
    const signal = req.signal;
    expect(made).toBe(1);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal.aborted).toBe(false);
    controller.abort();
    expect(req.signal.aborted).toBe(true);
    expect(made).toBe(1);
  });

  it("clone() gives a native Request with the same method, url, headers and body", async () => {
    const req = toWebRequest(head("POST", "/c", ["Host", "h", "X-A", "1"]), streamOf("body"), "h");
    req.headers.set("x-b", "2"); // a change made before the native Request exists is kept
    const copy = req.clone();
    expect(copy).toBeInstanceOf(Request);
    expect(LazyRequest.materialized(req)).toBe(true);
    expect(copy.method).toBe("POST");
    expect(copy.url).toBe("http://h/c");
    expect(copy.headers.get("x-a")).toBe("1");
    expect(copy.headers.get("x-b")).toBe("2");
    expect(await copy.text()).toBe("body");
    expect(await req.text()).toBe("body");
  });

  it("forwards the other attributes to the native Request", () => {
    const req = GET();
    const native = new Request("http://example.test:8080/b?x=1");
    expect(req.cache).toBe(native.cache);
    expect(req.mode).toBe(native.mode);
    expect(req.redirect).toBe(native.redirect);
    expect(req.credentials).toBe(native.credentials);
    expect(req.referrer).toBe(native.referrer);
  });

  it("other methods get the native Request at once: normalized, or refused as before", () => {
    const lower = toWebRequest(head("delete", "/", ["Host", "h"]), null, "h");
    expect(lower.method).toBe("DELETE");
    expect(LazyRequest.materialized(lower)).toBe(false); // a native one: no lazy slot at all
    const custom = toWebRequest(head("PROPFIND", "/", ["Host", "h"]), null, "h");
    expect(custom.method).toBe("PROPFIND");
    // TRACE: whatever the runtime's Request does (Node and Deno refuse it, Bun allows it).
    let nativeError: unknown = null;
    try {
      new Request("http://h/", { method: "TRACE" });
    } catch (error) {
      nativeError = error;
    }
    const trace = () => toWebRequest(head("TRACE", "/", ["Host", "h"]), null, "h");
    if (nativeError === null) expect(trace().method).toBe("TRACE");
    else expect(trace).toThrow(TypeError);
  });

  it("the Fetch Standard's upper-case methods are lazy; only GET and HEAD drop the body", async () => {
    for (const method of ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const req = toWebRequest(head(method, "/", ["Host", "h"]), streamOf("sent"), "h");
      expect(req.method).toBe(method);
      expect(LazyRequest.materialized(req)).toBe(false);
      expect(Object.hasOwn(req, "method")).toBe(false); // a lazy one: the getter answers
      const bodyless = method === "GET" || method === "HEAD";
      expect(req.body === null).toBe(bodyless);
      expect(await req.text()).toBe(bodyless ? "" : "sent");
    }
    // Near misses build the native Request at once (normalized as before).
    for (const method of ["Get", "post", "GETS", "GE"]) {
      const req = toWebRequest(head(method, "/", ["Host", "h"]), null, "h");
      expect(req.method).toBe(new Request("http://h/", { method }).method);
    }
  });

  it("keeps what it made on demand, before and after the native Request exists", () => {
    const before = GET();
    const headers = before.headers;
    const url = before.url;
    headers.set("x-late", "1"); // read and changed before the native Request exists
    const copy = before.clone();
    expect(LazyRequest.materialized(before)).toBe(true);
    expect(before.headers).toBe(headers);
    expect(before.url).toBe(url);
    expect(copy.headers.get("x-late")).toBe("1");
    const after = GET();
    expect(after.clone().url).toBe("http://example.test:8080/b?x=1"); // the native one first
    expect(LazyRequest.materialized(after)).toBe(true);
    expect(after.url).toBe("http://example.test:8080/b?x=1");
    expect(after.headers.get("accept")).toBe("a, b");
    expect(after.headers).toBe(after.headers);
    expect(after.bodyUsed).toBe(false);
  });

  it("a bad URL fails when it is read, with the TypeError Request would throw", () => {
    const req = toWebRequest(head("GET", "/", ["Host", "bad host"]), null, "h");
    expect(req.method).toBe("GET");
    expect(() => req.url).toThrow(TypeError);
  });
});
