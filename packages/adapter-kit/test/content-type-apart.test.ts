import { afterEach, describe, expect, it, vi } from "vitest";
import { contentTypeApart } from "../src/content-type-apart.ts";

const INNER = Symbol("inner");
const APART = Symbol("type apart");

/**
 * A stand-in for a runtime's `Response` that keeps a lone Content-Type of
 * its init beside the inner field list, the way Deno 2.9 does; `liar`
 * makes `headers` disagree with what is kept apart.
 */
function fakeResponse(options: { apart: boolean; liar?: boolean }) {
  return class FakeResponse {
    [INNER]: { headerList: [string, string][] };
    [APART]: string | null = null;
    constructor(_body: unknown, init?: { headers?: Record<string, string> }) {
      const type = init?.headers?.["content-type"];
      this[INNER] = { headerList: [] };
      if (type === undefined) return;
      if (options.apart) this[APART] = type;
      else this[INNER].headerList.push(["Content-Type", type]);
    }
    get headers() {
      const type = this[APART] ?? this[INNER].headerList[0]?.[1] ?? null;
      return new Headers(type === null ? {} : { "content-type": options.liar ? "x/y" : type });
    }
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("a Content-Type kept beside the field list (RFC 9110 §8.3)", () => {
  it("is found under the probed symbol, and none is found on a response without one", () => {
    vi.stubGlobal("Response", fakeResponse({ apart: true }));
    const typeOf = contentTypeApart(INNER);
    const typed = new Response("x", { headers: { "content-type": "text/html" } });
    expect(typeOf(typed)).toBe("text/html");
    expect(typeOf(new Response("x"))).toBe(null);
  });

  it("is never looked for where the list holds it", () => {
    vi.stubGlobal("Response", fakeResponse({ apart: false }));
    const typeOf = contentTypeApart(INNER);
    expect(typeOf(new Response("x", { headers: { "content-type": "text/html" } }))).toBe(null);
  });

  it("cannot be told (undefined: read `headers`) when the probes disagree with `headers`", () => {
    vi.stubGlobal("Response", fakeResponse({ apart: true, liar: true }));
    const typeOf = contentTypeApart(INNER);
    expect(typeOf(new Response("x", { headers: { "content-type": "text/html" } }))).toBe(undefined);
  });

  it("cannot be told where the inner record has no field list (Node's Response)", () => {
    expect(contentTypeApart(Symbol("absent"))(new Response("x"))).toBe(undefined);
  });
});
