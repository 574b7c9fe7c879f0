import { describe, expect, it } from "vitest";
import { headersOf } from "../src/lazy-request.ts";
import { RepeatedHeaders } from "../src/repeated-headers.ts";

const A = [
  "Server",
  "x",
  "Date",
  "Fri, 27 Nov 2026 21:00:00 GMT",
  "Set-Cookie",
  "a=1",
  "Set-Cookie",
  "b=2",
];
const B = [
  "Server",
  "x",
  "Date",
  "Fri, 27 Nov 2026 21:00:01 GMT",
  "Set-Cookie",
  "a=1",
  "Set-Cookie",
  "b=2",
];

describe("RepeatedHeaders: a native response's Headers for a repeated field section", () => {
  it("matches nothing until the same section was seen twice in a row", () => {
    const r = new RepeatedHeaders();
    expect(r.match(A)).toBeNull();
    r.seen(A, headersOf(A));
    expect(r.match([...A])).toBeNull(); // recorded, no template yet
    r.seen([...A], headersOf(A));
    const t = r.match([...A]);
    expect(t).not.toBeNull();
    expect([...(t as Headers)]).toEqual([...headersOf(A)]);
    // Set-Cookie lines stay separate (RFC 9110 §5.3: not combined).
    expect((t as Headers).getSetCookie()).toEqual(["a=1", "b=2"]);
  });

  it("any change of a name, value, order or count is a miss and starts over", () => {
    const r = new RepeatedHeaders();
    r.seen(A, headersOf(A));
    r.seen(A, headersOf(A));
    expect(r.match(B)).toBeNull();
    expect(r.match(A.slice(0, 6))).toBeNull();
    expect(r.match(["server", ...A.slice(1)])).toBeNull();
    expect(r.match([...A.slice(2, 4), ...A.slice(0, 2), ...A.slice(4)])).toBeNull();
    r.seen(B, headersOf(B));
    expect(r.match(A)).toBeNull();
    expect(r.match(B)).toBeNull();
  });

  it("an empty section never uses a template", () => {
    const r = new RepeatedHeaders();
    r.seen([], new Headers());
    r.seen([], new Headers());
    expect(r.match([])).toBeNull();
  });

  it("a response made from the template has its own copy: changing it changes no other", () => {
    const r = new RepeatedHeaders();
    r.seen(A, headersOf(A));
    r.seen(A, headersOf(A));
    const t = r.match(A) as Headers;
    const one = new Response("x", { headers: t });
    one.headers.set("Server", "changed");
    const two = new Response("y", { headers: r.match(A) as Headers });
    expect(two.headers.get("server")).toBe("x");
    expect(t.get("server")).toBe("x");
  });

  it("the recorded section is a copy: a caller reusing its array cannot change it", () => {
    const r = new RepeatedHeaders();
    const raw = [...A];
    r.seen(raw, headersOf(raw));
    raw[1] = "other";
    r.seen(raw, headersOf(raw));
    expect(r.match(raw)).toBeNull();
  });
});
