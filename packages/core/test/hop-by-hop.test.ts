import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fields } from "../src/fields.ts";
import {
  HOP_BY_HOP_FIELDS,
  PROXY_AUTHENTICATION_FIELDS,
  stripHopByHop,
} from "../src/hop-by-hop.ts";

describe("stripHopByHop (RFC 9110 §7.6.1)", () => {
  it("RFC 9110 §7.6.1: removes Connection and every field it names, over several lines, any case", () => {
    const input = Fields.from([
      ["Host", "example.com"],
      ["Connection", "X-Trace, keep-alive"],
      ["x-trace", "1"],
      ["CONNECTION", "x-Other"],
      ["X-OTHER", "2"],
      ["X-Other", "3"],
      ["Accept", "*/*"],
    ]);
    expect(stripHopByHop(input).toJSON()).toEqual([
      ["Host", "example.com"],
      ["Accept", "*/*"],
    ]);
  });

  it("RFC 9110 §7.6.1: removes the fixed list even when Connection does not name it", () => {
    const input = Fields.from([
      ["Keep-Alive", "timeout=5"],
      ["Proxy-Connection", "keep-alive"],
      ["TE", "trailers"],
      ["Transfer-Encoding", "chunked"],
      ["Upgrade", "websocket"],
      ["Trailer", "X-Checksum"],
      ["Content-Type", "text/plain"],
    ]);
    expect(stripHopByHop(input).toJSON()).toEqual([["Content-Type", "text/plain"]]);
  });

  it("RFC 9110 §11.7.1, §11.7.2: proxy authentication fields are removed by default", () => {
    const input = Fields.from([
      ["Proxy-Authorization", "Basic Zm9vOmJhcg=="],
      ["proxy-authenticate", 'Basic realm="proxy"'],
      ["Authorization", "Bearer x"],
    ]);
    expect(stripHopByHop(input).toJSON()).toEqual([["Authorization", "Bearer x"]]);
  });

  it("RFC 9110 §11.7.2: proxyAuthentication: forward keeps them (cooperating proxies)", () => {
    const input = Fields.from([
      ["Proxy-Authorization", "Basic Zm9vOmJhcg=="],
      ["Connection", "close"],
    ]);
    expect(stripHopByHop(input, { proxyAuthentication: "forward" }).toJSON()).toEqual([
      ["Proxy-Authorization", "Basic Zm9vOmJhcg=="],
    ]);
  });

  it("RFC 9110 §7.6.1: a Connection option can name Proxy-Authorization even when forwarding", () => {
    const input = Fields.from([
      ["Connection", "Proxy-Authorization"],
      ["Proxy-Authorization", "Basic x"],
    ]);
    expect(stripHopByHop(input, { proxyAuthentication: "forward" }).size).toBe(0);
  });

  it("never changes its input and keeps the order and case of what remains", () => {
    const raw = ["b", "1", "Connection", "a", "A", "2", "C", "3", "TE", "x"];
    const input = new Fields(raw.slice());
    const out = stripHopByHop(input);
    expect(input.raw).toEqual(raw);
    expect(out).not.toBe(input);
    expect(out.raw).toEqual(["b", "1", "C", "3"]);
    out.append("Z", "9");
    expect(input.raw).toEqual(raw);
  });

  it("the fixed lists are lower-case and frozen", () => {
    for (const name of [...HOP_BY_HOP_FIELDS, ...PROXY_AUTHENTICATION_FIELDS]) {
      expect(name).toBe(name.toLowerCase());
    }
    expect(Object.isFrozen(HOP_BY_HOP_FIELDS)).toBe(true);
    expect(Object.isFrozen(PROXY_AUTHENTICATION_FIELDS)).toBe(true);
  });

  it("property: no hop-by-hop field survives, every other field does, in order", () => {
    const name = fc.constantFrom(
      "Connection",
      "connection",
      "Keep-Alive",
      "TE",
      "Upgrade",
      "X-A",
      "x-a",
      "X-B",
      "Accept",
      "Proxy-Authorization",
    );
    const value = fc.constantFrom("x-a", "X-B, close", "accept", "1", "");
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { maxLength: 12 }), (pairs) => {
        const input = Fields.from(pairs);
        const named = new Set(input.tokens("connection"));
        const hop = (n: string) =>
          HOP_BY_HOP_FIELDS.includes(n.toLowerCase()) ||
          PROXY_AUTHENTICATION_FIELDS.includes(n.toLowerCase()) ||
          named.has(n.toLowerCase());
        const out = stripHopByHop(input);
        expect(out.toJSON()).toEqual(pairs.filter(([n]) => !hop(n)));
        expect(input.toJSON()).toEqual(pairs);
      }),
      { numRuns: 300 },
    );
  });
});
