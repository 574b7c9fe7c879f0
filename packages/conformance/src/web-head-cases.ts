/**
 * Web `fetch`-handler heads: whatever `Response` the application returns,
 * the head on the wire carries exactly the fields that response's
 * `headers` holds (RFC 9110 §6.3: the header section is the message's
 * metadata; the server must not drop or invent fields other than framing and
 * connection management). Each runtime builds its `Response` objects its own
 * way — Deno, for one, keeps a body's content type apart from its field list
 * until `headers` is read — so every adapter runs these cases, and the
 * expected fields are read from a twin response made in the same runtime.
 *
 * Part of {@link serverCases}: every adapter's conformance harness runs them.
 */
import assert from "node:assert/strict";
import { RawClient } from "./raw-client.ts";
import type { ConformanceCase, ServerUnderTest } from "./server-cases.ts";

/** Fields the server adds or owns for framing and persistence (RFC 9112 §6, §9). */
const SERVER_OWNED = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
]);

/**
 * Response makers by path: each call makes a fresh response of one shape
 * (shared with web-answer-cases.ts).
 */
export const SHAPES: Readonly<Record<string, () => Response>> = {
  "/text": () => new Response("Hello, World!"),
  "/typed": () => new Response("Hello, World!", { headers: { "content-type": "text/plain" } }),
  "/json": () => Response.json({ hello: "world" }),
  "/bytes": () => new Response(new Uint8Array([1, 2, 3])),
  "/blob": () => new Response(new Blob(["<p>hi</p>"], { type: "text/html" })),
  "/form": () => new Response(new URLSearchParams("a=1&b=2")),
  "/empty": () => new Response(null, { status: 204 }),
  "/created": () =>
    new Response("made", {
      status: 201,
      statusText: "Created",
      headers: [
        ["X-Custom", "one"],
        ["x-custom", "two"],
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
        ["Cache-Control", "no-store"],
      ],
    }),
  "/changed": () => {
    const r = new Response("changed", { headers: { "content-type": "text/plain" } });
    r.headers.delete("content-type");
    r.headers.set("x-after", "set after construction");
    return r;
  },
  "/stream": () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("streamed"));
          controller.close();
        },
      }),
      { headers: { "content-type": "application/octet-stream", "x-stream": "yes" } },
    ),
};

/**
 * A response's fields as `name: value` lines, names lower-cased, sorted,
 * server-owned ones left out, and lines of one name combined in order with
 * ", " (RFC 9110 §5.3: the same field either way) — except Set-Cookie, whose
 * lines are never combined (RFC 6265 §3).
 */
function linesOf(fields: Iterable<readonly [string, string]>): string[] {
  const byName = new Map<string, string[]>();
  const cookies: string[] = [];
  for (const [name, value] of fields) {
    const lower = name.toLowerCase();
    if (SERVER_OWNED.has(lower)) continue;
    if (lower === "set-cookie") cookies.push(`set-cookie: ${value}`);
    else byName.set(lower, [...(byName.get(lower) ?? []), value]);
  }
  const lines = [...byName].map(([name, values]) => `${name}: ${values.join(", ")}`);
  return [...lines, ...cookies].sort();
}

/** The fields `response.headers` holds, Set-Cookie lines apart (RFC 6265 §3). */
function expectedLines(response: Response): string[] {
  const fields: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") fields.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) fields.push(["set-cookie", cookie]);
  return linesOf(fields);
}

/** Serves {@link SHAPES} through a Web `fetch` handler and checks `paths`, twice each, pipelined. */
async function checkShapes(t: ServerUnderTest, paths: readonly string[]): Promise<void> {
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => {
      const make = SHAPES[new URL(request.url).pathname];
      return make === undefined ? new Response("no such shape", { status: 404 }) : make();
    },
  });
  try {
    const c = new RawClient(server.port);
    // Each shape twice in a row, so an answer that reuses the previous
    // head (where a runtime allows it) is checked against a fresh one.
    const order = paths.flatMap((p) => [p, p]);
    await c.send(order.map((p) => `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`).join(""));
    const responses = await c.responses(order.length);
    assert.equal(responses.length, order.length, "every request answered");
    for (const [i, path] of order.entries()) {
      const twin = (SHAPES[path] as () => Response)();
      const got = responses[i];
      assert.ok(got !== undefined);
      assert.equal(got.status, twin.status, `${path}: status`);
      assert.deepEqual(linesOf(got.headers), expectedLines(twin), `${path}: fields`);
      const octets = new Uint8Array(await twin.arrayBuffer());
      assert.equal(got.body, String.fromCharCode(...octets), `${path}: body`);
    }
    c.destroy();
  } finally {
    await server.close();
  }
}

/** The cases, in {@link serverCases}. */
export const webHeadCases: ConformanceCase<ServerUnderTest>[] = [
  {
    name: "RFC 9110 §6.3: a fetch handler's response goes out with exactly its header fields (text, typed, JSON, bytes, Blob, form)",
    run: (t) => checkShapes(t, ["/text", "/typed", "/json", "/bytes", "/blob", "/form"]),
  },
  {
    name: "RFC 9110 §6.3, §15.3.2: a fetch handler's repeated fields, Set-Cookie lines (RFC 6265 §3) and fields changed after construction go out as the response holds them",
    run: (t) => checkShapes(t, ["/created", "/changed", "/typed", "/changed", "/empty"]),
  },
  {
    name: "RFC 9110 §6.3: a fetch handler's streamed response keeps its header fields",
    run: (t) => checkShapes(t, ["/stream", "/text", "/stream"]),
  },
];
