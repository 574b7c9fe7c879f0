import { describe, expect, it } from "vitest";
import { hostFieldValue } from "../src/proxy.ts";
import { routeFor } from "../src/route.ts";

describe("routeFor and the Host value, kept per frozen origin", () => {
  it("RFC 9110 §4.3.2: a frozen origin's direct route is computed once (same key string)", () => {
    const origin = Object.freeze({ scheme: "http" as const, host: "a.test", port: 8080 });
    const a = routeFor(origin, "GET", undefined);
    expect(routeFor(origin, "POST", undefined)).toBe(a);
    expect(a).toEqual({ kind: "direct", connect: origin, tunnel: null, key: "http://a.test:8080" });
  });

  it("an origin that may change is never cached: its route follows it", () => {
    const origin = { scheme: "http" as const, host: "a.test", port: 80 };
    expect(routeFor(origin, "GET", undefined).key).toBe("http://a.test:80");
    origin.port = 81;
    expect(routeFor(origin, "GET", undefined).key).toBe("http://a.test:81");
    expect(hostFieldValue(origin)).toBe("a.test:81");
    origin.port = 80;
    expect(hostFieldValue(origin)).toBe("a.test");
  });

  it("RFC 9110 §7.2, RFC 3986 §3.2.2: a frozen IPv6 origin's Host value is bracketed, default port left out", () => {
    const v6 = Object.freeze({ scheme: "https" as const, host: "::1", port: 443 });
    expect(hostFieldValue(v6)).toBe("[::1]");
    expect(hostFieldValue(v6)).toBe("[::1]");
  });

  it("a proxy changes the route of the same frozen origin (never the cached direct one)", () => {
    const origin = Object.freeze({ scheme: "https" as const, host: "a.test", port: 443 });
    const proxy = { scheme: "http" as const, host: "p.test", port: 3128 };
    routeFor(origin, "GET", undefined);
    expect(routeFor(origin, "GET", proxy).kind).toBe("tunnel");
  });
});
