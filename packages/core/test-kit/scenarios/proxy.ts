/**
 * Proxies: requests in absolute-form to an HTTP proxy, hop-by-hop fields
 * stripped, `Proxy-Connection` never sent, and a proxy that answers with
 * HTTP/1.0 not trusted to keep the connection unless it says so.
 */
import type { Scenario } from "../scenario.ts";
import { scenarioOrigin } from "../scenario.ts";
import { get, reply } from "./build.ts";

const PROXY = { proxy: scenarioOrigin("proxy.test") } as const;

export const PROXY_SCENARIOS: readonly Scenario[] = [
  {
    name: "proxies: requests go to the proxy in absolute-form, with Host",
    rule: "issue #3; RFC 9112 §3.2.2: a client MUST send the target URI in absolute-form to a proxy",
    pool: PROXY,
    servers: {
      "proxy.test": {
        otherwise: {
          steps: [
            { read: { target: "http://origin.test/a?q=1", headers: { host: "origin.test" } } },
            reply("via proxy"),
          ],
        },
      },
    },
    client: [get("a", 0, "/a?q=1")],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET http://origin.test/a?q=1"],
      results: { a: { status: 200, body: "via proxy" } },
    },
  },
  {
    name: "proxies: hop-by-hop fields are stripped, Proxy-Authorization kept, Proxy-Connection never sent",
    rule: "issue #3; RFC 9110 §7.6.1, §11.7.2; RFC 9112 Appendix C.2.2",
    pool: PROXY,
    servers: {
      "proxy.test": {
        otherwise: {
          steps: [
            {
              read: {
                headers: {
                  connection: null,
                  "keep-alive": null,
                  "proxy-connection": null,
                  te: null,
                  "x-per-hop": null,
                  "proxy-authorization": "Basic dXNlcjpwYXNz",
                  accept: "*/*",
                },
              },
            },
            reply(),
          ],
        },
      },
    },
    client: [
      get("a", 0, "/a", {
        headers: [
          ["Accept", "*/*"],
          ["Connection", "X-Per-Hop, keep-alive"],
          ["X-Per-Hop", "1"],
          ["Keep-Alive", "timeout=5"],
          ["Proxy-Connection", "keep-alive"],
          ["TE", "trailers"],
          ["Proxy-Authorization", "Basic dXNlcjpwYXNz"],
        ],
      }),
    ],
    expect: { results: { a: { status: 200 } } },
  },
  {
    name: "proxies: Proxy-Connection is never sent, not even without a proxy",
    rule: "issue #3: Proxy-Connection never sent (RFC 9112 Appendix C.2.2)",
    server: {
      otherwise: { steps: [{ read: { headers: { "proxy-connection": null } } }, reply()] },
    },
    client: [get("a", 0, "/a", { headers: [["Proxy-Connection", "keep-alive"]] })],
    expect: { results: { a: { status: 200 } } },
  },
  {
    name: "proxies: a proxy answering HTTP/1.0 without keep-alive is not trusted to keep the connection (the dumb-proxy problem)",
    rule: "issue #3; RFC 9112 §9.3, Appendix C.2.2",
    pool: PROXY,
    servers: {
      "proxy.test": {
        otherwise: {
          steps: [{ read: {} }, { write: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok" }],
        },
      },
    },
    client: [get("a", 0), get("b", 100)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["http10-without-keep-alive", "http10-without-keep-alive"],
      results: { a: { status: 200 }, b: { status: 200, reused: false } },
    },
  },
  {
    name: "proxies: a proxy answering HTTP/1.0 with Connection: keep-alive keeps the connection",
    rule: "issue #3: … not trusted to keep alive unless it says so",
    pool: PROXY,
    servers: { "proxy.test": { otherwise: { serve: { version: "1.0" } } } },
    client: [get("a", 0), get("b", 100)],
    expect: { connectionsOpened: 1, results: { b: { status: 200, reused: true } } },
  },
  {
    name: "proxies: connections are pooled per proxy, whatever the origin",
    rule: "issue #3: requests to an HTTP proxy",
    pool: { ...PROXY, connectionsPerOrigin: 1 },
    servers: { "proxy.test": { otherwise: { serve: {} } } },
    client: [get("a", 0, "/a", { origin: "a.test" }), get("b", 100, "/b", { origin: "b.test" })],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["GET http://a.test/a", "GET http://b.test/b"],
      results: { b: { status: 200, reused: true } },
    },
  },
];
