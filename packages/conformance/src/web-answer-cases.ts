/**
 * Web `fetch`-handler answers on the wire: HEAD, declared Content-Length,
 * responses without content, redirects, handler failures, streams that fail,
 * reason phrases. Whatever the `Response`, the message sent never lies about
 * its framing (RFC 9112 §6.3, RFC 9110 §8.6): a body that cannot be sent as
 * declared is cut and the connection closed, so the client can tell.
 *
 * Part of {@link serverCases}: every adapter's conformance harness runs them.
 */
import assert from "node:assert/strict";
import type { TetherServer } from "@tether/adapter-kit";
import { type ParsedResponse, parseResponses, RawClient } from "./raw-client.ts";
import type { ConformanceCase, ServerUnderTest } from "./server-cases.ts";
import { SHAPES } from "./web-head-cases.ts";

const utf8 = new TextEncoder();

/** A stream of `text` that closes at once. */
function streamOf(text: string): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(utf8.encode(text));
      controller.close();
    },
  });
}

/** Response makers by path: each call makes a fresh response. */
const ANSWERS: Readonly<Record<string, () => Response | Promise<Response>>> = {
  // The shapes of web-head-cases.ts: text, typed, JSON, bytes, Blob, form, 204, …
  ...SHAPES,
  "/stream": () => new Response(streamOf("streamed"), { headers: { "x-stream": "yes" } }),
  "/ok": () => new Response("ok"),
  "/fine": () => new Response("ok", { statusText: "Fine" }),
  "/made": () => new Response("made", { status: 201 }),
  "/missing": () => new Response("no", { status: 404 }),
  "/cl-equal": () => new Response("hello", { headers: { "content-length": "5" } }),
  "/cl-equal-stream": () => new Response(streamOf("hello"), { headers: { "content-length": "5" } }),
  "/cl-larger": () => new Response("hello", { headers: { "content-length": "10" } }),
  "/cl-smaller": () => new Response("hello", { headers: { "content-length": "3" } }),
  "/cl-larger-stream": () =>
    new Response(streamOf("hello"), { headers: { "content-length": "10" } }),
  "/cl-smaller-stream": () =>
    new Response(streamOf("hello"), { headers: { "content-length": "3" } }),
  "/204": () => new Response(null, { status: 204 }),
  "/204-declared": () => new Response(null, { status: 204, headers: { "content-length": "5" } }),
  "/304": () => new Response(null, { status: 304, headers: { etag: '"v1"' } }),
  "/redirect": () => Response.redirect("http://t/elsewhere", 302),
  "/throw": () => {
    throw new Error("handler failed (expected by the test)");
  },
  "/reject": () => Promise.reject(new Error("handler failed (expected by the test)")),
  // Not a Response: what an untyped handler may give by mistake.
  "/string": () => "nope" as unknown as Response,
  "/null": () => null as unknown as Response,
  "/undefined": () => undefined as unknown as Response,
  "/promise-string": () => Promise.resolve("nope" as unknown as Response),
  "/promise-null": () => Promise.resolve(null as unknown as Response),
  "/stream-ok": () => new Response(streamOf("ok")),
  "/stream-made": () => new Response(streamOf("made"), { status: 201 }),
  "/declared-ok": () => new Response("ok", { headers: { "content-length": "2" } }),
  "/fail-later": () => {
    let pulls = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (pulls++ === 0) {
            controller.enqueue(utf8.encode("part"));
            return;
          }
          // A turn of the event loop: the head and the first chunk are out.
          await new Promise((resolve) => setTimeout(resolve, 20));
          controller.error(new Error("stream failed (expected by the test)"));
        },
      }),
    );
  },
  "/fail-at-once": () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(utf8.encode("part"));
          controller.error(new Error("stream failed (expected by the test)"));
        },
      }),
    ),
};

/** Runs `body` against a fresh `fetch`-handler server answering {@link ANSWERS}. */
async function withAnswers(
  t: ServerUnderTest,
  body: (server: TetherServer) => Promise<void>,
): Promise<void> {
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    onError: () => {},
    fetch: (request) => {
      const make = ANSWERS[new URL(request.url).pathname];
      return make === undefined ? new Response("no such answer", { status: 404 }) : make();
    },
  });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** Sends `requests` (pipelined) on a fresh connection and reads `count` responses. */
async function exchange(
  server: TetherServer,
  requests: string,
  count: number,
): Promise<ParsedResponse[]> {
  const c = new RawClient(server.port);
  try {
    await c.send(requests);
    const responses = await c.responses(count);
    assert.equal(responses.length, count, `${count} responses to ${JSON.stringify(requests)}`);
    return responses;
  } finally {
    c.destroy();
  }
}

const req = (method: string, path: string) => `${method} ${path} HTTP/1.1\r\nHost: t\r\n\r\n`;

/** A head's field lines, names lower-cased, sorted, without Date and `leave`. */
function fieldLines(headers: readonly (readonly [string, string])[], leave: string[]): string[] {
  return headers
    .map(([n, v]) => [n.toLowerCase(), v] as const)
    .filter(([n]) => n !== "date" && !leave.includes(n))
    .map(([n, v]) => `${n}: ${v}`)
    .sort();
}

/** The field lines of a head's text. */
function headLines(text: string): [string, string][] {
  return text
    .split("\r\n")
    .slice(1)
    .filter((line) => line !== "")
    .map((line): [string, string] => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon), line.slice(colon + 1).trim()];
    });
}

/** Checks that HEAD `path` gets GET `path`'s head and no content. */
async function checkHead(server: TetherServer, path: string): Promise<void> {
  const c = new RawClient(server.port);
  try {
    await c.send(req("HEAD", path) + req("GET", path));
    const split = (text: string) => {
      const end = text.indexOf("\r\n\r\n");
      return end === -1 ? null : { head: text.slice(0, end + 4), rest: text.slice(end + 4) };
    };
    await c.until((cl) => {
      const s = split(cl.text());
      return s !== null && parseResponses(s.rest).length >= 1;
    });
    const s = split(c.text());
    assert.ok(s !== null, `${path}: HEAD answered`);
    // RFC 9110 §9.3.2: no content — the GET's answer follows the head at once.
    assert.ok(s.rest.startsWith("HTTP/1.1 "), `${path}: nothing between HEAD's head and GET's`);
    // The HEAD answer's head read alone (a reader of whole messages would
    // wait for the content its Content-Length announces).
    const head = { headers: headLines(s.head) };
    const [get] = parseResponses(s.rest);
    assert.ok(get !== undefined);
    assert.equal(s.head.split("\r\n")[0], s.rest.split("\r\n")[0], `${path}: status line`);
    // Transfer-Encoding may be left out of a HEAD answer (RFC 9110 §9.3.2);
    // Content-Length, when GET's answer has one, must be the same (§8.6).
    const leave = ["transfer-encoding"];
    assert.deepEqual(fieldLines(head.headers, leave), fieldLines(get.headers, leave), path);
  } finally {
    c.destroy();
  }
}

/**
 * Checks that GET `path`, answered with a Content-Length its content does
 * not meet, is cut: fewer octets than declared (a prefix of the content),
 * then the connection closed, no later answer on it; a new connection works.
 */
async function checkCut(server: TetherServer, path: string, content: string): Promise<void> {
  const c = new RawClient(server.port);
  try {
    await c.send(req("GET", path) + req("GET", "/ok"));
    assert.notEqual(await c.closed(), "open", `${path}: connection closed`);
    const text = c.text();
    const end = text.indexOf("\r\n\r\n");
    if (end !== -1) {
      const declared = /\r\ncontent-length: *(\d+)\r\n/i.exec(text.slice(0, end + 4));
      const sent = text.slice(end + 4);
      assert.ok(!sent.includes("HTTP/1.1 "), `${path}: no answer after the cut one`);
      assert.ok(content.startsWith(sent), `${path}: only the content's own octets`);
      if (declared !== null) {
        assert.ok(sent.length < Number(declared[1]), `${path}: Content-Length not met`);
      } else assert.ok(!sent.endsWith("0\r\n\r\n"), `${path}: no last chunk`);
    }
  } finally {
    c.destroy();
  }
  const [after] = await exchange(server, req("GET", "/ok"), 1);
  assert.equal(after?.body, "ok", `${path}: a new connection works`);
}

/** The cases, in {@link serverCases}. */
export const webAnswerCases: ConformanceCase<ServerUnderTest>[] = [
  {
    name: "RFC 9110 §9.3.2, §8.6: HEAD to a fetch handler gets GET's head, Content-Length included, and no content (text, typed, JSON, bytes, Blob, form, stream, 204)",
    run: (t) =>
      withAnswers(t, async (server) => {
        for (const path of ["/text", "/typed", "/json", "/bytes", "/blob", "/form", "/stream"]) {
          await checkHead(server, path);
        }
        await checkHead(server, "/empty");
      }),
  },
  {
    name: "RFC 9110 §8.6, RFC 9112 §6.3: a fetch handler's Content-Length equal to its content goes out once, and the connection persists",
    run: (t) =>
      withAnswers(t, async (server) => {
        const all = await exchange(
          server,
          req("GET", "/cl-equal") + req("GET", "/cl-equal-stream") + req("GET", "/ok"),
          3,
        );
        for (const r of all.slice(0, 2)) {
          assert.equal(r.status, 200);
          const lengths = r.headers.filter(([n]) => n.toLowerCase() === "content-length");
          assert.deepEqual(
            lengths.map(([, v]) => v),
            ["5"],
          );
          assert.equal(r.body, "hello");
        }
        assert.equal(all[2]?.body, "ok");
      }),
  },
  {
    name: "RFC 9112 §6.3, §8, RFC 9110 §8.6: a fetch handler's Content-Length larger or smaller than its content is never met: the answer is cut and the connection closed",
    run: (t) =>
      withAnswers(t, async (server) => {
        for (const path of [
          "/cl-larger",
          "/cl-smaller",
          "/cl-larger-stream",
          "/cl-smaller-stream",
        ]) {
          await checkCut(server, path, "hello");
        }
      }),
  },
  {
    name: "RFC 9110 §15.3.5, §15.4.5, §8.6: a fetch handler's 204 and 304 carry no content, 204 no Content-Length even when declared, and the connection persists",
    run: (t) =>
      withAnswers(t, async (server) => {
        const all = await exchange(
          server,
          req("GET", "/204") +
            req("GET", "/204-declared") +
            req("HEAD", "/204") +
            req("GET", "/304") +
            req("GET", "/ok"),
          5,
        );
        assert.deepEqual(
          all.map((r) => r.status),
          [204, 204, 204, 304, 200],
        );
        for (const r of all.slice(0, 3)) {
          assert.equal(r.header("content-length"), undefined, "no Content-Length on 204");
          assert.equal(r.header("transfer-encoding"), undefined, "no Transfer-Encoding on 204");
        }
        assert.equal(all[3]?.header("etag"), '"v1"');
        assert.equal(all[3]?.header("transfer-encoding"), undefined);
        assert.equal(all[4]?.body, "ok", "the answer after them is read where it begins");
      }),
  },
  {
    name: "RFC 9110 §15.4.3, §10.2.2: a fetch handler's Response.redirect(url, 302) goes out with its Location",
    run: (t) =>
      withAnswers(t, async (server) => {
        const [redirect, after] = await exchange(
          server,
          req("GET", "/redirect") + req("GET", "/ok"),
          2,
        );
        assert.equal(redirect?.status, 302);
        assert.equal(redirect?.header("location"), "http://t/elsewhere");
        assert.equal(redirect?.body, "");
        assert.equal(after?.body, "ok");
      }),
  },
  {
    name: "RFC 9110 §15.6.1: a fetch handler that throws or rejects gets a 500, and the connection stays usable",
    run: (t) =>
      withAnswers(t, async (server) => {
        const all = await exchange(
          server,
          req("GET", "/throw") + req("GET", "/reject") + req("GET", "/ok"),
          3,
        );
        assert.deepEqual(
          all.map((r) => r.status),
          [500, 500, 200],
        );
        assert.equal(all[2]?.body, "ok");
      }),
  },
  {
    name: "RFC 9110 §15.6.1: a fetch handler that gives something other than a Response (a string, null, undefined, a promise of one) gets a 500, and the server and the connection stay usable",
    run: (t) =>
      withAnswers(t, async (server) => {
        const paths = ["/string", "/null", "/undefined", "/promise-string", "/promise-null", "/ok"];
        const all = await exchange(server, paths.map((p) => req("GET", p)).join(""), paths.length);
        assert.deepEqual(
          all.map((r) => r.status),
          [500, 500, 500, 500, 500, 200],
        );
        assert.equal(all[5]?.body, "ok");
      }),
  },
  {
    name: "RFC 9112 §7.1, §8: a fetch handler's stream that fails mid-body is cut without its last chunk and the connection closed; a new connection works",
    run: (t) =>
      withAnswers(t, async (server) => {
        await checkCut(server, "/fail-later", "4\r\npart\r\n");
        await checkCut(server, "/fail-at-once", "4\r\npart\r\n");
      }),
  },
  {
    name: "RFC 9112 §4: a fetch handler's status text goes out as given; none given, the status code's usual reason phrase (content in memory, streamed, or of a declared length)",
    run: (t) =>
      withAnswers(t, async (server) => {
        const c = new RawClient(server.port);
        try {
          const paths = [
            ...["/fine", "/ok", "/json", "/made", "/missing", "/redirect", "/204"],
            ...["/stream-ok", "/stream-made", "/declared-ok"],
          ];
          await c.send(paths.map((p) => req("GET", p)).join(""));
          await c.responses(paths.length);
          const lines = c.text().match(/HTTP\/1\.1 \d{3} [^\r\n]*/g);
          assert.deepEqual(lines, [
            "HTTP/1.1 200 Fine",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 201 Created",
            "HTTP/1.1 404 Not Found",
            "HTTP/1.1 302 Found",
            "HTTP/1.1 204 No Content",
            "HTTP/1.1 200 OK",
            "HTTP/1.1 201 Created",
            "HTTP/1.1 200 OK",
          ]);
        } finally {
          c.destroy();
        }
      }),
  },
];
