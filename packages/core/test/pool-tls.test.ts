/**
 * `https` origins and CONNECT tunnels in the client pool (issue #9): the
 * scenarios of test-kit/scenarios/tls.ts on the simulated network, and the
 * pool's inputs for tunnels and TLS called directly.
 */
import { describe, expect, it } from "vitest";
import { ClientPool } from "../src/client-pool.ts";
import { RequestError } from "../src/request-errors.ts";
import { routeFor } from "../src/route.ts";
import { authorityForm } from "../src/tunnel.ts";
import { runScenario, scenarioOrigin } from "../test-kit/scenario.ts";
import { TLS_SCENARIOS } from "../test-kit/scenarios/index.ts";
import { fromLatin1, latin1 } from "../test-kit/server-script.ts";
import { expectScenario, title } from "./pool-helpers.ts";

const proxy = scenarioOrigin("proxy.test");
const secure = { scheme: "https" as const, host: "a.test", port: 443 };

describe("client pool: https and CONNECT tunnels (scenarios)", () => {
  for (const s of TLS_SCENARIOS) it(title(s), () => expectScenario(s));

  it("RFC 9110 §9.3.6: a refused CONNECT carries the proxy's status in the error", () => {
    const s = TLS_SCENARIOS.find((x) => x.name.includes("407")) as (typeof TLS_SCENARIOS)[number];
    const { sim } = runScenario(s);
    const error = [...sim.results.values()][0]?.error;
    expect(error).toBeInstanceOf(RequestError);
    expect(error?.code).toBe("PROXY_CONNECT_FAILED");
    expect(error?.status).toBe(407);
    expect(error?.message).toMatch(/407 Proxy Authentication Required/);
  });
});

describe("route.ts", () => {
  it("RFC 9110 §4.3.2: http and https to one host are two routes", () => {
    const plain = routeFor({ ...secure, scheme: "http", port: 443 }, "GET", undefined);
    const tls = routeFor(secure, "GET", undefined);
    expect(plain.key).not.toBe(tls.key);
    expect(tls).toMatchObject({ kind: "direct", connect: secure, tunnel: null });
  });

  it("RFC 9110 §9.3.6: https through a proxy is a tunnel, keyed by origin and proxy", () => {
    const r = routeFor(secure, "GET", proxy);
    expect(r).toMatchObject({ kind: "tunnel", connect: proxy, tunnel: secure });
    expect(r.key).toBe("https://a.test:443 via http://proxy.test:80");
    expect(routeFor(secure, "CONNECT", proxy).kind).toBe("proxy");
    expect(routeFor({ ...secure, scheme: "http", port: 80 }, "GET", proxy).kind).toBe("proxy");
  });

  it("RFC 9112 §3.2.3: authority-form always has the port; IPv6 is bracketed", () => {
    expect(authorityForm(secure)).toBe("a.test:443");
    expect(authorityForm({ scheme: "https", host: "2001:db8::1", port: 8443 })).toBe(
      "[2001:db8::1]:8443",
    );
  });
});

describe("client pool: tunnel inputs", () => {
  /** A pool with a request for https://a.test/x through the proxy, connected. */
  function tunnelling(): ClientPool {
    const pool = new ClientPool({ proxy, maxAttempts: 1 });
    pool.request({ origin: secure, method: "GET", target: "/x" }, 0);
    expect(pool.takeActions()).toEqual([{ type: "connect", socket: 1, origin: proxy }]);
    pool.connected(1, 1);
    const [w] = pool.takeActions();
    expect(w?.type === "write" && fromLatin1(w.data[0] as Uint8Array)).toBe(
      "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n",
    );
    return pool;
  }

  it("RFC 9110 §9.3.6: the 2xx may come in pieces, and then TLS starts as the origin's client", () => {
    const pool = tunnelling();
    pool.received(1, latin1("HTTP/1.1 200 OK\r\n"), 2);
    expect(pool.takeActions()).toEqual([]);
    pool.received(1, latin1("\r\n"), 2);
    expect(pool.takeActions()).toEqual([{ type: "start-tls", socket: 1, origin: secure }]);
    expect(pool.stats().connecting).toBe(1);
    pool.tlsEstablished(1, 3);
    const [w] = pool.takeActions();
    expect(w?.type === "write" && fromLatin1(w.data[0] as Uint8Array)).toBe(
      "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n",
    );
    const opened = pool.takeEvents().find((e) => e.type === "connection-opened");
    expect(opened).toEqual({
      type: "connection-opened",
      connection: 1,
      origin: proxy,
      tunnel: secure,
    });
  });

  it("RFC 9110 §15.2: a 1xx before the 2xx is skipped", () => {
    const pool = tunnelling();
    pool.received(1, latin1("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), 2);
    expect(pool.takeActions()).toEqual([{ type: "start-tls", socket: 1, origin: secure }]);
  });

  it("RFC 8446 §2: octets after the 2xx, before the ClientHello, fail the tunnel", () => {
    const pool = tunnelling();
    pool.received(1, latin1("HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\n"), 2);
    expect(pool.takeActions()).toEqual([{ type: "close", socket: 1 }]);
    const error = pool.takeEvents().find((e) => e.type === "error");
    expect(error?.type === "error" && error.error.code).toBe("CONNECT_FAILED");
  });

  it("RFC 9112 §2.2: a broken answer to CONNECT is a PROTOCOL_ERROR", () => {
    const pool = tunnelling();
    pool.received(1, latin1("HTTP/1.1 2x0 OK\r\n\r\n"), 2);
    expect(pool.takeActions()).toEqual([{ type: "close", socket: 1 }]);
    const error = pool.takeEvents().find((e) => e.type === "error");
    expect(error?.type === "error" && error.error.code).toBe("PROTOCOL_ERROR");
  });

  it("a failed start-tls (kind tls) is TLS_FAILED; the socket is the adapter's to drop", () => {
    const pool = tunnelling();
    pool.received(1, latin1("HTTP/1.1 200 OK\r\n\r\n"), 2);
    pool.takeActions();
    pool.connectFailed(1, "self-signed certificate", 3, "tls");
    expect(pool.takeActions()).toEqual([]);
    const error = pool.takeEvents().find((e) => e.type === "error");
    expect(error?.type === "error" && error.error.code).toBe("TLS_FAILED");
    expect(error?.type === "error" && error.error.message).toMatch(/self-signed certificate/);
  });

  it("a reset while securing is a failed connect (transport), and the socket is closed", () => {
    const pool = tunnelling();
    pool.received(1, latin1("HTTP/1.1 200 OK\r\n\r\n"), 2);
    pool.takeActions();
    pool.reset(1, "ECONNRESET", 3);
    expect(pool.takeActions()).toEqual([{ type: "close", socket: 1 }]);
    const error = pool.takeEvents().find((e) => e.type === "error");
    expect(error?.type === "error" && error.error.code).toBe("CONNECT_FAILED");
  });

  it("tlsEstablished for a socket not securing is ignored", () => {
    const pool = tunnelling();
    pool.tlsEstablished(1, 2);
    expect(pool.takeActions()).toEqual([]);
    expect(pool.takeEvents().some((e) => e.type === "connection-opened")).toBe(false);
  });
});
