/**
 * Client cases against misbehaving servers: {@link ScriptServer}s playing
 * core's test-kit scripts (mostly the very scripts of core's pool
 * scenarios) over real TCP. Servers that close idle connections early
 * (the stale-connection race, made deterministic by sending in the turn of
 * the server's close), reset mid-head or mid-body, answer HTTP/1.0 without
 * keep-alive, lie in Content-Length, advertise `Keep-Alive: timeout=1`, and
 * a pipelining server.
 */
import assert from "node:assert/strict";
import type { ConnectionEvent, TetherClient } from "@tether/adapter-kit";
import {
  bodyFor,
  type Fault,
  fromLatin1,
  httpResponse,
  RETRY_SCENARIOS,
  REUSE_SCENARIOS,
  type Scenario,
  type ServerScript,
  serveResponse,
  TRUNCATION_SCENARIOS,
} from "@tether/core/test-kit";
import { type ClientUnderTest, rejection, withClient } from "./client-kit.ts";
import { ScriptServer } from "./script-server.ts";
import type { ConformanceCase } from "./server-cases.ts";

/** Runs `body` against a fresh script server, then closes it. */
async function withScript(
  script: ServerScript,
  faults: readonly Fault[],
  body: (server: ScriptServer) => Promise<void>,
): Promise<void> {
  const server = await ScriptServer.start(script, { faults });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** The scenario of `list` whose name starts with `prefix` (the scripts are shared, not copied). */
function scenario(list: readonly Scenario[], prefix: string): Scenario {
  const s = list.find((x) => x.name.startsWith(prefix));
  if (s === undefined) throw new Error(`no test-kit scenario named "${prefix}…"`);
  return s;
}

/** Plays a scenario's server script (and its faults) over real TCP. */
function withScenarioServer(s: Scenario, body: (server: ScriptServer) => Promise<void>) {
  return withScript(s.server ?? {}, s.network?.faults ?? [], body);
}

/** Calls `send` synchronously in the turn in which `server` closes a connection. */
function onServerClose<T>(server: ScriptServer, send: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const off = server.onClose(() => {
      off();
      send().then(resolve, reject);
    });
  });
}

/** Every event of a client, as it comes. */
function record(client: TetherClient): ConnectionEvent[] {
  const events: ConnectionEvent[] = [];
  client.on((e) => events.push(e));
  return events;
}

function retryReasons(events: readonly ConnectionEvent[]): string[] {
  return events.flatMap((e) => (e.type === "request-retried" ? [e.reason] : []));
}

/**
 * A GET of `path` under `request()` against scenario `s`'s origin: the first
 * attempt fails, the second is served whole, the retry is recorded with
 * `reason`, and the origin read the request twice.
 */
function retriedOnce(t: ClientUnderTest, s: Scenario, path: string, reason: string) {
  return withScenarioServer(s, (server) =>
    withClient(t, {}, async (c) => {
      const events = record(c);
      const a = await c.request({ url: `${server.url}${path}` });
      assert.equal(fromLatin1(a.body), bodyFor("GET", path));
      assert.equal(a.attempts, 2);
      assert.deepEqual(retryReasons(events), [reason]);
      assert.deepEqual(server.received, [`GET ${path}`, `GET ${path}`]);
    }),
  );
}

const STALE_GET = "stale-connection race: a GET on a reused";
const READ_THEN_CLOSE: ServerScript = {
  connections: [
    {
      steps: [{ read: {} }, { write: httpResponse({ body: "one" }) }, { read: {} }, { fin: true }],
    },
  ],
};

export const scriptCases: ConformanceCase<ClientUnderTest>[] = [
  {
    name: "stale-connection race (RFC 9112 §9.3.1): a GET on a reused connection the server closed as it was sent is retried and succeeds",
    run: (t) =>
      withScenarioServer(scenario(RETRY_SCENARIOS, STALE_GET), (server) =>
        withClient(t, {}, async (c) => {
          const events = record(c);
          const a = await c.request({ url: `${server.url}/a` });
          assert.equal(fromLatin1(a.body), "one");
          const b = await onServerClose(server, () => c.request({ url: `${server.url}/b` }));
          assert.equal(b.status, 200);
          assert.equal(fromLatin1(b.body), bodyFor("GET", "/b"));
          assert.equal(b.attempts, 2);
          assert.equal(b.reused, false);
          assert.notEqual(b.connection, a.connection);
          assert.deepEqual(retryReasons(events), ["stale-connection"]);
          assert.equal(c.stats().retried, 1);
          assert.equal(server.connections, 2);
          assert.deepEqual(server.received, ["GET /a", "GET /b"]);
        }),
      ),
  },
  {
    name: "stale-connection race (RFC 9112 §9.3.1): a POST in the same race fails with a typed RequestError and is written once",
    run: (t) =>
      withScenarioServer(scenario(RETRY_SCENARIOS, STALE_GET), (server) =>
        withClient(t, {}, async (c) => {
          await c.request({ url: `${server.url}/a` });
          const error = await rejection(
            onServerClose(server, () =>
              c.request({ url: `${server.url}/p`, method: "POST", body: "pay once" }),
            ),
          );
          // The FIN comes first; a reset may overtake it on some stacks.
          assert.ok(["CONNECTION_CLOSED", "CONNECTION_RESET"].includes(error.code), error.code);
          assert.equal(error.attempts.count, 1);
          assert.deepEqual(error.attempts.retries, []);
          assert.equal(c.stats().retried, 0);
          // Never written again: no second connection, and the server never applied it.
          assert.equal(server.connections, 1);
          assert.deepEqual(server.received, ["GET /a"]);
        }),
      ),
  },
  {
    name: "RFC 9112 §9.3.1: a POST the server read and then closed on without answering fails CONNECTION_CLOSED, received once",
    run: (t) =>
      withScript(READ_THEN_CLOSE, [], (server) =>
        withClient(t, {}, async (c) => {
          await c.request({ url: `${server.url}/a` });
          const error = await rejection(
            c.request({ url: `${server.url}/p`, method: "POST", body: "pay once" }),
          );
          assert.equal(error.code, "CONNECTION_CLOSED");
          assert.equal(error.attempts.count, 1);
          assert.equal(server.connections, 1);
          assert.deepEqual(server.received, ["GET /a", "POST /p"]);
        }),
      ),
  },
  {
    name: "RFC 9112 §9.3.1: a GET the server read and then closed on without answering is retried (stale-connection)",
    run: (t) =>
      withScript(READ_THEN_CLOSE, [], (server) =>
        withClient(t, {}, async (c) => {
          const events = record(c);
          await c.request({ url: `${server.url}/a` });
          const b = await c.request({ url: `${server.url}/b` });
          assert.equal(fromLatin1(b.body), bodyFor("GET", "/b"));
          assert.equal(b.attempts, 2);
          assert.deepEqual(retryReasons(events), ["stale-connection"]);
          assert.deepEqual(server.received, ["GET /a", "GET /b", "GET /b"]);
        }),
      ),
  },
  {
    name: "RFC 9112 §8: a reset inside a Content-Length body is fetch()'s typed TRUNCATED_BODY with expected/received, not retried",
    run: (t) => {
      const s = scenario(
        TRUNCATION_SCENARIOS,
        "truncation: a reset in the middle of a Content-Length",
      );
      return withScenarioServer(s, (server) =>
        withClient(t, {}, async (c) => {
          const res = await c.fetch(`${server.url}/a?size=100`);
          assert.equal(res.status, 200);
          const error = await rejection(res.arrayBuffer());
          assert.equal(error.code, "TRUNCATED_BODY");
          assert.equal(error.expected, 100);
          const head = serveResponse(
            {
              connection: 0,
              method: "GET",
              target: "/a?size=100",
              version: "1.1",
              fields: [],
              body: "",
              at: 0,
            },
            {},
            0,
          ).text.indexOf("\r\n\r\n");
          // The fault resets after octet 150 of the response.
          assert.equal(error.received, 150 - (head + 4));
          assert.equal(error.attempts.count, 1);
          assert.equal(server.connections, 1);
        }),
      );
    },
  },
  {
    name: "RFC 9112 §8, §9.3.2: the same cut under request(), which shows nothing before the end, is retried (truncated-body) and complete",
    run: (t) =>
      retriedOnce(
        t,
        scenario(TRUNCATION_SCENARIOS, "truncation: a reset in the middle of a Content-Length"),
        "/a?size=100",
        "truncated-body",
      ),
  },
  {
    name: "RFC 9110 §9.2.2: a GET reset inside the response head is retried (idempotent-method) and succeeds",
    run: (t) =>
      retriedOnce(
        t,
        scenario(RETRY_SCENARIOS, "retry rules: a GET whose first connection resets inside"),
        "/a",
        "idempotent-method",
      ),
  },
  {
    name: "RFC 9112 §9.3.1: a POST reset after it was written fails CONNECTION_RESET, written once",
    run: (t) => {
      const s = scenario(RETRY_SCENARIOS, "retry rules: a POST reset after it was written");
      return withScenarioServer(s, (server) =>
        withClient(t, {}, async (c) => {
          const error = await rejection(
            c.request({ url: `${server.url}/p`, method: "POST", body: "x" }),
          );
          assert.equal(error.code, "CONNECTION_RESET");
          assert.equal(error.attempts.count, 1);
          assert.equal(server.connections, 1);
          assert.deepEqual(server.received, ["POST /p"]);
        }),
      );
    },
  },
  {
    name: "RFC 9112 §7.1: a reset inside every chunked body — request() retries then fails RETRIES_EXHAUSTED (TRUNCATED_BODY), fetch()'s body stream errors TRUNCATED_BODY",
    run: (t) => {
      const script: ServerScript = {
        otherwise: {
          steps: [
            { read: {} },
            { write: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n" },
            { reset: true },
          ],
        },
      };
      return withScript(script, [], (server) =>
        withClient(t, {}, async (c) => {
          // request() tries again (truncated-body) until its attempts run out.
          const whole = await rejection(c.request({ url: `${server.url}/a` }));
          assert.equal(whole.code, "RETRIES_EXHAUSTED");
          assert.deepEqual(whole.attempts.retries, ["truncated-body", "truncated-body"]);
          const error = whole.cause as typeof whole;
          assert.equal(error.code, "TRUNCATED_BODY");
          assert.equal(error.received, 5);
          assert.equal(error.expected, undefined);
          // fetch() handed the head over: its body stream errors, no retry.
          const res = await c.fetch(`${server.url}/b`);
          assert.equal(res.status, 200);
          const streamed = await rejection(res.arrayBuffer());
          assert.equal(streamed.code, "TRUNCATED_BODY");
          assert.equal(streamed.attempts.count, 1);
          assert.equal(server.connections, 4);
        }),
      );
    },
  },
  {
    name: "RFC 9112 §9.3: an HTTP/1.0 response without keep-alive is not reused, though the server holds the socket",
    run: (t) => {
      const s = scenario(REUSE_SCENARIOS, "HTTP/1.0: a response without keep-alive is not reused");
      return withScenarioServer(s, (server) =>
        withClient(t, {}, async (c) => {
          const events = record(c);
          const a = await c.request({ url: `${server.url}/a` });
          const b = await c.request({ url: `${server.url}/b` });
          assert.equal(a.version, "1.0");
          assert.equal(fromLatin1(b.body), "ok");
          assert.equal(b.reused, false);
          assert.notEqual(b.connection, a.connection);
          assert.equal(server.connections, 2);
          const closed = events.filter((e) => e.type === "connection-closed");
          assert.deepEqual(
            closed.map((e) => (e.type === "connection-closed" ? e.reason : "")),
            ["http10-without-keep-alive", "http10-without-keep-alive"],
          );
        }),
      );
    },
  },
  {
    name: "RFC 9112 §8: a server that lies in Content-Length is TRUNCATED_BODY with expected and received",
    run: (t) => {
      const s = scenario(TRUNCATION_SCENARIOS, "truncation: a server that lies in Content-Length");
      return withScenarioServer(s, (server) =>
        withClient(t, {}, async (c) => {
          const res = await c.fetch(`${server.url}/a`);
          const error = await rejection(res.arrayBuffer());
          assert.equal(error.code, "TRUNCATED_BODY");
          assert.equal(error.expected, 5000);
          assert.equal(error.received, 9);
          assert.equal(error.attempts.count, 1);
        }),
      );
    },
  },
  {
    name: "RFC 9112 §9.5: Keep-Alive: timeout=1 is within the 1000 ms safety margin — the connection is never reused",
    run: (t) => {
      const s = scenario(
        REUSE_SCENARIOS,
        "idle timeout: a Keep-Alive timeout no longer than the margin",
      );
      return withScenarioServer(s, (server) =>
        withClient(t, {}, async (c) => {
          const events = record(c);
          const a = await c.request({ url: `${server.url}/a` });
          assert.equal(a.fields.get("keep-alive"), "timeout=1");
          const b = await c.request({ url: `${server.url}/b` });
          assert.equal(b.reused, false);
          assert.notEqual(b.connection, a.connection);
          assert.equal(server.connections, 2);
          assert.ok(
            events.some(
              (e) =>
                e.type === "connection-closed" &&
                e.connection === a.connection &&
                e.reason === "idle-timeout",
            ),
          );
        }),
      );
    },
  },
  {
    name: "RFC 9112 §9.3.2: pipelining: 4 — after persistence is proven, requests are pipelined; responses correct and in order",
    run: (t) =>
      withScript({ otherwise: { serve: { delayMs: 20 } } }, [], (server) =>
        withClient(t, { pipelining: 4, connectionsPerOrigin: 1 }, async (c) => {
          const warm = await c.request({ url: `${server.url}/warm` });
          assert.equal(c.stats().pipelined, 0);
          const names = [0, 1, 2, 3, 4, 5].map((i) => `/p${i}`);
          const order: string[] = [];
          const rs = await Promise.all(
            names.map((n) =>
              c.request({ url: `${server.url}${n}` }).then((r) => {
                order.push(n);
                return r;
              }),
            ),
          );
          assert.deepEqual(order, names);
          assert.deepEqual(
            rs.map((r) => fromLatin1(r.body)),
            names.map((n) => bodyFor("GET", n)),
          );
          assert.ok(rs.every((r) => r.connection === warm.connection && r.reused));
          assert.ok(c.stats().pipelined > 0, `pipelined ${c.stats().pipelined}`);
          assert.equal(server.connections, 1);
          assert.deepEqual(server.received, ["GET /warm", ...names.map((n) => `GET ${n}`)]);
          // On the wire: /p1 arrived before /p0 was answered (20 ms after it arrived).
          const [p0, p1] = server.log.requests.slice(1);
          assert.ok(p0 !== undefined && p1 !== undefined && p1.at < p0.at + 20);
        }),
      ),
  },
];
