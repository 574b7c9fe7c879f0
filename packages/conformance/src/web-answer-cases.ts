/**
 * Web `fetch`-handler answers on the wire: HEAD, declared Content-Length,
 * responses without content, redirects, handler failures, streams that fail,
 * reason phrases. Whatever the `Response`, the message sent never lies about
 * its framing (RFC 9112 §6.3, RFC 9110 §8.6): an answer found wrong before
 * its head went out (content in memory whose declared Content-Length is
 * another length, a body stream that fails first) gets a 500 instead
 * (RFC 9110 §15.6.1) and `onError` is told; a body found wrong only as it
 * streams is cut and the connection closed, so the client can tell.
 *
 * Part of {@link serverCases}: every adapter's conformance harness runs them.
 */
import assert from "node:assert/strict";
import { installQuickResponse, QuickResponse, type TetherServer } from "@tether/adapter-kit";
import { type ParsedResponse, RawClient } from "./raw-client.ts";
import type { AdapterUnderTest, ConformanceCase, ServerUnderTest } from "./server-cases.ts";
import { checkCut, checkFailed, checkHead, exchange, req } from "./web-answer-checks.ts";
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
  "/fail-first": () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new Error("stream failed (expected by the test)"));
        },
      }),
    ),
  "/fail-first-declared": () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new Error("stream failed (expected by the test)"));
        },
      }),
      { headers: { "content-length": "5" } },
    ),
  // Enqueued, then failed: the error drops what was queued, so the first
  // read fails and nothing of the answer was written.
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

/**
 * Runs `body` against a fresh `fetch`-handler server answering
 * {@link ANSWERS}, with the errors `onError` was told of so far.
 */
async function withAnswers(
  t: ServerUnderTest,
  body: (server: TetherServer, errors: unknown[]) => Promise<void>,
): Promise<void> {
  const errors: unknown[] = [];
  const server = await t.serve({
    hostname: "127.0.0.1",
    port: 0,
    onError: (error) => {
      errors.push(error);
    },
    fetch: (request) => {
      const make = ANSWERS[new URL(request.url).pathname];
      return make === undefined ? new Response("no such answer", { status: 404 }) : make();
    },
  });
  try {
    await body(server, errors);
  } finally {
    await server.close();
  }
}

/** Fields of `r` but its Date, which may tick between two answers. */
function undated(r: ParsedResponse | undefined): [string, string][] {
  return (r?.headers ?? []).filter(([name]) => name.toLowerCase() !== "date");
}

/** The cases, in {@link serverCases}. */
export const webAnswerCases: ConformanceCase<AdapterUnderTest>[] = [
  {
    name: "QuickResponse, as the adapter exports it, answers as the Response made the same way does (status, fields in order, content), on one persistent connection",
    run: async (t) => {
      // The adapter re-exports the kit's own class and installer, not copies.
      assert.equal(t.QuickResponse, QuickResponse);
      assert.equal(t.installQuickResponse, installQuickResponse);
      const init = { status: 201, headers: { "x-quick": "yes", "content-type": "text/plain" } };
      const server = await t.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: (request) =>
          new URL(request.url).pathname === "/quick"
            ? new t.QuickResponse("quick hello", init)
            : new Response("quick hello", init),
      });
      try {
        const [quick, native, again] = await exchange(
          server,
          req("GET", "/quick") + req("GET", "/native") + req("GET", "/quick"),
          3,
        );
        assert.equal(quick?.status, 201);
        assert.equal(quick?.body, "quick hello");
        assert.equal(quick?.header("x-quick"), "yes");
        assert.equal(quick?.header("content-length"), "11");
        assert.equal(native?.status, quick?.status);
        assert.equal(native?.body, quick?.body);
        assert.deepEqual(undated(native), undated(quick));
        assert.equal(again?.body, "quick hello");
        assert.deepEqual(undated(again), undated(quick));
      } finally {
        await server.close();
      }
    },
  },
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
    name: "RFC 9110 §9.3.2, §8.6: HEAD to a fetch handler's answer with a Content-Length equal to its content gets GET's head",
    run: (t) =>
      withAnswers(t, async (server) => {
        await checkHead(server, "/cl-equal");
        await checkHead(server, "/cl-equal-stream");
      }),
  },
  {
    name: "RFC 9110 §8.6, §9.3.2, §15.6.1: a fetch handler's Content-Length larger or smaller than its content in memory gets a 500, GET and HEAD alike, onError names both lengths, and the connection stays usable",
    run: (t) =>
      withAnswers(t, async (server, errors) => {
        await checkFailed(server, errors, "/cl-larger", ["Content-Length 10", "5 octets"]);
        await checkFailed(server, errors, "/cl-smaller", ["Content-Length 3", "5 octets"]);
      }),
  },
  {
    name: "RFC 9112 §6.3, §8, RFC 9110 §8.6: a fetch handler's stream larger or smaller than its declared Content-Length is found out only as it streams: the answer is cut and the connection closed",
    run: (t) =>
      withAnswers(t, async (server) => {
        for (const path of ["/cl-larger-stream", "/cl-smaller-stream"]) {
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
    name: "RFC 9112 §7.1, §8: a fetch handler's stream that fails after its head went out (mid-body, or on its first read after a declared Content-Length went out) is cut without its last chunk and the connection closed; a new connection works",
    run: (t) =>
      withAnswers(t, async (server) => {
        await checkCut(server, "/fail-later", "4\r\npart\r\n");
        // A declared length goes out in the head before the stream is read
        // (response-writer.ts): a stream failing on its first read is then
        // failing after the head went out.
        await checkCut(server, "/fail-first-declared", "");
      }),
  },
  {
    name: "RFC 9110 §15.6.1: a fetch handler's stream that fails before any of the answer was written gets a 500 (GET and HEAD), onError is told, and the connection stays usable",
    run: (t) =>
      withAnswers(t, async (server, errors) => {
        const told = ["stream failed (expected by the test)"];
        await checkFailed(server, errors, "/fail-first", told);
        await checkFailed(server, errors, "/fail-at-once", told);
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
