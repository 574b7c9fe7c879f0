/**
 * A fetch handler's `Response` whose content Bun holds in memory, taken
 * with `bytes()` instead of its stream (adapter-kit held-content.ts and
 * web-answer.ts): which responses count as held, and that every answer is
 * the same on the wire, byte for byte, as when the stream is read.
 */
import { afterEach, describe, expect, it } from "bun:test";
import { HELD_CONTENT_AVAILABLE, heldSize } from "../../adapter-kit/src/held-content.ts";
import { HELD_READ_SIZE, inReads, webAnswerWays } from "../../adapter-kit/src/web-answer.ts";
import { exchange } from "../../adapter-kit/test/server-harness.ts";

const enc = new TextEncoder();

afterEach(() => {
  webAnswerWays.held = HELD_CONTENT_AVAILABLE;
});

describe("heldSize: content Bun shows held in memory", () => {
  it("the probe passes on this Bun (else nothing is ever taken this way)", () => {
    expect(HELD_CONTENT_AVAILABLE).toBe(true);
  });

  it("counts strings, bytes and JSON, whatever the fields and status text", () => {
    expect(heldSize(new Response("Hello"))).toBe(5);
    expect(heldSize(new Response(new Uint8Array(3)))).toBe(3);
    expect(heldSize(new Response(new ArrayBuffer(4)))).toBe(4);
    expect(heldSize(Response.json({ a: 1 }))).toBeGreaterThan(0);
    const init = { status: 201, statusText: "Made It", headers: { "x-a": "a long value" } };
    expect(heldSize(new Response("Hello", init))).toBe(5);
  });

  it("is 0 for no body, an empty one, streams, Blobs, files — whatever the status text", async () => {
    const bodies: (() => BodyInit | null)[] = [
      () => null,
      () => "",
      () => new ReadableStream(),
      () => new Blob(["blob"]),
      () => new File(["file"], "f.txt"),
      () => Bun.file(import.meta.path),
    ];
    for (const body of bodies) {
      expect(heldSize(new Response(body()))).toBe(0);
      expect(heldSize(new Response(body(), { statusText: "Fine Indeed" }))).toBe(0);
    }
  });

  it("is 0 for a fetched response, even one whose body has arrived", async () => {
    const origin = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("x") });
    try {
      const fetched = await fetch(`http://127.0.0.1:${origin.port}/`);
      expect(heldSize(fetched)).toBe(0);
      await fetched.text();
    } finally {
      origin.stop(true);
    }
  });
});

describe("inReads", () => {
  it("gives the content in reads of HELD_READ_SIZE bytes, each made when asked for", async () => {
    const content = new Uint8Array(HELD_READ_SIZE * 2 + 5).map((_, i) => i % 251);
    const reader = inReads(content).getReader();
    const sizes: number[] = [];
    const joined: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      sizes.push(value.length);
      joined.push(...value);
    }
    expect(sizes).toEqual([HELD_READ_SIZE, HELD_READ_SIZE, 5]);
    expect(joined).toEqual([...content]);
  });
});

const get = (method = "GET") => `${method} / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`;

/** The wire text of `make()`'s answer to `request`, content held (bytes()) or read from the stream. */
async function both(make: () => Response, request = get()): Promise<[string, string]> {
  webAnswerWays.held = true;
  const held = await exchange({ fetch: make }, request);
  webAnswerWays.held = false;
  const read = await exchange({ fetch: make }, request);
  return [held, read];
}

describe("the same on the wire whether held content is taken with bytes() or read from the stream", () => {
  const cases: [string, () => Response, string?][] = [
    [
      "a short string",
      () => new Response("Hello, World!", { headers: { "content-type": "text/plain" } }),
    ],
    ["UTF-8 text", () => new Response("héllo ✓")],
    ["bytes", () => new Response(enc.encode("abc"))],
    ["JSON", () => Response.json({ a: [1, 2] })],
    [
      "a custom status and reason",
      () => new Response("x", { status: 299, statusText: "Fine Indeed" }),
    ],
    [
      "Set-Cookie lines",
      () => {
        const headers = new Headers({ "x-a": "1" });
        headers.append("set-cookie", "a=1");
        headers.append("set-cookie", "b=2");
        return new Response("ok", { headers });
      },
    ],
    ["RFC 9110 §9.3.2: HEAD", () => new Response("Hello, World!"), get("HEAD")],
    ["content of exactly one read: Content-Length", () => new Response("x".repeat(HELD_READ_SIZE))],
    ["content one byte over one read: chunked", () => new Response("x".repeat(HELD_READ_SIZE + 1))],
    // 10 000 characters held in one byte each, 20 000 bytes of UTF-8: taken, then sent in reads.
    ["Latin-1 text longer in UTF-8 than one read: chunked", () => new Response("é".repeat(10_000))],
    ["an empty string", () => new Response("")],
    ["a clone", () => new Response("cloned").clone()],
    [
      "the original of a clone",
      () => {
        const original = new Response("original");
        void original.clone();
        return original;
      },
    ],
    // A declared Content-Length equal to the content: checked, then sent as before.
    [
      "RFC 9110 §8.6: a declared Content-Length equal to the content",
      () => {
        const headers = new Headers({ "content-length": "5", "x-a": "1" });
        headers.append("set-cookie", "a=1");
        return new Response("hello", { headers });
      },
    ],
    [
      "RFC 9110 §8.6, §9.3.2: HEAD, a declared Content-Length equal to the content",
      () => new Response("hello", { headers: { "content-length": "5" } }),
      get("HEAD"),
    ],
    [
      "RFC 9110 §8.6: a declared Content-Length equal to UTF-8 content longer than one read",
      () => new Response("é".repeat(10_000), { headers: { "content-length": "20000" } }),
    ],
    [
      "a body the handler touched but did not read",
      () => {
        const response = new Response("touched");
        void response.body;
        return response;
      },
    ],
  ];
  for (const [name, make, request] of cases) {
    it(name, async () => {
      const [held, read] = await both(make, request);
      expect(held).toBe(read);
      expect(held).toMatch(/^HTTP\/1\.1 /);
    });
  }

  it("content longer in UTF-8 than one read goes chunked, its content whole", async () => {
    const [held] = await both(() => new Response("é".repeat(10_000)));
    expect(held).toContain("Transfer-Encoding: chunked");
    const body = held.slice(held.indexOf("\r\n\r\n") + 4);
    const data = body.replace(/\r\n[0-9a-f]+\r\n/g, "").replace(/^[0-9a-f]+\r\n/, "");
    expect(data.startsWith("é".repeat(10_000))).toBe(true);
  });

  it("RFC 9110 §15.6.1: a body the handler read or locked: a 500, as when the stream is read", async () => {
    const two =
      "GET /ok HTTP/1.1\r\nHost: h\r\n\r\nGET /spent HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    for (const spend of [
      (r: Response) => void r.text(),
      (r: Response) => void r.body?.getReader(),
    ]) {
      const make = (req: Request) => {
        if (new URL(req.url).pathname === "/ok") return new Response("ok");
        const response = new Response("spent");
        spend(response);
        return response;
      };
      webAnswerWays.held = true;
      const held = await exchange({ fetch: make }, two);
      webAnswerWays.held = false;
      const read = await exchange({ fetch: make }, two);
      expect(held).toBe(read);
      const answers = held.split("HTTP/1.1 ").slice(1);
      expect(answers.length).toBe(2);
      expect(answers[0]?.endsWith("ok")).toBe(true);
      expect(answers[1]?.startsWith("500 Internal Server Error\r\n")).toBe(true);
      expect(answers[1]?.endsWith("\r\n\r\nInternal Server Error\n")).toBe(true);
    }
  });

  it("RFC 9112 §9.3.2: a held answer behind a live stream waits its turn", async () => {
    const two =
      "GET /live HTTP/1.1\r\nHost: h\r\n\r\nGET /held HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    const make = (req: Request) => {
      if (new URL(req.url).pathname === "/held") return new Response("held");
      let n = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(c) {
            await new Promise((r) => setTimeout(r, 3));
            if (n === 2) c.close();
            else c.enqueue(enc.encode(`live${n++};`));
          },
        }),
      );
    };
    webAnswerWays.held = true;
    const text = await exchange({ fetch: make }, two);
    expect(text.indexOf("live1;")).toBeGreaterThan(0);
    expect(text.indexOf("held")).toBeGreaterThan(text.indexOf("live1;"));
    expect(text.endsWith("Content-Length: 4\r\n\r\nheld")).toBe(true);
  });
});
