/**
 * A fetch handler's `Response` on the wire, by each way web-answer.ts can
 * take: content read without its stream (Node, Deno), content read from the
 * stream when it ends at once (Bun; forced here on every runtime), and the
 * general streamed way. Runs under vitest (Node) and `bun test`.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ServeOptions } from "../src/api.ts";
import { HELD_CONTENT_AVAILABLE } from "../src/held-content.ts";
import { FAST_RESPONSES_AVAILABLE, memoryContent } from "../src/response-fast-path.ts";
import { webAnswerWays } from "../src/web-answer.ts";
import { exchange } from "./server-harness.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Serves `fetch` and sends `request`; resolves with everything read until the server closes. */
const wire = (fetch: NonNullable<ServeOptions["fetch"]>, request: string): Promise<string> =>
  exchange({ fetch }, request);

const get = (method = "GET") => `${method} / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;

/** Head lines (lower-cased names) and body of the one response in `text`. */
function parse(text: string): { status: string; fields: [string, string][]; body: string } {
  const end = text.indexOf("\r\n\r\n");
  const [status, ...lines] = text.slice(0, end).split("\r\n");
  const fields = lines.map((l): [string, string] => {
    const i = l.indexOf(":");
    return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
  });
  return { status: status as string, fields, body: text.slice(end + 4) };
}

const field = (p: ReturnType<typeof parse>, name: string) =>
  p.fields.filter(([n]) => n === name).map(([, v]) => v);

/** The stream read with settled reads taken at once (Bun.peek, on Bun), or a turn later. */
const READ = "read from the stream";
const READ_WAITING = "read from the stream, every read awaited";
/** Content Bun shows held in memory, taken with `bytes()` (held-content.ts; Bun only). */
const HELD = "held in memory, taken with bytes()";
const WAYS = [
  ...(FAST_RESPONSES_AVAILABLE ? ["in memory"] : []),
  ...(HELD_CONTENT_AVAILABLE ? [HELD] : []),
  READ,
  READ_WAITING,
];

afterEach(() => {
  webAnswerWays.peek = FAST_RESPONSES_AVAILABLE;
  webAnswerWays.settled = true;
  webAnswerWays.held = HELD_CONTENT_AVAILABLE;
});

describe.each(WAYS)("a Web Response, content %s", (way) => {
  const use = () => {
    webAnswerWays.peek = way === "in memory";
    webAnswerWays.settled = way !== READ_WAITING;
    webAnswerWays.held = way === HELD;
  };

  it("RFC 9112 §6.2: a string body is sent with its Content-Length and default Content-Type", async () => {
    use();
    const p = parse(await wire(() => new Response("Hello, World!"), get()));
    expect(p.status).toMatch(/^HTTP\/1\.1 200 /);
    expect(field(p, "content-length")).toEqual(["13"]);
    // The Content-Type the runtime's Response reports (Bun's headers show none).
    const own = new Response("").headers.get("content-type");
    expect(field(p, "content-type")).toEqual(own === null ? [] : [own]);
    expect(p.body).toBe("Hello, World!");
  });

  it("UTF-8 strings: Content-Length counts octets", async () => {
    use();
    const p = parse(await wire(() => new Response("héllo ✓"), get()));
    expect(field(p, "content-length")).toEqual([String(enc.encode("héllo ✓").length)]);
    expect(p.body).toBe("héllo ✓");
  });

  it("bytes, ArrayBuffer and JSON bodies", async () => {
    use();
    const bytes = parse(await wire(() => new Response(enc.encode("abc")), get()));
    expect(field(bytes, "content-length")).toEqual(["3"]);
    expect(bytes.body).toBe("abc");
    const buffer = parse(await wire(() => new Response(enc.encode("xy").buffer), get()));
    expect(buffer.body).toBe("xy");
    const json = parse(await wire(() => Response.json({ a: 1 }), get()));
    expect(field(json, "content-type")).toEqual([Response.json(1).headers.get("content-type")]);
    expect(json.body).toBe('{"a":1}');
  });

  it("an empty string and a null body: Content-Length 0", async () => {
    use();
    for (const body of ["", null]) {
      const p = parse(await wire(() => new Response(body), get()));
      expect(p.status).toMatch(/^HTTP\/1\.1 200 /);
      expect(field(p, "content-length")).toEqual(["0"]);
      expect(p.body).toBe("");
    }
  });

  it("RFC 9110 §9.3.2: HEAD gets the Content-Length of the content, and no content", async () => {
    use();
    const p = parse(await wire(() => new Response("Hello, World!"), get("HEAD")));
    expect(p.status).toMatch(/^HTTP\/1\.1 200 /);
    expect(field(p, "content-length")).toEqual(["13"]);
    expect(p.body).toBe("");
  });

  it("RFC 9110 §15.3.5, §15.4.5: 204 and 304 have no content and no Content-Length", async () => {
    use();
    for (const status of [204, 304]) {
      const p = parse(await wire(() => new Response(null, { status }), get()));
      expect(p.status.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
      expect(field(p, "content-length")).toEqual([]);
      expect(field(p, "transfer-encoding")).toEqual([]);
      expect(p.body).toBe("");
    }
  });

  it("RFC 9112 §4: a response without a status text gets the status code's usual reason phrase", async () => {
    use();
    for (const [status, line] of [
      [200, "HTTP/1.1 200 OK"],
      [201, "HTTP/1.1 201 Created"],
      [404, "HTTP/1.1 404 Not Found"],
    ] as const) {
      const p = parse(await wire(() => new Response("x", { status }), get()));
      expect(p.status).toBe(line);
    }
  });

  it("RFC 9112 §4: a custom status and reason phrase are sent as given", async () => {
    use();
    const p = parse(
      await wire(() => new Response("x", { status: 299, statusText: "Fine Indeed" }), get()),
    );
    expect(p.status).toBe("HTTP/1.1 299 Fine Indeed");
  });

  it("RFC 6265 §3: each Set-Cookie goes on its own line; other fields pass", async () => {
    use();
    const p = parse(
      await wire(() => {
        const headers = new Headers({ "x-a": "1" });
        headers.append("set-cookie", "a=1; Path=/");
        headers.append("set-cookie", "b=2, c");
        return new Response("ok", { headers });
      }, get()),
    );
    expect(field(p, "set-cookie")).toEqual(["a=1; Path=/", "b=2, c"]);
    expect(field(p, "x-a")).toEqual(["1"]);
  });

  it("RFC 9112 §6: framing is the server's: a declared matching Content-Length is kept once, Transfer-Encoding dropped", async () => {
    use();
    const p = parse(
      await wire(
        () =>
          new Response("four", {
            headers: { "content-length": "4", "transfer-encoding": "chunked" },
          }),
        get(),
      ),
    );
    expect(field(p, "content-length")).toEqual(["4"]);
    expect(field(p, "transfer-encoding")).toEqual([]);
    expect(p.body).toBe("four");
  });

  it("RFC 9112 §7.1: a live stream is sent chunked, chunk by chunk", async () => {
    use();
    const p = parse(
      await wire(() => {
        let n = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((r) => setTimeout(r, 2));
            if (n === 3) controller.close();
            else controller.enqueue(enc.encode(`part${n++};`));
          },
        });
        return new Response(body);
      }, get()),
    );
    expect(field(p, "transfer-encoding")).toEqual(["chunked"]);
    expect(field(p, "content-length")).toEqual([]);
    const data = p.body.replace(/[0-9a-f]+\r\n/g, "").replace(/\r\n/g, "");
    expect(data).toBe("part0;part1;part2;");
  });

  it("a stream of one chunk that ends at once gets a Content-Length, as before", async () => {
    use();
    const p = parse(await wire(() => readyResponse("abcd"), get()));
    expect(field(p, "content-length")).toEqual(["4"]);
    expect(field(p, "transfer-encoding")).toEqual([]);
    expect(p.body).toBe("abcd");
  });

  it("a stream of two chunks ready at once is sent chunked, as before", async () => {
    use();
    const p = parse(await wire(() => readyResponse("ab", "cd"), get()));
    expect(field(p, "transfer-encoding")).toEqual(["chunked"]);
    expect(field(p, "content-length")).toEqual([]);
    expect(p.body).toBe("2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n");
  });

  it("RFC 9110 §15.6.1: a body the handler locked fails before anything is written: the earlier answer is sent whole, then a 500, and onError is told", async () => {
    use();
    const two =
      "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /locked HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const errors: unknown[] = [];
    const text = await exchange(
      {
        onError: (error) => errors.push(error),
        fetch: (req) => {
          if (new URL(req.url).pathname === "/ok") return slowResponse(5, "ok");
          const locked = new Response("locked");
          locked.body?.getReader();
          return locked;
        },
      },
      two,
    );
    const answers = text.split("HTTP/1.1 ").slice(1);
    expect(answers.length, text).toBe(2);
    expect(parse(`HTTP/1.1 ${answers[0]}`).body).toBe("ok");
    expectFailure(`HTTP/1.1 ${answers[1]}`);
    expect(errors.length).toBe(1);
  });

  it("a stream that fails after its first chunk: the earlier answer is sent whole, then the connection is cut", async () => {
    use();
    const two =
      "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /half HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const text = await wire((req) => {
      if (new URL(req.url).pathname === "/ok") return new Response("ok");
      let n = 0;
      return new Response(
        new ReadableStream({
          pull(c) {
            if (n++ === 0) c.enqueue(enc.encode("half"));
            else throw new Error("broken after a chunk");
          },
        }),
      );
    }, two);
    const first = text.indexOf("HTTP/1.1 ", 1);
    expect(parse(first < 0 ? text : text.slice(0, first)).body).toBe("ok");
    // The broken answer never ends: no last chunk.
    expect(text.endsWith("0\r\n\r\n")).toBe(false);
  });

  it("RFC 9112 §9.3.2: pipelined answers stay in order, in-memory ones behind a stream", async () => {
    use();
    const two =
      "GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /fast HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const text = await wire((req) => {
      if (new URL(req.url).pathname === "/fast") return new Response("fast");
      return slowResponse(5, "slow");
    }, two);
    expect(text, text).toContain("slow");
    expect(text.indexOf("fast")).toBeGreaterThan(text.indexOf("slow"));
  });

  it("RFC 9112 §9.3.2: answers queued behind a slow one are read meanwhile and keep their order and framing", async () => {
    use();
    const three =
      "GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /live HTTP/1.1\r\nHost: h\r\n\r\n" +
      "GET /text HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const text = await wire((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/text") return new Response("third");
      let n = 0;
      const wait = path === "/slow" ? 10 : 1;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(c) {
            await new Promise((r) => setTimeout(r, wait));
            if (n === 2) c.close();
            else c.enqueue(enc.encode(`${path.slice(1)}${n++};`));
          },
        }),
      );
    }, three);
    const answers = text.split("HTTP/1.1 ").slice(1);
    expect(answers.length, text).toBe(3);
    const [slow, live, third] = answers.map((a) => parse(`HTTP/1.1 ${a}`)) as [
      ReturnType<typeof parse>,
      ReturnType<typeof parse>,
      ReturnType<typeof parse>,
    ];
    const chunks = (b: string) => b.replace(/[0-9a-f]+\r\n/g, "").replace(/\r\n/g, "");
    expect(field(slow, "transfer-encoding")).toEqual(["chunked"]);
    expect(chunks(slow.body)).toBe("slow0;slow1;");
    expect(field(live, "transfer-encoding")).toEqual(["chunked"]);
    expect(chunks(live.body)).toBe("live0;live1;");
    expect(field(third, "content-length")).toEqual(["5"]);
    expect(third.body).toBe("third");
  });

  it("RFC 9112 §9.3.2: an answer queued behind a slow one goes out as it was when given", async () => {
    use();
    const two =
      "GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /text HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const text = await wire((req) => {
      if (new URL(req.url).pathname === "/slow") return slowResponse(10, "slow");
      const response = new Response("text", { headers: { "x-when": "given" } });
      // Changed after it was given, while it waits its turn: not seen.
      setTimeout(() => response.headers.set("x-when", "later"), 1);
      return response;
    }, two);
    const answers = text.split("HTTP/1.1 ").slice(1);
    expect(answers.length, text).toBe(2);
    const second = parse(`HTTP/1.1 ${answers[1]}`);
    expect(field(second, "x-when")).toEqual(["given"]);
    expect(second.body).toBe("text");
  });

  it("RFC 9110 §15.6.1: a body stream that fails while its answer waits its turn: the earlier answer is sent whole, then a 500, and onError is told", async () => {
    use();
    const two =
      "GET /slow HTTP/1.1\r\nHost: h\r\n\r\nGET /broken HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const errors: unknown[] = [];
    const text = await exchange(
      {
        onError: (error) => errors.push(error),
        fetch: (req) => {
          if (new URL(req.url).pathname === "/broken") {
            return new Response(
              new ReadableStream({
                pull() {
                  throw new Error("broken body");
                },
              }),
            );
          }
          return slowResponse(10, "slow");
        },
      },
      two,
    );
    const answers = text.split("HTTP/1.1 ").slice(1);
    expect(answers.length, text).toBe(2);
    expect(parse(`HTTP/1.1 ${answers[0]}`).body).toBe("slow");
    expectFailure(`HTTP/1.1 ${answers[1]}`);
    expect((errors[0] as Error).message).toBe("broken body");
  });

  it("RFC 9110 §15.6.1: a body stream that fails on its first read gets a 500 (GET and HEAD), onError is told, and the connection stays usable", async () => {
    use();
    const broken = () =>
      new Response(
        new ReadableStream({
          pull(c) {
            c.error(new Error("x"));
          },
        }),
      );
    for (const method of ["GET", "HEAD"]) {
      const errors: unknown[] = [];
      const text = await exchange(
        {
          onError: (error) => errors.push(error),
          fetch: (req) => (new URL(req.url).pathname === "/ok" ? new Response("ok") : broken()),
        },
        `${method} /broken HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`,
      );
      const answers = text.split("HTTP/1.1 ").slice(1);
      expect(answers.length, text).toBe(2);
      const failed = parse(`HTTP/1.1 ${answers[0]}`);
      expect(failed.status).toBe("HTTP/1.1 500 Internal Server Error");
      expect(field(failed, "content-length")).toEqual(["22"]);
      expect(failed.body).toBe(method === "HEAD" ? "" : "Internal Server Error\n");
      expect(parse(`HTTP/1.1 ${answers[1]}`).body).toBe("ok");
      expect((errors[0] as Error).message).toBe("x");
    }
  });

  // Only where the content is known before the head goes out: a body read
  // from its stream is a stream, checked as it streams (cut on a mismatch).
  it.skipIf(way !== "in memory" && way !== HELD)(
    "RFC 9110 §8.6, §9.3.2: content whose declared Content-Length is another length gets a 500 (GET and HEAD), onError names both lengths, the connection stays usable",
    async () => {
      use();
      for (const declared of ["3", "10"]) {
        for (const method of ["GET", "HEAD"]) {
          const errors: unknown[] = [];
          const text = await exchange(
            {
              onError: (error) => errors.push(error),
              fetch: (req) =>
                new URL(req.url).pathname === "/ok"
                  ? new Response("ok")
                  : new Response("hello", { headers: { "content-length": declared } }),
            },
            `${method} /cl HTTP/1.1\r\nHost: h\r\n\r\nGET /ok HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`,
          );
          const answers = text.split("HTTP/1.1 ").slice(1);
          expect(answers.length, text).toBe(2);
          const failed = parse(`HTTP/1.1 ${answers[0]}`);
          expect(failed.status).toBe("HTTP/1.1 500 Internal Server Error");
          expect(field(failed, "content-length")).toEqual(["22"]);
          expect(parse(`HTTP/1.1 ${answers[1]}`).body).toBe("ok");
          expect(errors.length).toBe(1);
          const message = (errors[0] as Error).message;
          expect(message).toContain(`Content-Length ${declared}`);
          expect(message).toContain("5 octets");
        }
      }
    },
  );
});

/** Checks that `text` is the one failure answer a handler that throws gets (a 500). */
function expectFailure(text: string): void {
  const p = parse(text);
  expect(p.status).toBe("HTTP/1.1 500 Internal Server Error");
  expect(field(p, "content-type")).toEqual(["text/plain"]);
  expect(p.body).toBe("Internal Server Error\n");
}

/** A response whose stream has every one of `parts` queued at once, as a chunk each, and ends. */
function readyResponse(...parts: string[]): Response {
  return new Response(
    new ReadableStream({
      start(c) {
        for (const part of parts) c.enqueue(enc.encode(part));
        c.close();
      },
    }),
  );
}

/** A response whose stream gives `text` once, `ms` after it is first pulled, then ends. */
function slowResponse(ms: number, text: string): Response {
  return new Response(
    new ReadableStream({
      async pull(c) {
        await new Promise((r) => setTimeout(r, ms));
        c.enqueue(enc.encode(text));
        c.close();
      },
    }),
  );
}

// Bun keeps a response's content out of reach: nothing to read there.
describe.skipIf(!FAST_RESPONSES_AVAILABLE)(
  "memoryContent: a response's content without its stream",
  () => {
    const text = (b: Uint8Array | null | undefined) =>
      b === undefined ? "unknown" : b === null ? "none" : dec.decode(b);

    it("is the content of strings, bytes, buffers and JSON", () => {
      expect(text(memoryContent(new Response("héllo")))).toBe("héllo");
      expect(text(memoryContent(new Response("h", { headers: { "x-a": "1" } })))).toBe("h");
      expect(text(memoryContent(new Response(enc.encode("u8"))))).toBe("u8");
      expect(text(memoryContent(new Response(new ArrayBuffer(2))))).toBe("\0\0");
      expect(text(memoryContent(Response.json([1])))).toBe("[1]");
    });

    it("is none for a null body", () => {
      expect(text(memoryContent(new Response(null)))).toBe("none");
      expect(text(memoryContent(new Response(null, { status: 204 })))).toBe("none");
    });

    it("is unknown for streams and Blobs, and for a body already used or locked", async () => {
      expect(text(memoryContent(new Response(new ReadableStream())))).toBe("unknown");
      expect(text(memoryContent(new Response(new Blob(["b"]))))).toBe("unknown");
      const used = new Response("u");
      await used.text();
      expect(text(memoryContent(used))).toBe("unknown");
      const locked = new Response("l");
      locked.body?.getReader();
      expect(text(memoryContent(locked))).toBe("unknown");
    });
  },
);
