import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { Fields } from "../src/fields.ts";
import { absoluteFormTarget, hostFieldValue, proxyRequestFields } from "../src/proxy.ts";
import { scenarioOrigin } from "../test-kit/scenario.ts";
import { PROXY_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { fromLatin1 } from "../test-kit/server-script.ts";
import { expectScenario, title } from "./pool-helpers.ts";

describe("client pool: proxies (scenarios)", () => {
  for (const s of PROXY_SCENARIOS) it(title(s), () => expectScenario(s));
});

describe("proxy.ts", () => {
  it("RFC 9110 §7.2: Host is uri-host [:port], the default port left out, IPv6 bracketed", () => {
    expect(hostFieldValue({ scheme: "http", host: "a.test", port: 80 })).toBe("a.test");
    expect(hostFieldValue({ scheme: "https", host: "a.test", port: 443 })).toBe("a.test");
    expect(hostFieldValue({ scheme: "http", host: "a.test", port: 443 })).toBe("a.test:443");
    expect(hostFieldValue({ scheme: "http", host: "2001:db8::1", port: 8080 })).toBe(
      "[2001:db8::1]:8080",
    );
  });

  it("RFC 9112 §3.2.2, §3.2.4: absolute-form, and OPTIONS * as the origin with an empty path", () => {
    const o = { scheme: "http" as const, host: "a.test", port: 8080 };
    expect(absoluteFormTarget(o, "/p?q")).toBe("http://a.test:8080/p?q");
    expect(absoluteFormTarget(o, "*")).toBe("http://a.test:8080");
  });

  it("RFC 9110 §7.6.1: hop-by-hop fields go, a close option stays ours", () => {
    const f = proxyRequestFields(
      Fields.from([
        ["Connection", "close, X-A"],
        ["X-A", "1"],
        ["TE", "trailers"],
        ["Accept", "*/*"],
      ]),
    );
    expect(f.toJSON()).toEqual([
      ["Accept", "*/*"],
      ["Connection", "close"],
    ]);
  });

  it("RFC 9110 §9.3.6: https through a proxy opens a CONNECT tunnel (pool-tls.test.ts)", () => {
    const proxy = scenarioOrigin("proxy.test");
    const pool = new ClientPool({ proxy });
    pool.request(
      { origin: { scheme: "https", host: "a.test", port: 443 }, method: "GET", target: "/" },
      0,
    );
    expect(pool.takeActions()).toEqual([{ type: "connect", socket: 1, origin: proxy }]);
    pool.connected(1, 1);
    const [w] = pool.takeActions();
    expect(w?.type === "write" && fromLatin1(w.data[0] as Uint8Array)).toMatch(
      /^CONNECT a.test:443 /,
    );
  });

  it("RFC 9112 §3.2.3: CONNECT goes to the proxy in authority-form", () => {
    const proxy = scenarioOrigin("proxy.test");
    const pool = new ClientPool({ proxy });
    pool.request(
      {
        origin: { scheme: "https", host: "a.test", port: 443 },
        method: "CONNECT",
        target: "a.test:443",
        fields: [["Host", "a.test:443"]],
      },
      0,
    );
    expect(pool.takeActions()).toEqual([{ type: "connect", socket: 1, origin: proxy }]);
    pool.connected(1, 1);
    const [w] = pool.takeActions();
    expect(w?.type === "write" && fromLatin1(w.data[0] as Uint8Array)).toBe(
      "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n",
    );
  });
});
