import type { TargetForm } from "@tether/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CHUNK_SIZE, originFormOf, pathOf, route } from "../src/routes.ts";
import { expectBytes, fakeExchange, field } from "./fakes.ts";

const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/** Byte i is i mod 256. */
function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 256);
}

describe("request-target paths (RFC 9112 §3.2)", () => {
  it.each<[string, TargetForm, string, string]>([
    ["/echo", "origin", "/echo", "/echo"],
    ["/echo?x=1&y", "origin", "/echo?x=1&y", "/echo"],
    ["http://example.test/echo?x=1", "absolute", "/echo?x=1", "/echo"],
    ["http://example.test:8080/bytes/3", "absolute", "/bytes/3", "/bytes/3"],
    ["http://example.test", "absolute", "/", "/"],
    ["http://example.test?q", "absolute", "/?q", "/"],
    ["*", "asterisk", "*", "*"],
  ])("%s (%s) → origin-form %s, path %s", (target, form, originForm, path) => {
    expect(originFormOf(target, form)).toBe(originForm);
    expect(pathOf(target, form)).toBe(path);
  });
});

describe("/echo", () => {
  it("answers 200 with method, target, version, raw headers and body as JSON", async () => {
    const ex = fakeExchange({
      method: "POST",
      target: "/echo?x=1",
      fields: ["Host", "example.test", "X-Dup", "a", "x-dup", "b", "Content-Length", "12"],
      body: "héllo ✓",
    });
    await route(ex);
    expect(ex.answer?.status).toBe(200);
    expect(field(ex.answer, "content-type")).toBe("application/json");
    const json = text(ex.answer?.body);
    expect(JSON.parse(json)).toEqual({
      method: "POST",
      target: "/echo?x=1",
      version: "1.1",
      headers: [
        ["Host", "example.test"],
        ["X-Dup", "a"],
        ["x-dup", "b"],
        ["Content-Length", "12"],
      ],
      body: "héllo ✓",
    });
    // Keys in the contract's order.
    expect(Object.keys(JSON.parse(json))).toEqual([
      "method",
      "target",
      "version",
      "headers",
      "body",
    ]);
    expect(field(ex.answer, "content-length")).toBe(String(ex.answer?.body?.length));
  });

  it("decodes the body as UTF-8, keeping a BOM and replacing invalid bytes", async () => {
    const ex = fakeExchange({
      method: "POST",
      target: "/echo",
      body: new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0xff]),
    });
    await route(ex);
    expect(JSON.parse(text(ex.answer?.body)).body).toBe("\ufeffa\ufffd");
  });

  it("keeps an absolute-form target and HTTP/1.0 as received", async () => {
    const ex = fakeExchange({
      target: "http://example.test/echo",
      targetForm: "absolute",
      version: "1.0",
    });
    await route(ex);
    const echoed = JSON.parse(text(ex.answer?.body));
    expect(echoed.target).toBe("http://example.test/echo");
    expect(echoed.version).toBe("1.0");
    expect(echoed.body).toBe("");
  });

  it("RFC 9110 §9.3.2: HEAD gets the same head (Content-Length included) without a body", async () => {
    const head = fakeExchange({ method: "HEAD", target: "/echo" });
    await route(head);
    expect(head.answer?.status).toBe(200);
    expect(head.answer?.body).toBeUndefined();
    expect(head.answer?.streamed).toBe(false);
    expect(field(head.answer, "content-type")).toBe("application/json");
    const wouldBe = JSON.stringify({
      method: "HEAD",
      target: "/echo",
      version: "1.1",
      headers: [["Host", "example.test"]],
      body: "",
    });
    expect(field(head.answer, "content-length")).toBe(String(wouldBe.length));
  });

  it("is /echo only: /echo/ and /echoes are other paths", async () => {
    for (const target of ["/echo/", "/echoes"]) {
      const ex = fakeExchange({ target });
      await route(ex);
      expect(text(ex.answer?.body)).toBe("ok");
    }
  });
});

describe("/bytes/N", () => {
  it.each([0, 1, 255, 256, 1000, CHUNK_SIZE])(
    "N=%i: one buffer, byte i = i mod 256, Content-Length N",
    async (n) => {
      const ex = fakeExchange({ target: `/bytes/${n}` });
      await route(ex);
      expect(ex.answer?.status).toBe(200);
      expect(ex.answer?.streamed).toBe(false);
      expect(field(ex.answer, "content-length")).toBe(String(n));
      expectBytes(ex.answer?.body, pattern(n));
    },
  );

  it.each([CHUNK_SIZE + 1, 100_000, 1024 * 1024])(
    "N=%i: streamed with bodyLength N and Content-Length N",
    async (n) => {
      const ex = fakeExchange({ target: `/bytes/${n}?cache=no` });
      await route(ex);
      expect(ex.answer?.streamed).toBe(true);
      expect(ex.answer?.bodyLength).toBe(n);
      expect(field(ex.answer, "content-length")).toBe(String(n));
      expect(ex.answer?.ended).toBe(true);
      expectBytes(ex.answer?.body, pattern(n));
    },
  );

  it("works for an absolute-form target", async () => {
    const ex = fakeExchange({ target: "http://example.test/bytes/3", targetForm: "absolute" });
    await route(ex);
    expectBytes(ex.answer?.body, pattern(3));
  });

  it("RFC 9110 §9.3.2: HEAD gets Content-Length N and no body", async () => {
    const ex = fakeExchange({ method: "HEAD", target: "/bytes/100000" });
    await route(ex);
    expect(ex.answer?.streamed).toBe(false);
    expect(ex.answer?.body).toBeUndefined();
    expect(field(ex.answer, "content-length")).toBe("100000");
  });
});

describe("/chunked/N", () => {
  it.each([1, 300, CHUNK_SIZE, 3 * CHUNK_SIZE + 7])(
    "N=%i: streamed with bodyLength null, same bytes, no Content-Length",
    async (n) => {
      const ex = fakeExchange({ target: `/chunked/${n}` });
      await route(ex);
      expect(ex.answer?.streamed).toBe(true);
      expect(ex.answer?.bodyLength).toBeNull();
      expect(field(ex.answer, "content-length")).toBeUndefined();
      expect(field(ex.answer, "transfer-encoding")).toBeUndefined();
      expectBytes(ex.answer?.body, pattern(n));
      expect(ex.answer?.writes).toBe(Math.ceil(n / CHUNK_SIZE));
      expect(ex.answer?.ended).toBe(true);
    },
  );

  it("N=0: a stream that ends at once", async () => {
    const ex = fakeExchange({ target: "/chunked/0" });
    await route(ex);
    expect(ex.answer?.bodyLength).toBeNull();
    expect(ex.answer?.writes).toBe(0);
    expect(ex.answer?.ended).toBe(true);
  });

  it("HEAD: a head without framing fields or body", async () => {
    const ex = fakeExchange({ method: "HEAD", target: "/chunked/10" });
    await route(ex);
    expect(ex.answer?.streamed).toBe(false);
    expect(ex.answer?.body).toBeUndefined();
    expect(field(ex.answer, "content-length")).toBeUndefined();
  });
});

describe("/close, /delay, other paths", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("/close answers ok with Connection: close", async () => {
    const ex = fakeExchange({ target: "/close" });
    await route(ex);
    expect(ex.answer?.status).toBe(200);
    expect(field(ex.answer, "connection")).toBe("close");
    expect(text(ex.answer?.body)).toBe("ok");
  });

  it("/delay/MS answers ok after MS milliseconds, not before", async () => {
    vi.useFakeTimers();
    const ex = fakeExchange({ target: "/delay/1500" });
    const done = route(ex);
    await vi.advanceTimersByTimeAsync(1499);
    expect(ex.answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(ex.answer?.status).toBe(200);
    expect(text(ex.answer?.body)).toBe("ok");
  });

  it("/delay/0 answers on the next timer tick", async () => {
    vi.useFakeTimers();
    const ex = fakeExchange({ target: "/delay/0" });
    const done = route(ex);
    await vi.advanceTimersByTimeAsync(0);
    await done;
    expect(text(ex.answer?.body)).toBe("ok");
  });

  it.each(["/", "/anything", "/x?y=z", "*"])("%s answers 200 ok", async (target) => {
    const ex = fakeExchange({
      method: target === "*" ? "OPTIONS" : "GET",
      target,
      targetForm: target === "*" ? "asterisk" : "origin",
    });
    await route(ex);
    expect(ex.answer?.status).toBe(200);
    expect(text(ex.answer?.body)).toBe("ok");
    expect(field(ex.answer, "content-length")).toBe("2");
  });

  it("reads and ignores a request body on any path", async () => {
    const ex = fakeExchange({ method: "PUT", target: "/x", body: "x".repeat(1000) });
    await route(ex);
    expect(text(ex.answer?.body)).toBe("ok");
  });

  it.each(["/bytes/", "/bytes/x", "/bytes/-1", "/bytes/1/2", "/chunked/1e3", "/delay/2147483648"])(
    "%s: a malformed number is a 400",
    async (target) => {
      const ex = fakeExchange({ target });
      await route(ex);
      expect(ex.answer?.status).toBe(400);
    },
  );

  it("RFC 9110 §9.3.6: CONNECT gets 501, never a 2xx that would open a tunnel", async () => {
    const ex = fakeExchange({
      method: "CONNECT",
      target: "example.test:443",
      targetForm: "authority",
    });
    await route(ex);
    expect(ex.answer?.status).toBe(501);
  });
});
