import { Fields } from "@tether/core";
import { describe, expect, it } from "vitest";
import { forward } from "../src/proxy.ts";
import { parseAuthority } from "../src/tunnel.ts";
import { fakeClient, fakeExchange, field, response } from "./fakes.ts";

const UPSTREAM = "http://127.0.0.1:8080";
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

describe("proxy: the request going upstream", () => {
  it("RFC 9110 §7.6.1: strips hop-by-hop fields and those Connection names; adds Via", async () => {
    const client = fakeClient(() => Promise.resolve(response()));
    const ex = fakeExchange({
      method: "POST",
      target: "/echo?x=1",
      fields: [
        "Host",
        "front.test",
        "Connection",
        "keep-alive, X-Secret",
        "X-Secret",
        "s",
        "Keep-Alive",
        "timeout=5",
        "TE",
        "trailers",
        "Upgrade",
        "websocket",
        "Proxy-Authorization",
        "Basic eA==",
        "Transfer-Encoding",
        "chunked",
        "Expect",
        "100-continue",
        "X-Kept",
        "k",
        "Via",
        "1.1 edge",
      ],
      body: "payload",
    });
    await forward(ex, client, UPSTREAM);
    expect(client.calls).toHaveLength(1);
    const call = client.calls[0];
    expect(call?.url).toBe("http://127.0.0.1:8080/echo?x=1");
    expect(call?.method).toBe("POST");
    // Host is the upstream's (the client writes it); the body is re-framed.
    expect(call?.headers).toEqual([
      ["X-Kept", "k"],
      ["Via", "1.1 edge"],
      ["Via", "1.1 tether"],
    ]);
    expect(text(call?.body as Uint8Array)).toBe("payload");
  });

  it("sends an absolute-form target upstream in origin-form", async () => {
    const client = fakeClient(() => Promise.resolve(response()));
    const ex = fakeExchange({ target: "http://front.test/a/b?c", targetForm: "absolute" });
    await forward(ex, client, UPSTREAM);
    expect(client.calls[0]?.url).toBe("http://127.0.0.1:8080/a/b?c");
  });

  it("keeps an empty framed body, and sends none when the request had none", async () => {
    const client = fakeClient(() => Promise.resolve(response()));
    await forward(
      fakeExchange({ method: "POST", fields: ["Content-Length", "0"] }),
      client,
      UPSTREAM,
    );
    await forward(fakeExchange({ method: "GET", version: "1.0" }), client, UPSTREAM);
    expect(client.calls[0]?.body).toEqual(new Uint8Array());
    expect(client.calls[1]?.body).toBeNull();
    expect(client.calls[1]?.headers).toEqual([["Via", "1.0 tether"]]);
  });
});

describe("proxy: the response coming back", () => {
  it("relays status and body, strips hop-by-hop fields, adds Via with the upstream's version", async () => {
    const client = fakeClient(() =>
      Promise.resolve(
        response({
          status: 404,
          version: "1.0",
          fields: new Fields([
            "Content-Type",
            "text/plain",
            "Connection",
            "keep-alive, X-Hop",
            "X-Hop",
            "h",
            "Keep-Alive",
            "timeout=5, max=100",
            "Content-Length",
            "4",
            "Proxy-Authenticate",
            "Basic",
          ]),
          bodyText: "nope",
        }),
      ),
    );
    const ex = fakeExchange({ target: "/missing" });
    await forward(ex, client, UPSTREAM);
    expect(ex.answer?.status).toBe(404);
    expect(ex.answer?.fields).toEqual([
      ["Content-Type", "text/plain"],
      ["Content-Length", "4"],
      ["Via", "1.0 tether"],
    ]);
    expect(text(ex.answer?.body)).toBe("nope");
  });

  it("answers 502 when the upstream gives no response", async () => {
    const client = fakeClient(() =>
      Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    );
    const ex = fakeExchange({ target: "/" });
    await forward(ex, client, UPSTREAM);
    expect(ex.answer?.status).toBe(502);
    expect(text(ex.answer?.body)).toContain("ECONNREFUSED");
  });

  it.each([
    ["CONNECT", "upstream.test:443", "authority"],
    ["OPTIONS", "*", "asterisk"],
  ] as const)("%s %s is not forwarded: 501", async (method, target, targetForm) => {
    const client = fakeClient(() => Promise.resolve(response()));
    const ex = fakeExchange({ method, target, targetForm });
    await forward(ex, client, UPSTREAM);
    expect(ex.answer?.status).toBe(501);
    expect(client.calls).toHaveLength(0);
    expect(field(ex.answer, "content-type")).toContain("text/plain");
  });
});

describe("proxy: CONNECT targets (tunnel.ts)", () => {
  it.each([
    ["a.test:443", { hostname: "a.test", port: 443 }],
    ["127.0.0.1:8443", { hostname: "127.0.0.1", port: 8443 }],
    ["[2001:db8::1]:443", { hostname: "2001:db8::1", port: 443 }],
  ])("RFC 9112 §3.2.3: %s is authority-form", (target, want) => {
    expect(parseAuthority(target)).toEqual(want);
  });

  it.each([
    "a.test",
    "a.test:",
    "a.test:0",
    "a.test:65536",
    "/path",
    "user@a.test:443",
    "2001:db8::1:443",
  ])("RFC 9112 §3.2.3: %s is not authority-form with a port", (target) => {
    expect(parseAuthority(target)).toBeNull();
  });

  it("without a socket layer, CONNECT still gets 501", async () => {
    const ex = fakeExchange({ method: "CONNECT", target: "a.test:443", targetForm: "authority" });
    await forward(
      ex,
      fakeClient(() => Promise.resolve(response())),
      UPSTREAM,
    );
    expect(ex.answer?.status).toBe(501);
  });
});
