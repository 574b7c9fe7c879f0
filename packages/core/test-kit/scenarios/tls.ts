/**
 * `https` origins (issue #9): their own connections, the `tls` kind of a
 * failed connect, and CONNECT tunnels through an HTTP proxy. The simulated
 * network has no TLS on the wire (see sim-network.ts): a handshake is one
 * round trip, and the proxy's script goes on playing the origin inside the
 * tunnel. Timings assume the default latency of 1 ms: a tunnel's CONNECT
 * is written at 1, its 2xx arrives at 3, TLS is up at 5, the first request's
 * answer arrives at 7.
 *
 * Not in ALL_SCENARIOS: the real-socket replay of the conformance kit has
 * no TLS servers to play them against.
 */
import type { Scenario } from "../scenario.ts";
import { scenarioOrigin } from "../scenario.ts";
import type { ServerStep } from "../server-script.ts";
import { get, readAndReply, reply } from "./build.ts";

const PROXY = { proxy: scenarioOrigin("proxy.test") } as const;

/** The proxy's 2xx to CONNECT: no framing fields (RFC 9110 §9.3.6). */
const ESTABLISHED = "HTTP/1.1 200 Connection Established\r\n\r\n";

/** A proxy connection that accepts a CONNECT to `authority`, then plays the origin's `steps`. */
function tunnel(authority: string, ...steps: ServerStep[]): { steps: ServerStep[] } {
  return {
    steps: [
      { read: { method: "CONNECT", target: authority, headers: { host: authority } } },
      { write: ESTABLISHED },
      ...steps,
    ],
  };
}

/** A GET of an `https` origin. */
function getTls(name: string, at: number, host = "origin.test"): ReturnType<typeof get> {
  return get(name, at, `/${name}`, { origin: host, scheme: "https" });
}

export const TLS_SCENARIOS: readonly Scenario[] = [
  {
    name: "https: http and https to the same host never share a connection",
    rule: "issue #9: pool keys are scheme, host and port; RFC 9110 §4.3.2",
    client: [get("a", 0), getTls("b", 100), get("c", 200), getTls("d", 300)],
    expect: {
      connectionsOpened: 2,
      results: {
        a: { status: 200, reused: false },
        b: { status: 200, reused: false },
        c: { status: 200, reused: true },
        d: { status: 200, reused: true },
      },
    },
  },
  {
    name: "https: a failed TLS handshake is TLS_FAILED, and is not retried",
    rule: "issue #9: a clear typed error for a failed handshake or an untrusted certificate",
    network: { faults: [{ kind: "tls-fail", connection: 0 }] },
    client: [getTls("a", 0)],
    expect: {
      connectionsOpened: 1,
      closeReasons: ["tls-failed"],
      results: { a: { error: "TLS_FAILED", attempts: 1 } },
    },
  },
  {
    name: "tunnels: https through a proxy opens a CONNECT tunnel in authority-form, then sends requests in origin-form through it and reuses it",
    rule: "issue #9: the tunnel kept alive and reused like any persistent connection; RFC 9110 §9.3.6; RFC 9112 §3.2.3",
    pool: PROXY,
    servers: {
      "proxy.test": {
        connections: [
          tunnel(
            "origin.test:443",
            { read: { method: "GET", target: "/a", headers: { host: "origin.test" } } },
            reply("one"),
            ...readAndReply("two"),
          ),
        ],
      },
    },
    client: [getTls("a", 0), getTls("b", 100)],
    expect: {
      connectionsOpened: 1,
      serverReceived: ["CONNECT origin.test:443", "GET /a", "GET /b"],
      results: {
        a: { status: 200, body: "one", reused: false },
        b: { status: 200, body: "two", reused: true },
      },
    },
  },
  {
    name: "tunnels: Proxy-Authorization goes on the CONNECT, never through the tunnel to the origin",
    rule: "RFC 9110 §11.7.2: Proxy-Authorization is for the proxy that demanded it",
    pool: PROXY,
    servers: {
      "proxy.test": {
        connections: [
          {
            steps: [
              { read: { method: "CONNECT", headers: { "proxy-authorization": "Basic cDpw" } } },
              { write: ESTABLISHED },
              { read: { method: "GET", headers: { "proxy-authorization": null } } },
              reply(),
            ],
          },
        ],
      },
    },
    client: [
      get("a", 0, "/a", {
        scheme: "https",
        headers: [["Proxy-Authorization", "Basic cDpw"]],
      }),
    ],
    expect: { results: { a: { status: 200 } } },
  },
  {
    name: "tunnels: a 407 answer to CONNECT fails the request with PROXY_CONNECT_FAILED, not retried",
    rule: "issue #9: a failed CONNECT answer surfaced as a typed error with the proxy's status; RFC 9110 §9.3.6",
    pool: PROXY,
    servers: {
      "proxy.test": {
        otherwise: {
          steps: [
            { read: { method: "CONNECT" } },
            {
              write:
                'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\nContent-Length: 0\r\n\r\n',
            },
          ],
        },
      },
    },
    client: [getTls("a", 0)],
    expect: {
      connectionsOpened: 1,
      closeReasons: ["tunnel-refused"],
      results: { a: { error: "PROXY_CONNECT_FAILED", attempts: 1 } },
    },
  },
  {
    name: "tunnels: a proxy that closes before answering CONNECT is a failed connect, and the request is retried on a new tunnel",
    rule: "issue #9: tunnel closed by the proxy → retry rules apply; RFC 9112 §9.3.1: nothing of the request was written",
    pool: PROXY,
    servers: {
      "proxy.test": {
        connections: [
          { steps: [{ read: { method: "CONNECT" } }, { fin: true }] },
          tunnel("origin.test:443", ...readAndReply("ok")),
        ],
      },
    },
    client: [getTls("a", 0)],
    expect: {
      connectionsOpened: 2,
      closeReasons: ["connect-failed", "idle-timeout"],
      results: { a: { status: 200, attempts: 2, retries: ["nothing-written"] } },
    },
  },
  {
    name: "tunnels: an idle tunnel the proxy closes as a GET is written on it is the stale-connection race: retried on a new tunnel",
    rule: "issue #9: tunnel closed by the proxy → retry rules apply; RFC 9112 §9.3.1",
    pool: PROXY,
    servers: {
      "proxy.test": {
        connections: [
          tunnel("origin.test:443", ...readAndReply("one"), { idleClose: 100 }),
          tunnel("origin.test:443", ...readAndReply("two")),
        ],
      },
    },
    // The answer to /a leaves the server at 6; it closes the idle tunnel at 106.
    client: [getTls("a", 0), getTls("b", 106)],
    expect: {
      connectionsOpened: 2,
      serverReceived: ["CONNECT origin.test:443", "GET /a", "CONNECT origin.test:443", "GET /b"],
      results: {
        a: { status: 200, body: "one" },
        b: { status: 200, body: "two", attempts: 2, retries: ["stale-connection"] },
      },
    },
  },
  {
    name: "tunnels: a failed TLS handshake through the tunnel is TLS_FAILED, and is not retried",
    rule: "issue #9: a clear typed error for a failed handshake or an untrusted certificate",
    pool: PROXY,
    network: { faults: [{ kind: "tls-fail", connection: 0 }] },
    servers: { "proxy.test": { otherwise: tunnel("origin.test:443") } },
    client: [getTls("a", 0)],
    expect: {
      connectionsOpened: 1,
      closeReasons: ["tls-failed"],
      results: { a: { error: "TLS_FAILED", attempts: 1 } },
    },
  },
  {
    name: "tunnels: connectTimeoutMs covers the proxy's answer to CONNECT",
    rule: "issue #9: a tunnel is part of connecting; RFC 9112 §9.3.1",
    pool: { ...PROXY, connectTimeoutMs: 50, maxAttempts: 1 },
    servers: { "proxy.test": { otherwise: { steps: [{ read: { method: "CONNECT" } }] } } },
    client: [getTls("a", 0)],
    expect: {
      closeReasons: ["connect-timeout"],
      results: { a: { error: "TIMEOUT", attempts: 1 } },
    },
  },
  {
    name: "tunnels: one pool per origin through the proxy; http through the same proxy keeps its own connections",
    rule: "issue #9: http and https to the same host never share a connection; RFC 9112 §3.2.2",
    pool: PROXY,
    servers: {
      "proxy.test": {
        connections: [
          tunnel("a.test:443", ...readAndReply()),
          tunnel("b.test:443", ...readAndReply()),
          { serve: {} },
        ],
      },
    },
    client: [
      getTls("a", 0, "a.test"),
      getTls("b", 100, "b.test"),
      get("c", 200, "/c", { origin: "a.test" }),
    ],
    expect: {
      connectionsOpened: 3,
      serverReceived: [
        "CONNECT a.test:443",
        "GET /a",
        "CONNECT b.test:443",
        "GET /b",
        "GET http://a.test/c",
      ],
      results: { c: { status: 200, reused: false } },
    },
  },
];
